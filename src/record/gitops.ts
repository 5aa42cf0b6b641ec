// What the GitOps step did for one chart: the pull request, the files it
// changed and the rendered preview, as the outputs and the summary read it.
// Types only: the step fills it.
import type { Part } from '../fit.js'

/**
 * What became of the pull request; `none`: there is none (nothing to move,
 * or a dry run).
 */
export type PullRequestOperation = 'created' | 'updated' | 'unchanged' | 'none'

/** What the GitOps step did for one chart: outputs and summary read it. */
export interface GitopsResult {
  operation: PullRequestOperation
  number?: number
  url?: string
  /** Repository paths this release changed (or, in a dry run, would change). */
  updatedFiles: string[]
  /** The rendered preview (rendered changes and changelog), for the job summary to fit in. */
  preview?: Part[]
}
