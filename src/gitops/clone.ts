// The GitOps repository's clone, as the GitOps step uses it: check out the
// base, read the files the globs match, read a branch, show a diff, and put
// the bump on the branch (branch.ts). `GitClone` does it with git; the step's
// unit tests use a fake.
import { Git, remoteRef } from '../github/git.js'
import { GITOPS_INPUTS, type GitopsConfig } from '../inputs/gitops.js'
import { saveGitopsDir } from '../state.js'
import {
  readBranchFiles,
  updateBranch,
  type UpdateBranchOptions,
  type UpdateBranchResult
} from './branch.js'
import {
  listCheckoutFolder,
  readCheckoutFile,
  readMatchingFiles,
  type GitopsFiles,
  type KeepText
} from './files.js'
import type { CheckoutFiles } from './lock/umbrella.js'
import type { BranchHistory } from './signed-branch.js'

export interface GitopsClone extends BranchHistory, CheckoutFiles {
  /** `owner/repo`. */
  readonly repository: string
  /** The checkout's folder, once cloned (umbrella charts are rendered from it). */
  readonly dir?: string
  /** Clones the base branch; returns the files that match `globs` (the texts `keep` keeps). */
  checkout(
    baseBranch: string,
    globs: readonly string[],
    keep?: KeepText
  ): Promise<GitopsFiles>
  /** The files as they are on a remote branch; undefined without the branch. */
  branchFiles(
    branch: string,
    files: readonly string[]
  ): Promise<Map<string, string> | undefined>
  /** Writes `files` into the checkout; returns their diff against it. */
  diffAgainstBase(
    files: ReadonlyMap<string, string | Uint8Array | null>
  ): Promise<string>
  /** Commits the bump and pushes the branch, by branch.ts's policy. */
  updateBranch(options: UpdateBranchOptions): Promise<UpdateBranchResult>
  /** Deletes the clone. */
  remove(): void
}

/** The clone, made with the git command line. */
export class GitClone implements GitopsClone {
  private constructor(private readonly git: Git) {}

  /** Finds git and checks the repository and server URL; clones nothing yet. */
  static async create(config: GitopsConfig): Promise<GitClone> {
    const git = await Git.create({
      serverUrl: config.serverUrl,
      repository: `${config.owner}/${config.repo}`,
      token: config.token,
      inputNames: GITOPS_INPUTS
    })
    return new GitClone(git)
  }

  get repository(): string {
    return this.git.repository
  }

  get dir(): string {
    return this.git.dir
  }

  async checkout(
    baseBranch: string,
    globs: readonly string[],
    keep?: KeepText
  ): Promise<GitopsFiles> {
    await this.git.clone(baseBranch)
    saveGitopsDir(this.git.dir)
    return readMatchingFiles(this.git.dir, globs, keep)
  }

  branchFiles(
    branch: string,
    files: readonly string[]
  ): Promise<Map<string, string> | undefined> {
    return readBranchFiles(this.git, branch, files)
  }

  async diffAgainstBase(
    files: ReadonlyMap<string, string | Uint8Array | null>
  ): Promise<string> {
    this.git.writeFiles(files)
    return this.git.diff('HEAD', undefined, [...files.keys()])
  }

  updateBranch(options: UpdateBranchOptions): Promise<UpdateBranchResult> {
    return updateBranch(this.git, options)
  }

  readCheckoutFile(file: string): Uint8Array | undefined {
    return readCheckoutFile(this.git.dir, file)
  }

  listCheckoutFolder(folder: string): string[] {
    return listCheckoutFolder(this.git.dir, folder)
  }

  async branchSubjects(baseBranch: string, branch: string): Promise<string[]> {
    if (!(await this.git.fetchBranch(branch))) return []
    await this.git.fetchHistory(baseBranch, branch, 50)
    const commits = await this.git.commitsBetween(
      remoteRef(baseBranch),
      remoteRef(branch)
    )
    return commits.map(commit => commit.subject)
  }

  remove(): void {
    this.git.remove()
  }
}
