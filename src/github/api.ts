// The GitHub REST and GraphQL API, as the GitOps step needs it: find or open
// the pull request that bumps the chart's version pins, label it, request
// reviews, enable auto-merge, and commit through the Git Data API so that
// GitHub signs the commit (commits an App token makes through the API are
// marked Verified).
//
// Octokit comes from @actions/github (proxy-aware fetch for GITHUB_API_URL)
// with the retry plugin (5xx and network errors, bounded backoff) and the
// throttling plugin (primary and secondary rate limits, waited out only when
// GitHub asks for a short enough wait). Everything else fails at once with a
// message that names the repository and the fix.
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { UserError, errorMessage } from '../errors.js'
import {
  PullRequestExistsError,
  upsertPullRequest,
  type UpsertedPullRequest
} from '../gitops/pull-request.js'

type Octokit = ReturnType<typeof getOctokit>

/** How GitHub merges a pull request once auto-merge fires. */
export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE'

export interface GitHubRepoOptions {
  /** The `gitops-token` input; the caller has masked it already. */
  token: string
  /** `owner/name` of the GitOps repository. */
  repository: string
  /** REST API root; default GITHUB_API_URL, then https://api.github.com. */
  apiUrl?: string
  /** Longest wait (seconds) a rate limit may ask for; default 60. */
  maxWaitSeconds?: number
  /** Milliseconds per second of waiting; default 1000 (tests shrink it). */
  waitUnitMs?: number
  /** Where waits are reported; default `core.info`. */
  log?: (message: string) => void
}

/** The fields of a pull request the GitOps step uses. */
export interface PullRequest {
  number: number
  /** GraphQL node id, for `enableAutoMerge`. */
  nodeId: string
  htmlUrl: string
  headRef: string
  baseRef: string
  title: string
  draft: boolean
}

export interface NewPullRequest {
  /** Branch with the changes, in the same repository. */
  head: string
  /** Branch to merge into, usually the default branch. */
  base: string
  title: string
  body: string
  draft?: boolean
}

/** One file to write in a commit: text (sent as UTF-8) or its exact bytes. */
export interface FileChange {
  path: string
  content: string | Uint8Array
}

export interface CommitRequest {
  /** Branch to point at the new commit; created when missing. */
  branch: string
  /** Commit the new one builds on (its only parent). */
  parentSha: string
  message: string
  files: readonly FileChange[]
  /**
   * Move an existing branch even when the new commit does not descend from
   * its head: set when replacing the action's own earlier commit.
   */
  force?: boolean
}

/** Auto-merge could not be enabled; worth a warning, not a failed release. */
export class AutoMergeUnavailableError extends UserError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'AutoMergeUnavailableError'
  }
}

/** Retries of one request after a rate limit (the plugin's `retryCount`). */
const LIMIT_RETRIES = 2
/** Retries of 5xx and network errors: waits of 1, 4 and 9 units. */
const SERVER_RETRIES = 3
/**
 * Statuses the retry plugin leaves alone: its defaults plus 429, which it
 * would otherwise retry on its own schedule, ignoring the retry-after GitHub
 * sent; the throttling plugin waits 429s out within the cap instead.
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451]
const DEFAULT_MAX_WAIT_SECONDS = 60

const ENABLE_AUTO_MERGE = `
mutation EnableAutoMerge(
  $pullRequestId: ID!
  $mergeMethod: PullRequestMergeMethod!
) {
  enablePullRequestAutoMerge(
    input: { pullRequestId: $pullRequestId, mergeMethod: $mergeMethod }
  ) {
    pullRequest {
      autoMergeRequest {
        mergeMethod
      }
    }
  }
}
`

/** The API root: GITHUB_API_URL on github.com and GHES runners alike. */
export function apiUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return (env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, '')
}

/** Splits `owner/name`, or throws a UserError naming the input. */
export function parseRepository(repository: string): {
  owner: string
  repo: string
} {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository.trim())
  if (!match) {
    throw new UserError(
      `gitops-repository '${repository}' is not of the form owner/name: ` +
        'set it to the GitOps repository, e.g. my-org/gitops.'
    )
  }
  return { owner: match[1], repo: match[2] }
}

/**
 * Team slug of a reviewer team given as `org/team` (or a bare slug); the org
 * must own the repository, as GitHub only requests reviews from its teams.
 */
