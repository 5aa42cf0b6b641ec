// Runs the sides of a comparison in turn (A B A B … or A B C A B C …), so a
// machine that speeds up or slows down during the run affects every side
// alike, and each repetition's samples can be paired.

/**
 * One side of a comparison: `run(round)` performs and measures one repetition;
 * `round` counts warm-up rounds too, so it is unique (e.g. for chart versions).
 */
export interface Side<T> {
  name: string
  run(rep: number): Promise<T>
}

export interface AlternateOptions {
  /** Untimed rounds first (page cache, JIT, registry warm-up). Default 1. */
  warmup?: number
  /** Called after each sample, e.g. to print progress. */
  onSample?: (side: string, rep: number) => void
}

/**
 * `reps` rounds of every side in order. Returns the samples by side, in
 * repetition order: `samples[s][i]` is side `s` in round `i`.
 */
export async function alternate<T>(
  sides: readonly Side<T>[],
  reps: number,
  options: AlternateOptions = {}
): Promise<T[][]> {
  const warmup = options.warmup ?? 1
  const samples: T[][] = sides.map(() => [])
  for (let round = 0; round < warmup + reps; round++) {
    for (const [s, side] of sides.entries()) {
      const sample = await side.run(round)
      if (round < warmup) continue
      samples[s].push(sample)
      options.onSample?.(side.name, round - warmup)
    }
  }
  return samples
}
