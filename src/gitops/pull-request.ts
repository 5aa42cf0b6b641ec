// Opening or updating the GitOps pull request so that a release never fails
// because its pull request is already there. GitHub answers a create with 422
// "A pull request already exists for owner:branch." when the list before it
// missed the pull request (lists lag behind writes), or when the retry plugin
// repeats a create whose answer was lost on the way back (the first try did
// open it). Either way the pull request exists: find it by head and base and
// update it as if the list had found it.
import { UserError } from '../errors.js'
import type { GitHubRepo, NewPullRequest, PullRequest } from '../github/api.js'

/** GitHub refused a create because the pull request is already open. */
export class PullRequestExistsError extends UserError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'PullRequestExistsError'
  }
}

export interface UpsertedPullRequest {
  pullRequest: PullRequest
  /** False when an open pull request of the head branch was updated. */
  created: boolean
}

/**
 * Updates the title and body of the open pull request of `request.head`, or
 * opens one; a create refused because it exists updates that one instead.
 */
export async function upsertPullRequest(
  api: GitHubRepo,
  request: NewPullRequest,
  log: (message: string) => void
): Promise<UpsertedPullRequest> {
  const existing = await api.findOpenPullRequest(request.head)
  if (existing) {
    return { pullRequest: await update(api, existing, request), created: false }
  }
  try {
    return { pullRequest: await api.createPullRequest(request), created: true }
  } catch (error) {
    if (!(error instanceof PullRequestExistsError)) throw error
    const found = await api.findOpenPullRequest(request.head, request.base)
    if (!found) throw notListed(api, request, error)
    log(
      `Pull request #${found.number} from ${request.head} into ` +
        `${request.base} already exists in ${api.fullName}: updating it.`
    )
    return { pullRequest: await update(api, found, request), created: false }
  }
}

function update(
  api: GitHubRepo,
  pullRequest: PullRequest,
  request: NewPullRequest
): Promise<PullRequest> {
  const { title, body } = request
  return api.updatePullRequest(pullRequest.number, { title, body })
}

/** GitHub says it exists, yet lists none open: it may not have caught up. */
function notListed(
  api: GitHubRepo,
  request: NewPullRequest,
  error: PullRequestExistsError
): UserError {
  return new UserError(
    `GitHub answered that a pull request from ${api.owner}:${request.head} ` +
      `into ${request.base} already exists in ${api.fullName}, but lists no ` +
      'such open pull request. Run the job again: the next run finds and ' +
      'updates it.',
    { cause: error }
  )
}
