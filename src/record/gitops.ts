// What the GitOps step did for one chart: the pull request, the files it
// changed and the rendered preview, as the outputs and the summary read it.
// Types only: the step fills it.
import type { Part } from '../render/fit.js'

export type PullRequestOperation = 'created' | 'updated' | 'unchanged' | 'none'

export interface GitopsResult {
  operation: PullRequestOperation
  number?: number
  url?: string
  /** Repository paths this release changed (or, in a dry run, would change). */
  updatedFiles: string[]
  /** The rendered preview (rendered changes and changelog), for the job summary to fit in. */
  preview?: Part[]
}
