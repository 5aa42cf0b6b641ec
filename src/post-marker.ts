// Whether the runner starts the post step at all. action.yml's `runs.post-if`
// reads the job's status and one job environment variable, which main sets
// through GITHUB_ENV: `pending` when it hands the post step a folder to remove,
// `done` when it exits with every such folder gone. The runner applies a
// step's GITHUB_ENV in a `finally`, also after the step was killed, timed out
// or cancelled, so a main that died leaves `pending` and the post step runs;
// one that cleaned up leaves `done` and no second node process starts
// (actions/runner src/Runner.Worker/ActionRunner.cs: `ProcessFiles` in the
// `finally` around `handler.RunAsync`; StepsRunner.cs evaluates post-if with
// `env` built from the job's environment). See docs/how-it-works.md.
import fs from 'node:fs'
import os from 'node:os'

/** The job environment variable action.yml's `runs.post-if` reads. */
export const CLEANUP_VARIABLE = 'HELM_OCI_RELEASE_CLEANUP'

/** `pending`: a main step of this job left folders for its post step. */
export type CleanupMark = 'pending' | 'done'

/**
 * What main writes when it exits: `done` only when every folder it handed
 * the post step is gone and no earlier run of the action in this job left
 * `pending` (that run's post step still has work, and the variable is one
 * per job). Otherwise nothing: `pending`, written first, stays.
 */
export function markAtExit(
  inheritedPending: boolean,
  leftBehind: boolean
): CleanupMark | undefined {
  return inheritedPending || leftBehind ? undefined : 'done'
}

interface Handover {
  dirs: string[]
  envFile?: string
  inheritedPending: boolean
}

let handover: Handover | undefined

/**
 * Records a folder the post step removes should main not. The first one
 * marks the cleanup `pending` in the job's environment before any credential
 * is written into it, and arms the check at exit. Throws when GITHUB_ENV
 * cannot be written, as `core.saveState` does: without the mark a killed main
 * step would leave its credentials behind.
 */
export function handToPost(dir: string, env = process.env): void {
  if (handover) {
    handover.dirs.push(dir)
    return
  }
  const envFile = env.GITHUB_ENV || undefined
  writeMark(envFile, 'pending')
  handover = {
    dirs: [dir],
    envFile,
    inheritedPending: env[CLEANUP_VARIABLE] === 'pending'
  }
  process.once('exit', markDoneIfClean)
}

/** At exit (never after a signal or a kill): `done` when nothing is left. */
function markDoneIfClean(): void {
  if (!handover) return
  const left = handover.dirs.some(dir => fs.existsSync(dir))
  const mark = markAtExit(handover.inheritedPending, left)
  if (!mark) return
  try {
    writeMark(handover.envFile, mark)
  } catch {
    // `pending` stays: the post step runs and finds nothing to remove.
  }
}

/** One `NAME=value` line: a single short append, whole or absent. */
function writeMark(file: string | undefined, mark: CleanupMark): void {
  if (file) fs.appendFileSync(file, `${CLEANUP_VARIABLE}=${mark}${os.EOL}`)
}
