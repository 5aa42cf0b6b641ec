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
  /** Repetitions of the rendered preview of one place. */
  renderReps: number
  /** The previews of many places (Argo CD Applications), each with its repetitions. */
  renderPlaces: RenderSize[]
  /** Repetitions of the signing rows (each a publish without, and two with, signing). */
  signingReps: number
  /** Repetitions of the mirror rows, and the chart versions each run copies. */
  mirrorReps: number
  mirrorVersions: number
}

/** A preview of `places` places, `reps` times; `targetMs` is the bound, if any. */
export interface RenderSize {
  places: number
  reps: number
  targetMs?: number
}

/** Issue #27: a preview of 100 places in under 10 s. */
const PREVIEW_100_MS = 10_000

export type Mode = 'full' | 'quick' | 'smoke'

export const PLANS: Readonly<Record<Mode, Plan>> = {
  full: {
    startupReps: 15,
    reps: 7,
    monorepoCharts: 20,
    gitopsSizes: [1_000, 10_000, 50_000, 100_000],
    cloneSize: 10_000,
    renderReps: 7,
    renderPlaces: [
      { places: 20, reps: 7 },
      { places: 100, reps: 3, targetMs: PREVIEW_100_MS }
    ],
    signingReps: 7,
    mirrorReps: 3,
    mirrorVersions: 100
  },
  quick: {
    startupReps: 3,
    reps: 3,
    monorepoCharts: 4,
    gitopsSizes: [500, 1_000],
    cloneSize: 500,
    renderReps: 2,
    renderPlaces: [
      { places: 20, reps: 2 },
      { places: 100, reps: 1, targetMs: PREVIEW_100_MS }
    ],
    signingReps: 2,
    mirrorReps: 2,
    mirrorVersions: 20
  },
  smoke: {
    startupReps: 1,
    reps: 1,
    monorepoCharts: 2,
    gitopsSizes: [100, 200],
    cloneSize: 100,
    renderReps: 1,
    renderPlaces: [
      { places: 2, reps: 1 },
      { places: 3, reps: 1, targetMs: PREVIEW_100_MS }
    ],
    signingReps: 1,
    mirrorReps: 1,
    mirrorVersions: 3
  }
}