export function teamSlug(team: string, owner: string): string {
  const [org, slug] = team.includes('/') ? team.split('/', 2) : [owner, team]
  if (!slug || org.toLowerCase() !== owner.toLowerCase()) {
    throw new UserError(
      `Reviewer team '${team}' is not a team of ${owner}: GitHub requests ` +
        `reviews only from teams of the organization that owns the ` +
        `repository; use ${owner}/<team-slug>.`
    )
  }
  return slug
}

/** A client of one repository; every failure names that repository. */
export class GitHubRepo {
  readonly owner: string
  readonly repo: string
  private readonly octokit: Octokit
  private readonly log: (message: string) => void

  constructor(options: GitHubRepoOptions) {
    const { owner, repo } = parseRepository(options.repository)
    this.owner = owner
    this.repo = repo
    this.log = options.log ?? core.info
    this.octokit = createOctokit(options, this.fullName)
  }

  /** `owner/name`. */
  get fullName(): string {
    return `${this.owner}/${this.repo}`
  }

  /** The repository's default branch. */
  async getDefaultBranch(): Promise<string> {
    const { data } = await this.call('reading the repository', () =>
      this.octokit.rest.repos.get(this.at())
    )
    return data.default_branch
  }

  /** The commit a branch points at, or undefined when there is no branch. */
  async getBranchHead(branch: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.git.getRef({
        ...this.at(),
        ref: `heads/${branch}`
      })
      return data.object.sha
    } catch (error) {
      if (httpStatus(error) === 404) return undefined
      throw this.explain(error, `reading branch ${branch}`)
    }
  }

  /**
   * The open pull request from `headBranch` of this repository (into `base`
   * when given), if any.
   */
  async findOpenPullRequest(
    headBranch: string,
    base?: string
  ): Promise<PullRequest | undefined> {
    // `head` must be owner:branch: GitHub ignores a bare branch name and
    // lists every open pull request.
    const { data } = await this.call('listing pull requests', () =>
      this.octokit.rest.pulls.list({
        ...this.at(),
        state: 'open',
        head: `${this.owner}:${headBranch}`,
        ...(base === undefined ? {} : { base }),
        per_page: 100
      })
    )
    const found = data.find(pr => pr.head.ref === headBranch)
    return found && toPullRequest(found)
  }

  /**
   * Updates the open pull request of `request.head` (title and body), or
   * opens one; one GitHub says already exists is found and updated.
   */
  upsertPullRequest(request: NewPullRequest): Promise<UpsertedPullRequest> {
    return upsertPullRequest(this, request, this.log)
  }

  /** Opens a pull request. */
  async createPullRequest(request: NewPullRequest): Promise<PullRequest> {
    const { data } = await this.call('creating the pull request', () =>
      this.octokit.rest.pulls.create({
        ...this.at(),
        head: request.head,
        base: request.base,
        title: request.title,
        body: request.body,
        draft: request.draft ?? false
      })
    )
    return toPullRequest(data)
  }

  /** Rewrites the title and body of a pull request. */
  async updatePullRequest(
    number: number,
    changes: { title?: string; body?: string }
  ): Promise<PullRequest> {
    const { data } = await this.call(`updating pull request #${number}`, () =>
      this.octokit.rest.pulls.update({
        ...this.at(),
        pull_number: number,
        ...changes
      })
    )
    return toPullRequest(data)
  }

  /** Adds labels (GitHub creates the missing ones). */
  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return
    await this.call(`labelling pull request #${number}`, () =>
      this.octokit.rest.issues.addLabels({
        ...this.at(),
        issue_number: number,
        labels: [...labels]
      })
    )
  }

  /** Requests reviews from users and teams (`org/team` or a bare slug). */
  async requestReviewers(
    number: number,
    users: readonly string[],
    teams: readonly string[]
  ): Promise<void> {
    if (users.length === 0 && teams.length === 0) return
    const slugs = teams.map(team => teamSlug(team, this.owner))
    await this.call(`requesting reviews on pull request #${number}`, () =>
      this.octokit.rest.pulls.requestReviewers({
        ...this.at(),
        pull_number: number,
        reviewers: [...users],
        team_reviewers: slugs
      })
    )
  }

  /**
   * Enables auto-merge; throws AutoMergeUnavailableError when GitHub refuses
   * (auto-merge not allowed in the repository, nothing left to wait for...).
   */
  async enableAutoMerge(nodeId: string, method: MergeMethod): Promise<void> {
    try {
      await this.octokit.graphql(ENABLE_AUTO_MERGE, {
        pullRequestId: nodeId,
        mergeMethod: method
      })
    } catch (error) {
      const messages = graphqlMessages(error)
      if (!messages) throw this.explain(error, 'enabling auto-merge')
      throw new AutoMergeUnavailableError(
        `Could not enable auto-merge in ${this.fullName}: ` +
          `${messages.join('; ')}. ${autoMergeHint(messages)}`,
        { cause: error }
      )
    }
  }

  /**
   * Commits `files` on top of `parentSha` through the Git Data API (blobs,
   * tree on the parent's tree, commit) and points `branch` at it; GitHub
   * signs such commits when the token is a GitHub App's. Returns the sha.
   */
  async commitFiles(request: CommitRequest): Promise<string> {
    const parent = await this.call('reading the base commit', () =>
      this.octokit.rest.git.getCommit({
        ...this.at(),
        commit_sha: request.parentSha
      })
    )
    const tree = await this.createTree(parent.data.tree.sha, request.files)
    const commit = await this.call('creating the commit', () =>
      this.octokit.rest.git.createCommit({
        ...this.at(),
        message: request.message,
        tree,
        parents: [request.parentSha]
      })
    )
    await this.setBranch(request.branch, commit.data.sha, request.force)
    return commit.data.sha
  }

  private async createTree(
    baseTree: string,
    files: readonly FileChange[]
  ): Promise<string> {
    const entries: { path: string; sha: string }[] = []
    // One blob at a time: GitHub's guidance against secondary rate limits.
    for (const file of files) {
      entries.push({ path: file.path, sha: await this.createBlob(file) })
    }
    const { data } = await this.call('creating the tree', () =>
      this.octokit.rest.git.createTree({
        ...this.at(),
        base_tree: baseTree,
        tree: entries.map(entry => ({
          ...entry,
          mode: '100644' as const,
          type: 'blob' as const
        }))
      })
    )
    return data.sha
  }

  private async createBlob(file: FileChange): Promise<string> {
    const { data } = await this.call(`uploading ${file.path}`, () =>
      this.octokit.rest.git.createBlob({
        ...this.at(),
        content: Buffer.from(file.content).toString('base64'),
        encoding: 'base64'
      })
    )
    return data.sha
  }

  private async setBranch(
    branch: string,
    sha: string,
    force = false
  ): Promise<void> {
    if ((await this.getBranchHead(branch)) === undefined) {
      await this.call(`creating branch ${branch}`, () =>
        this.octokit.rest.git.createRef({
          ...this.at(),
          ref: `refs/heads/${branch}`,
          sha
        })
      )
      return
    }
    await this.call(`updating branch ${branch}`, () =>
      this.octokit.rest.git.updateRef({
        ...this.at(),
        ref: `heads/${branch}`,
        sha,
        force
      })
    )
  }

  private at(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.repo }
  }

  private async call<T>(action: string, request: () => Promise<T>) {
    try {
      return await request()
    } catch (error) {
      throw this.explain(error, action)
    }
  }

  /** An error that says what failed, in which repository, and the fix. */
  private explain(error: unknown, action: string): Error {
    const status = httpStatus(error)
    const where = `${action} in ${this.fullName}`
    const fix = FIXES[status ?? 0]
    if (fix) {
      return new UserError(`GitHub answered ${status} ${where}: ${fix}`, {
        cause: error
      })
    }
    if (status === 422) {
      const messages = validationMessages(error)
      // Told apart so that the caller can update that pull request instead.
      const Refusal = /pull request already exists/i.test(messages)
        ? PullRequestExistsError
        : UserError
      return new Refusal(`GitHub refused ${where}: ${messages}`, {
        cause: error
      })
    }
    if (status === 403 || status === 429) {
      return new UserError(forbidden(error, status, where), { cause: error })
    }
    return new Error(`GitHub API failed ${where}: ${errorMessage(error)}`, {
      cause: error
    })
  }
}

