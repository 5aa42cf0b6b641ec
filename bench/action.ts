// Runs the bundled action through the test harness's `runMain` and `runPost`
// (exactly as a runner does) and notes when each line of its log arrives, so
// a run can be split into its steps. A run is timed from the spawn of its node
// process to its close, like a bare command (bench/process.ts): the harness's
// own work before the spawn (building the INPUT_* environment parses
// action.yml once per input given, over 10 ms a run) is not the action's.
import diagnostics from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import {
  runMain,
  runPost,
  type ActionRun,
  type StepResult
} from '../__tests__/helpers/action-runner.js'

/** One log line and when it arrived, in ms after the call. */
export interface TimedLine {
  at: number
  text: string
}

export interface TimedRun {
  /** From the spawn of the step's process until it closed and its files were read. */
  ms: number
  /** When the process was spawned, ms after the call. */
  spawnedAt: number
  /** When the step's process had closed and its files were read, ms after the call. */
  closedAt: number
  lines: TimedLine[]
  result: StepResult
}

/**
 * When `fn` spawned its first child process, in ms after the call: node
 * publishes each spawn on the `child_process` diagnostics channel, just
 * before the process starts.
 */
async function withSpawnTime<T>(
  fn: (start: number) => Promise<T>
): Promise<{ value: T; spawnedAt: number; closedAt: number }> {
  const start = performance.now()
  let spawnedAt = Number.NaN
  const onSpawn = (): void => {
    if (Number.isNaN(spawnedAt)) spawnedAt = performance.now() - start
  }
  diagnostics.subscribe('child_process', onSpawn)
  try {
    const value = await fn(start)
    const closedAt = performance.now() - start
    if (Number.isNaN(spawnedAt)) throw new Error('no process was spawned')
    return { value, spawnedAt, closedAt }
  } finally {
    diagnostics.unsubscribe('child_process', onSpawn)
  }
}

/** `runMain` with every line the action prints timestamped as it arrives. */
export async function runMainTimed(run: ActionRun): Promise<TimedRun> {
  const lines: TimedLine[] = []
  const {
    value: result,
    spawnedAt,
    closedAt
  } = await withSpawnTime(start =>
    runMain({
      ...run,
      echo: text => lines.push({ at: performance.now() - start, text })
    })
  )
  if (result.exitCode !== 0) {
    throw new Error(
      `the action failed (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`
    )
  }
  return { ms: closedAt - spawnedAt, spawnedAt, closedAt, lines, result }
}

/** `runPost` with the state a main step saved, timed from its spawn to its close. */
export async function runPostTimed(
  run: ActionRun,
  state: Record<string, string>
): Promise<{ ms: number; result: StepResult }> {
  const {
    value: result,
    spawnedAt,
    closedAt
  } = await withSpawnTime(() => runPost(run, state))
  if (result.exitCode !== 0)
    throw new Error(`the post step failed:\n${result.stdout}\n${result.stderr}`)
  return { ms: closedAt - spawnedAt, result }
}

/** A step of the run: where it starts in the log. */
export interface Milestone {
  label: string
  /** The first line matching this starts the step. */
  match: RegExp
  /** Only lines after the first one matching this count (e.g. a group's `::endgroup::`). */
  after?: RegExp
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
    const from = milestone.after
      ? run.lines.findIndex(l => milestone.after!.test(l.text)) + 1
      : 0
    if (milestone.after && from === 0) continue
    const line = run.lines.slice(from).find(l => milestone.match.test(l.text))
    if (line) found.push({ label: milestone.label, at: line.at })
  }
  found.sort((a, b) => a.at - b.at)
  const durations = new Map<string, number>()
  found.forEach((step, i) => {
    const end = i + 1 < found.length ? found[i + 1].at : run.closedAt
    durations.set(step.label, (durations.get(step.label) ?? 0) + end - step.at)
  })
  return durations
}
