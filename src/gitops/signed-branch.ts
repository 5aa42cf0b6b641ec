// `gitops-sign-commits`: the bump is one commit made through the Git Data API
// (blobs, a tree on the parent's tree, a commit) on top of the base, so that
// GitHub signs it (commits an App token makes through the API are marked
// Verified). The branch is replaced only while it holds nothing but the
// action's commits (subjects made from `gitops-commit-message`); otherwise it
// is left alone with a warning.
import * as core from '@actions/core'
import { commitSubjectPattern } from './pr-body.js'
import type { BranchOperation } from './branch.js'

/** The Git Data API requests this file makes; `GitHubRepo` is the real one. */
export interface GitDataApi {
  /** `owner/name`. */
  readonly fullName: string
  getBranchHead(branch: string): Promise<string | undefined>
  getCommitTree(sha: string): Promise<string>
  createBlob(path: string, content: string | Uint8Array): Promise<string>
  /** `sha: null` removes the path from the tree. */
  createTree(
    baseTree: string,
    files: readonly { path: string; sha: string | null }[]
  ): Promise<string>
  createCommit(
    message: string,
    tree: string,
    parentSha: string
  ): Promise<string>
  createBranch(branch: string, sha: string): Promise<void>
  moveBranch(branch: string, sha: string, force: boolean): Promise<void>
}

/** The subjects of the commits on a branch, read from the clone. */
export interface BranchHistory {
  /** Subjects of the commits on `branch` but not on `baseBranch`; [] without the branch. */
  branchSubjects(baseBranch: string, branch: string): Promise<string[]>
}

/** One file to write in a commit: text (sent as UTF-8) or its exact bytes; null deletes it. */
export interface FileChange {
  path: string
  content: string | Uint8Array | null
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

export interface SignedBranchOptions {
  baseBranch: string
  branch: string
  /** The commit message; its subject template tells the action's commits apart. */
  message: string
  /** `gitops-commit-message`, the template of the action's subjects. */
  messageTemplate: string
  files: ReadonlyMap<string, string | Uint8Array | null>
}

/**
 * Replaces the branch with one signed commit of `files` on top of the base,
 * unless someone else committed to it (then it is left alone, with a warning).
 */
export async function updateSignedBranch(
  api: GitDataApi,
  history: BranchHistory,
  options: SignedBranchOptions
): Promise<BranchOperation> {
  const { branch, baseBranch } = options
  const baseSha = await api.getBranchHead(baseBranch)
  if (!baseSha) throw new Error(`${api.fullName} has no branch ${baseBranch}.`)
  const head = await api.getBranchHead(branch)
  const foreign = head ? await foreignCommits(history, options) : 0
  if (foreign > 0) {
    core.warning(
      `Branch '${branch}' has ${foreign} commit(s) by others; with 'gitops-sign-commits' the action does not rewrite it. ` +
        'Merge or close its pull request, or delete the branch, and release again.'
    )
    return 'left-alone'
  }
  const files = [...options.files].map(([path, content]) => ({ path, content }))
  const sha = await commitFiles(api, {
    branch,
    parentSha: baseSha,
    message: options.message,
    files,
    force: true
  })
  core.info(
    `Branch '${branch}': signed commit ${sha} made through the GitHub API.`
  )
  return head ? 'updated' : 'created'
}

/**
 * Commits `files` on top of `parentSha` through the Git Data API and points
 * `branch` at it; GitHub signs such commits when the token is a GitHub App's.
 * Returns the sha.
 */
export async function commitFiles(
  api: GitDataApi,
  request: CommitRequest
): Promise<string> {
  const baseTree = await api.getCommitTree(request.parentSha)
  const blobs: { path: string; sha: string | null }[] = []
  // One blob at a time: GitHub's guidance against secondary rate limits.
  for (const file of request.files) {
    const sha =
      file.content === null
        ? null
        : await api.createBlob(file.path, file.content)
    blobs.push({ path: file.path, sha })
  }
  const tree = await api.createTree(baseTree, blobs)
  const sha = await api.createCommit(request.message, tree, request.parentSha)
  if ((await api.getBranchHead(request.branch)) === undefined)
    await api.createBranch(request.branch, sha)
  else await api.moveBranch(request.branch, sha, request.force ?? false)
  return sha
}

/** Commits on the branch (not on the base) whose subject the action would not write. */
async function foreignCommits(
  history: BranchHistory,
  options: SignedBranchOptions
): Promise<number> {
  const subjects = await history.branchSubjects(
    options.baseBranch,
    options.branch
  )
  const own = commitSubjectPattern(options.messageTemplate)
  return subjects.filter(subject => !own.test(subject)).length
}