const FIXES: Record<number, string> = {
  401:
    'the gitops-token was rejected (bad or expired credentials). Set ' +
    'gitops-token to a valid token: a fine-grained personal access token ' +
    'or a GitHub App installation token for this repository, or a classic ' +
    'token with the repo scope.',
  404:
    'the repository does not exist or the gitops-token cannot see it. Check ' +
    'gitops-repository (owner/name) and that the token can access the ' +
    'repository: a fine-grained token must include it, a GitHub App must be ' +
    'installed on it, a classic token needs the repo scope.'
}

/** 403/429: a rate limit waited out in vain, or missing permissions. */
function forbidden(error: unknown, status: number, where: string): string {
  const message = responseMessage(error)
  // 429 is Too Many Requests whatever its text says.
  if (status === 429 || /rate limit/i.test(message)) {
    return (
      `GitHub rate limit ${where} (${message}). The wait GitHub asked for ` +
      'was too long or retries ran out; run the job again later.'
    )
  }
  return (
    `GitHub denied ${where} (${message}). Give the gitops-token write ` +
    'access: contents and pull requests read/write for a fine-grained ' +
    'token or GitHub App, the repo scope for a classic token.'
  )
}

function autoMergeHint(messages: readonly string[]): string {
  const text = messages.join(' ')
  if (/not allowed/i.test(text)) {
    return (
      "Turn on 'Allow auto-merge' in the repository's settings (General, " +
      'Pull Requests), or leave gitops-auto-merge empty.'
    )
  }
  if (/clean status/i.test(text)) {
    return 'Nothing blocks the merge (no required checks or reviews pending).'
  }
  return 'Check the merge methods and branch protection of the base branch.'
}

