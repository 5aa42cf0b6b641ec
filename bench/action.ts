// Runs the bundled action through the test harness's `runMain` (exactly as a
// runner does) and notes when each line of its log arrives, so a run can be
// split into its steps.
import { performance } from 'node:perf_hooks'
import {
  runMain,
  type ActionRun,
  type StepResult
} from '../__tests__/helpers/action-runner.js'

/** One log line and when it arrived, in ms after the run started. */
export interface TimedLine {
  at: number
  text: string
}

export interface TimedRun {
  /** From the call until the step's process closed and its files were read. */
  ms: number
  /** When the process was spawned, ms after the call. */
  spawnedAt: number
  lines: TimedLine[]
  result: StepResult
}

/** `runMain` with every line the action prints timestamped as it arrives. */
export async function runMainTimed(run: ActionRun): Promise<TimedRun> {
  const start = performance.now()
  const lines: TimedLine[] = []
  let spawnedAt = Number.NaN
  const result = await runMain({
    ...run,
    echo: text => lines.push({ at: performance.now() - start, text }),
    onSpawn: () => (spawnedAt = performance.now() - start)
  })
  const ms = performance.now() - start
  if (result.exitCode !== 0) {
    throw new Error(
      `the action failed (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`
    )
  }
  return { ms, spawnedAt, lines, result }
}

/** A step of the run: where it starts in the log. */
export interface Milestone {
  label: string
  /** The first line matching this starts the step. */
  match: RegExp
}

/**
 * Durations of the steps of one run, by label: each step lasts from its
 * milestone to the next one found (the last until the process closed).
 * `startLabel` covers spawn until the first milestone (node start-up, bundle
 * load, inputs).
 */
export function stepDurations(
  run: TimedRun,
  milestones: readonly Milestone[],
  startLabel: string
): Map<string, number> {
  const found: { label: string; at: number }[] = [
    { label: startLabel, at: run.spawnedAt }
  ]
  for (const milestone of milestones) {
    const line = run.lines.find(l => milestone.match.test(l.text))
    if (line) found.push({ label: milestone.label, at: line.at })
  }
  found.sort((a, b) => a.at - b.at)
  const durations = new Map<string, number>()
  found.forEach((step, i) => {
    const end = i + 1 < found.length ? found[i + 1].at : run.ms
    durations.set(step.label, (durations.get(step.label) ?? 0) + end - step.at)
  })
  return durations
}
