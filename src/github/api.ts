// The GitHub REST and GraphQL API of one repository, as the GitOps step needs
// it: pull requests (find, open, update, label, reviewers, auto-merge) and the
// Git Data API (blobs, trees, commits, branches). One method per request; the
// flows built on them live in gitops/ (pull-request.ts, signed-branch.ts).
// Octokit and its retries: octokit.ts; failure messages: api-errors.ts.
import { UserError } from '../errors.js'
import { autoMergeRefusal, explainApiError, httpStatus } from './api-errors.js'
import {
  repositoryName,
  repositoryProblem,
  splitRepository,
  teamSlug,
  type RepositoryName
} from './names.js'
import { createOctokit, type Octokit, type OctokitOptions } from './octokit.js'

/** How GitHub merges a pull request once auto-merge fires. */
export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE'

export interface GitHubRepoOptions extends OctokitOptions {
  /** `owner/name` of the GitOps repository. */
  repository: string
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

/** Splits `owner/name` (the rule of names.ts), or throws a UserError naming the input. */
export function parseRepository(repository: string): RepositoryName {
  const name = repositoryName(repository.trim())
  if (repositoryProblem(name)) {
    throw new UserError(
      `gitops-repository '${repository}' is not of the form owner/name: ` +
        'set it to the GitOps repository, e.g. my-org/gitops.'
    )
  }
  return splitRepository(name)
}

/** A client of one repository; every failure names that repository. */
export class GitHubRepo {
  readonly owner: string
  readonly repo: string
  private readonly octokit: Octokit

  constructor(options: GitHubRepoOptions) {
    const { owner, repo } = parseRepository(options.repository)
    this.owner = owner
    this.repo = repo
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
      throw explainApiError(error, `reading branch ${branch}`, this.fullName)
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
      throw (
        autoMergeRefusal(error, this.fullName) ??
        explainApiError(error, 'enabling auto-merge', this.fullName)
      )
    }
  }

  /** The tree of the commit a new commit builds on. */
  async getCommitTree(sha: string): Promise<string> {
    const { data } = await this.call('reading the base commit', () =>
      this.octokit.rest.git.getCommit({ ...this.at(), commit_sha: sha })
    )
    return data.tree.sha
  }

  /** Uploads one file's content (`path` names it in messages); returns the blob. */
  async createBlob(
    path: string,
    content: string | Uint8Array
  ): Promise<string> {
    const { data } = await this.call(`uploading ${path}`, () =>
      this.octokit.rest.git.createBlob({
        ...this.at(),
        content: Buffer.from(content).toString('base64'),
        encoding: 'base64'
      })
    )
    return data.sha
  }

  /** A tree: `baseTree` with regular files set to the given blobs. */
  async createTree(
    baseTree: string,
    files: readonly { path: string; sha: string | null }[]
  ): Promise<string> {
    const { data } = await this.call('creating the tree', () =>
      this.octokit.rest.git.createTree({
        ...this.at(),
        base_tree: baseTree,
        tree: files.map(file => ({
          ...file,
          mode: '100644' as const,
          type: 'blob' as const
        }))
      })
    )
    return data.sha
  }

  /** A commit of `tree` with one parent; GitHub signs it for an App's token. */
  async createCommit(
    message: string,
    tree: string,
    parentSha: string
  ): Promise<string> {
    const { data } = await this.call('creating the commit', () =>
      this.octokit.rest.git.createCommit({
        ...this.at(),
        message,
        tree,
        parents: [parentSha]
      })
    )
    return data.sha
  }

  /** Creates a branch at `sha`. */
  async createBranch(branch: string, sha: string): Promise<void> {
    await this.call(`creating branch ${branch}`, () =>
      this.octokit.rest.git.createRef({
        ...this.at(),
        ref: `refs/heads/${branch}`,
        sha
      })
    )
  }

  /** Points an existing branch at `sha` (`force`: even when not a descendant). */
  async moveBranch(branch: string, sha: string, force: boolean): Promise<void> {
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
      throw explainApiError(error, action, this.fullName)
    }
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