function createOctokit(options: GitHubRepoOptions, id: string): Octokit {
  const log = options.log ?? core.info
  const unit = options.waitUnitMs ?? 1000
  const cap = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS
  const throttle: ThrottlingOptions = {
    // Keys the plugin's limiters (one write a second, notifications every
    // 3 s): clients of one repository share them, others do not wait.
    id,
    retryAfterBaseValue: unit,
    fallbackSecondaryRateRetryAfter: cap,
    onRateLimit: limitHandler('rate limit', cap, log),
    onSecondaryRateLimit: limitHandler('secondary rate limit', cap, log)
  }
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl?.replace(/\/+$/, '') || apiUrlFromEnv(),
      throttle,
      retry: {
        retries: SERVER_RETRIES,
        retryAfterBaseValue: unit,
        doNotRetry: DO_NOT_RETRY
      }
    },
    retry,
    throttling
  )
}

/** Retry after a rate limit at most LIMIT_RETRIES times, short waits only. */
function limitHandler(
  kind: string,
  cap: number,
  log: (message: string) => void
) {
  return (
    retryAfter: number,
    request: { method: string; url: string },
    _octokit: unknown,
    retryCount: number
  ): boolean => {
    if (retryCount >= LIMIT_RETRIES || retryAfter > cap) return false
    log(
      `GitHub ${kind} on ${request.method} ${request.url}: waiting ` +
        `${retryAfter} s (retry ${retryCount + 1} of ${LIMIT_RETRIES})`
    )
    return true
  }
}

interface OctokitPullRequest {
  number: number
  node_id: string
  html_url: string
  title: string
  draft?: boolean
  head: { ref: string }
  base: { ref: string }
}

function toPullRequest(data: OctokitPullRequest): PullRequest {
  return {
    number: data.number,
    nodeId: data.node_id,
    htmlUrl: data.html_url,
    headRef: data.head.ref,
    baseRef: data.base.ref,
    title: data.title,
    draft: data.draft ?? false
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** HTTP status of an Octokit RequestError. */
function httpStatus(error: unknown): number | undefined {
  return isRecord(error) && typeof error['status'] === 'number'
    ? error['status']
    : undefined
}

/** The JSON body GitHub answered with, when there is one. */
function responseData(error: unknown): Record<string, unknown> {
  const response = isRecord(error) ? error['response'] : undefined
  const data = isRecord(response) ? response['data'] : undefined
  return isRecord(data) ? data : {}
}

function responseMessage(error: unknown): string {
  const message = responseData(error)['message']
  return typeof message === 'string' ? message : errorMessage(error)
}

/** GitHub's `errors[].message`s (or code and field) after its `message`. */
function validationMessages(error: unknown): string {
  const errors = responseData(error)['errors']
  const details = (Array.isArray(errors) ? errors : []).map(detail => {
    if (typeof detail === 'string') return detail
    if (!isRecord(detail)) return JSON.stringify(detail)
    if (typeof detail['message'] === 'string') return detail['message']
    return [detail['resource'], detail['field'], detail['code']]
      .filter(part => typeof part === 'string')
      .join(' ')
  })
  return [responseMessage(error), ...details].join('; ')
}

/** Messages of a GraphQL answer with `errors` (not of an HTTP failure). */
function graphqlMessages(error: unknown): string[] | undefined {
  if (!isRecord(error) || httpStatus(error) !== undefined) return undefined
  const errors = error['errors']
  if (!Array.isArray(errors) || errors.length === 0) return undefined
  return errors.map(e =>
    isRecord(e) && typeof e['message'] === 'string'
      ? e['message']
      : JSON.stringify(e)
  )
}
