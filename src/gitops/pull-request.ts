// The GitOps pull request: opened, or updated when one from the branch is
// open, then labelled, with reviews requested and auto-merge enabled.
//
// A release never fails because its pull request is already there. GitHub
// answers a create with 422 "A pull request already exists for owner:branch."
// when the list before it missed the pull request (lists lag behind writes),
// or when the retry plugin repeats a create whose answer was lost on the way
// back (the first try did open it). Either way the pull request exists: find
// it by head and base and update it as if the list had found it.
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import {
  AutoMergeUnavailableError,
  PullRequestExistsError
} from '../github/api-errors.js'
import type { MergeMethod, NewPullRequest, PullRequest } from '../github/api.js'

/** The requests to GitHub this file makes; `GitHubRepo` is the real one. */
export interface PullRequestApi {
  /** `owner/name`. */
  readonly fullName: string
  readonly owner: string
  findOpenPullRequest(
    headBranch: string,
    base?: string
  ): Promise<PullRequest | undefined>
  createPullRequest(request: NewPullRequest): Promise<PullRequest>
  updatePullRequest(
    number: number,
    changes: { title?: string; body?: string }
  ): Promise<PullRequest>
  addLabels(number: number, labels: readonly string[]): Promise<void>
  requestReviewers(
    number: number,
    users: readonly string[],
    teams: readonly string[]
  ): Promise<void>
  enableAutoMerge(nodeId: string, method: MergeMethod): Promise<void>
}

/** What to do to the pull request once it is open (the `gitops-pr-*` inputs). */
export interface PullRequestSettings {
  labels: readonly string[]
  reviewers: readonly string[]
  teamReviewers: readonly string[]
  autoMerge?: 'merge' | 'squash' | 'rebase'
}

export interface UpsertedPullRequest {
  pullRequest: PullRequest
  /** False when an open pull request of the head branch was updated. */
  created: boolean
}

/**
 * Opens or updates the pull request of `request.head`, labels it, requests
 * reviews and enables auto-merge (a refusal of auto-merge is a warning).
 */
export async function openPullRequest(
  api: PullRequestApi,
  request: NewPullRequest,
  settings: PullRequestSettings
): Promise<UpsertedPullRequest> {
  const upserted = await upsertPullRequest(api, request)
  const { number, nodeId, htmlUrl } = upserted.pullRequest
  if (settings.labels.length) await api.addLabels(number, settings.labels)
  if (settings.reviewers.length || settings.teamReviewers.length) {
    await api.requestReviewers(
      number,
      settings.reviewers,
      settings.teamReviewers
    )
  }
  await enableAutoMerge(api, nodeId, settings.autoMerge)
  core.info(
    `Pull request #${number} ${upserted.created ? 'opened' : 'updated'}: ${htmlUrl}`
  )
  return upserted
}

/**
 * Updates the title and body of the open pull request of `request.head`, or
 * opens one; a create refused because it exists updates that one instead.
 */
export async function upsertPullRequest(
  api: PullRequestApi,
  request: NewPullRequest,
  log: (message: string) => void = core.info
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

async function enableAutoMerge(
  api: PullRequestApi,
  nodeId: string,
  method: PullRequestSettings['autoMerge']
): Promise<void> {
  if (!method) return
  try {
    await api.enableAutoMerge(nodeId, method.toUpperCase() as MergeMethod)
  } catch (error) {
    if (!(error instanceof AutoMergeUnavailableError)) throw error
    core.warning(error.message)
  }
}

function update(
  api: PullRequestApi,
  pullRequest: PullRequest,
  request: NewPullRequest
): Promise<PullRequest> {
  const { title, body } = request
  return api.updatePullRequest(pullRequest.number, { title, body })
}

/** GitHub says it exists, yet lists none open: it may not have caught up. */
function notListed(
  api: PullRequestApi,
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
