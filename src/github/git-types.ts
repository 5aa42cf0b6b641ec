// What the git command wrapper (git.ts) takes and returns.
import type { GitInputNames } from './git-failures.js'

/** One commit, as `Git.commitsBetween` lists it. */
export interface CommitInfo {
  sha: string
  parents: string[]
  authorName: string
  authorEmail: string
  committerEmail: string
  subject: string
}

/** What a cherry-pick or revert did; `conflicts` lists files when it failed. */
export interface ApplyResult {
  applied: boolean
  conflicts: string[]
}

/** `rejected`: the lease did not hold (someone pushed first): refetch and retry. */
export type PushOutcome = 'pushed' | 'rejected'

export interface GitOptions {
  /** The GitHub server, e.g. https://github.com (GITHUB_SERVER_URL). */
  serverUrl: string
  /** `owner/repo` of the GitOps repository. */
  repository: string
  /** Token with contents: write; empty means anonymous. */
  token: string
  /** The environment children inherit (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** Where the user sets each value; errors name it. */
  inputNames: GitInputNames
}
