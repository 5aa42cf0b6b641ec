// A step that comes after the push (signing, the GitHub release) runs for
// every chart the registry serves for this run; a failure cannot undo the
// publication, so it is told as such, with how a re-run finishes the job.
import { errorMessage, UserError } from '../errors.js'
import type { IfExists } from '../inputs/release.js'
import type { ChartRelease } from '../record/chart-release.js'

/** How the step's failures read: "… but <undone>", "it pushes nothing and <rerunDoes>". */
export interface AfterPushWords {
  /** e.g. 'not signed' */
  undone: string
  /** e.g. 'signs what is missing' */
  rerunDoes: string
}

/**
 * Runs `step` for each chart with a digest (pushed, or published before with
 * `if-exists: skip`), all of them even when one fails; then fails once,
 * naming each chart that is published but not finished.
 */
export async function forEachPublished(
  releases: ChartRelease[],
  ifExists: IfExists,
  words: AfterPushWords,
  step: (release: ChartRelease) => Promise<void>
): Promise<void> {
  const failures: string[] = []
  for (const release of releases.filter(r => r.digest)) {
    try {
      await step(release)
    } catch (error) {
      failures.push(
        `${release.ref}:${release.tag} is published (digest ${release.digest}) ` +
          `but ${words.undone}: ${errorMessage(error)}`
      )
    }
  }
  if (failures.length === 0) return
  const rerun =
    ifExists === 'skip'
      ? `Re-run the job: with \`if-exists: skip\` it pushes nothing and ${words.rerunDoes}.`
      : `Set \`if-exists: skip\` and run the release again: it pushes nothing and ${words.rerunDoes} ` +
        '(with `fail` a re-run stops at the published version).'
  throw new UserError(`${failures.join('\n')}\n${rerun}`)
}
