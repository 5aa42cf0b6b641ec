// How much each measurement of `npm run bench` repeats, and on what, by mode:
// - full (no flag): the figures of BENCHMARKS.md, ~10 minutes on 2 cores;
// - `--quick`: fewer repetitions and smaller workloads, printed, to look at;
// - `--smoke`: every measurement once (after its warm-up round) on the
//   smallest workloads, printed: proves the harness produces every row and
//   section. The test suite runs it (__tests__/bench/smoke.int.test.ts) and asserts
//   no figure: on a busy machine the times mean nothing, the rows still do.

export interface Plan {
  startupReps: number
  reps: number
  monorepoCharts: number
  /** GitOps repository sizes in files, ascending (two at least, for the growth rows). */
  gitopsSizes: number[]
  cloneSize: number
  /** Repetitions of the rendered-preview rows, and the Applications of the many-places row. */
  renderReps: number
  renderPlaces: number
  /** Repetitions of the signing rows (each a publish without, and two with, signing). */
  signingReps: number
}

export type Mode = 'full' | 'quick' | 'smoke'

export const PLANS: Readonly<Record<Mode, Plan>> = {
  full: {
    startupReps: 15,
    reps: 7,
    monorepoCharts: 20,
    gitopsSizes: [1_000, 10_000, 50_000, 100_000],
    cloneSize: 10_000,
    renderReps: 7,
    renderPlaces: 20,
    signingReps: 7
  },
  quick: {
    startupReps: 3,
    reps: 3,
    monorepoCharts: 4,
    gitopsSizes: [500, 1_000],
    cloneSize: 500,
    renderReps: 2,
    renderPlaces: 20,
    signingReps: 2
  },
  smoke: {
    startupReps: 1,
    reps: 1,
    monorepoCharts: 2,
    gitopsSizes: [100, 200],
    cloneSize: 100,
    renderReps: 1,
    renderPlaces: 2,
    signingReps: 1
  }
}
