// What the whole run did, the source of outputs and summary, and the one way
// steps write it. Steps return what they report (a result, or a note that
// they did not run); release/steps.ts, and the after-push loops as each chart
// is done, hand it to a RunRecord. Nothing else assigns a step's result.
import type { ChartRelease } from './chart-release.js'
import type { GitHubReleaseResult } from './github-release.js'
import type { GitopsResult } from './gitops.js'
import type { SigningResult } from './signing.js'

/** What the whole run did: the source of outputs and summary. */
export interface RunResult {
  charts: ChartRelease[]
  helmVersion: string
  dryRun: boolean
  /** Steps that did not run, with the reason, for the summary. */
  skipped: string[]
}

/** A step that did not run, and why (for the summary's "Skipped" list). */
export type Note = string | undefined

/** Writes the run's record: each step's result, and the steps that did not run. */
export interface RunRecord {
  /** Steps (or parts of one) that did not run; an undefined note is none. */
  skip(...notes: Note[]): void
  /** Signing's result for a chart. */
  signed(chart: ChartRelease, signing: SigningResult): void
  /** The GitHub Release made or updated for a chart. */
  released(chart: ChartRelease, release: GitHubReleaseResult): void
  /** The GitOps pull request proposed for a chart. */
  proposed(chart: ChartRelease, pullRequest: GitopsResult): void
}

/** The writer of `run`'s record. */
export function recordOf(run: RunResult): RunRecord {
  return {
    skip: (...notes) => {
      for (const note of notes) if (note) run.skipped.push(note)
    },
    signed: (chart, signing) => {
      chart.signing = signing
    },
    released: (chart, release) => {
      chart.githubRelease = release
    },
    proposed: (chart, pullRequest) => {
      chart.gitops = pullRequest
    }
  }
}
