// The branch policy of the GitOps step: one commit on top of the base, force-
// pushed with a lease, while the branch holds only the action's own commits;
// someone else's commits are never thrown away (the bump goes on top of them,
// or the branch is left alone with a warning).
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import { BOT_IDENTITY, type Identity } from '../github/git-env.js'
import { remoteRef, type Git } from '../github/git.js'
import type { CommitInfo } from '../github/git-types.js'
import { validateBranchName, validateFilePath } from '../github/names.js'
import { GITOPS_INPUTS } from '../inputs/gitops.js'

/** What happened to the branch. */
export type BranchOperation = 'created' | 'updated' | 'unchanged' | 'left-alone'

export interface UpdateBranchOptions {
  /** The branch the clone was made from and the pull request targets. */
  baseBranch: string
  /** The branch that carries the bump. */
  branch: string
  /** Path -> new content (bytes as the file is encoded), computed by the editor from the base checkout; null deletes. */
  files: ReadonlyMap<string, string | Uint8Array | null>
  /** The commit message. */
  message: string
  /** Author and committer of the commit (default: github-actions[bot]). */
  author?: Identity
  /** More emails whose commits count as the action's own (the bot's and `author`'s always do). */
  botEmails?: readonly string[]
  /** The version being released, for messages. */
  newVersion?: string
  /** Pushes tried before giving up when other pushes keep winning (default 3). */
  maxAttempts?: number
  /** Called after the branch is fetched and before each push (tests use it to lose a race). */
  beforePush?: (attempt: number) => Promise<void> | void
}

export interface UpdateBranchResult {
  operation: BranchOperation
  /** The branch's commit afterwards (the base's when the branch does not exist and nothing was pushed). */
  headSha: string
  /** Why the branch was left alone, and what to do. */
  warning?: string
  /**
   * Commits by others on the branch, kept (1 when the shallow history could
   * not show where the branch left the base, so its commits count as others').
   */
  keptCommits: number
  /** Push attempts made (0 when nothing was pushed). */
  attempts: number
}

/** How deep to fetch, in turn, to find where the branch left the base. */
const HISTORY_DEPTHS = [50, 500]

interface Bump {
  sha: string
  tree: string
}

/** One attempt's plan: push `sha` over `expected`, or stop with `result`. */
type Plan =
  | {
      push: string
      expected?: string
      operation: BranchOperation
      kept: number
    }
  | { result: Omit<UpdateBranchResult, 'attempts'> }

/**
 * Puts the bump on `branch`: creates it from the base, rebuilds it when only
 * the action committed to it, adds the bump on top of someone else's commits,
 * or leaves it alone when the bump does not apply there. A push that loses a
 * race is retried after refetching, up to `maxAttempts` times.
 * @throws UserError for invalid branch names or when every attempt lost a race.
 */
export async function updateBranch(
  git: Git,
  options: UpdateBranchOptions
): Promise<UpdateBranchResult> {
  checkOptions(options)
  const baseSha = await git.revParse(remoteRef(options.baseBranch))
  if (!baseSha) throw new Error(`The clone has no ${options.baseBranch}.`)
  const bump = await commitOnBase(git, options, baseSha)
  if (!bump) {
    const head = await git.fetchBranch(options.branch)
    return { ...unchanged(head ?? baseSha, 0), attempts: 0 }
  }
  const maxAttempts = options.maxAttempts ?? 3
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const plan = await planAttempt(git, options, bump)
    if ('result' in plan) return { ...plan.result, attempts: attempt - 1 }
    await options.beforePush?.(attempt)
    const outcome = await git.push(options.branch, plan.push, plan.expected)
    if (outcome === 'pushed') {
      const { operation, kept } = plan
      return {
        operation,
        headSha: plan.push,
        keptCommits: kept,
        attempts: attempt
      }
    }
    core.info(
      `Branch '${options.branch}' changed in ${git.repository} while it was ` +
        `being updated (attempt ${attempt} of ${maxAttempts}); fetching it again.`
    )
  }
  throw new UserError(
    `Could not push branch '${options.branch}' to ${git.repository}: it ` +
      `changed while it was being updated, ${maxAttempts} times in a row. ` +
      `Something else keeps pushing to it: give '${GITOPS_INPUTS.branch}' a ` +
      'branch of its own, or re-run the job.'
  )
}

/**
 * The files of a remote branch (fetched afresh), for the caller's
 * never-downgrade check; undefined when the branch does not exist. Files the
 * branch does not have are missing from the map.
 */
export async function readBranchFiles(
  git: Git,
  branch: string,
  files: readonly string[]
): Promise<Map<string, string> | undefined> {
  const head = await git.fetchBranch(branch)
  if (!head) return undefined
  const result = new Map<string, string>()
  for (const file of files) {
    const text = await git.show(head, file)
    if (text !== undefined) result.set(file, text)
  }
  return result
}

function checkOptions(options: UpdateBranchOptions): void {
  validateBranchName(options.baseBranch, GITOPS_INPUTS.baseBranch)
  validateBranchName(options.branch, GITOPS_INPUTS.branch)
  if (options.branch === options.baseBranch) {
    throw new UserError(
      `Input '${GITOPS_INPUTS.branch}' is '${options.branch}', the same as ` +
        `'${GITOPS_INPUTS.baseBranch}': the bump needs a branch of its own ` +
        'for the pull request, e.g. helm-oci-release/my-chart.'
    )
  }
  for (const file of options.files.keys())
    validateFilePath(file, GITOPS_INPUTS.paths)
}

/** The bump as one commit on the base; undefined when it changes nothing. */
async function commitOnBase(
  git: Git,
  options: UpdateBranchOptions,
  baseSha: string
): Promise<Bump | undefined> {
  await git.checkout(options.branch, baseSha)
  git.writeFiles(options.files)
  await git.add([...options.files.keys()])
  if (!(await git.hasStagedChanges())) return undefined
  const sha = await git.commit(options.message, options.author)
  return { sha, tree: await git.tree(sha) }
}

async function planAttempt(
  git: Git,
  options: UpdateBranchOptions,
  bump: Bump
): Promise<Plan> {
  const remote = await git.fetchBranch(options.branch)
  if (!remote) return { push: bump.sha, operation: 'created', kept: 0 }
  const history = await branchHistory(git, options)
  const isOwn = ownCommitTest(options)
  if (history && history.every(isOwn)) {
    if ((await git.tree(remote)) === bump.tree)
      return { result: unchanged(remote, 0) }
    return { push: bump.sha, expected: remote, operation: 'updated', kept: 0 }
  }
  return onTopOf(git, options, bump, remote, history ?? [])
}

/**
 * The branch's commits that the base does not have, newest first; undefined
 * when the shallow clone cannot tell where the branch left the base (then
 * every commit counts as someone else's, which keeps them).
 */
async function branchHistory(
  git: Git,
  options: UpdateBranchOptions
): Promise<CommitInfo[] | undefined> {
  const base = remoteRef(options.baseBranch)
  const branch = remoteRef(options.branch)
  for (const depth of HISTORY_DEPTHS) {
    await git.fetchHistory(options.baseBranch, options.branch, depth)
    if (await git.mergeBase(base, branch))
      return git.commitsBetween(base, branch)
  }
  return undefined
}

/** Commits whose author and committer are both the bot or the configured author. */
function ownCommitTest(
  options: UpdateBranchOptions
): (commit: CommitInfo) => boolean {
  const emails = new Set(
    [
      BOT_IDENTITY.email,
      options.author?.email ?? '',
      ...(options.botEmails ?? [])
    ]
      .filter(Boolean)
      .map(email => email.toLowerCase())
  )
  return commit =>
    commit.parents.length <= 1 &&
    emails.has(commit.authorEmail.toLowerCase()) &&
    emails.has(commit.committerEmail.toLowerCase())
}

/**
 * The branch has someone else's commits: replace the action's earlier bumps
 * on it (revert them) by this one, on top of the branch, as one commit. When
 * a revert or the bump conflicts with their changes, leave the branch alone.
 */
async function onTopOf(
  git: Git,
  options: UpdateBranchOptions,
  bump: Bump,
  remote: string,
  history: CommitInfo[]
): Promise<Plan> {
  const isOwn = ownCommitTest(options)
  const others = history.filter(commit => !isOwn(commit))
  const kept = history.length > 0 ? others.length : 1
  await git.checkout(options.branch, remote)
  for (const commit of history.filter(isOwn)) {
    const reverted = await git.revert(commit.sha)
    if (!reverted.applied)
      return leftAlone(options, git, remote, others, reverted.conflicts)
  }
  const picked = await git.cherryPick(bump.sha)
  if (!picked.applied)
    return leftAlone(options, git, remote, others, picked.conflicts)
  if (!(await git.hasStagedChanges()))
    return { result: unchanged(remote, kept) }
  const sha = await git.commit(options.message, options.author)
  return { push: sha, expected: remote, operation: 'updated', kept }
}

function unchanged(
  headSha: string,
  kept: number
): Omit<UpdateBranchResult, 'attempts'> {
  return { operation: 'unchanged', headSha, keptCommits: kept }
}

function leftAlone(
  options: UpdateBranchOptions,
  git: Git,
  remote: string,
  others: CommitInfo[],
  conflicts: string[]
): Plan {
  const bump = options.newVersion
    ? `the bump to ${options.newVersion}`
    : 'the bump'
  const who = describeAuthors(others)
  return {
    result: {
      operation: 'left-alone',
      headSha: remote,
      keptCommits: others.length,
      warning:
        `Branch '${options.branch}' in ${git.repository} has commits by ` +
        `${who}, and ${bump} does not apply on top of them: they change the ` +
        `same lines of ${conflicts.join(', ')}. The branch was left alone. ` +
        'Update it by hand, or merge or close its pull request and delete the ' +
        'branch so that the next release starts it afresh.'
    }
  }
}

function describeAuthors(commits: CommitInfo[]): string {
  const authors = [
    ...new Set(commits.map(c => `${c.authorName} <${c.authorEmail}>`))
  ]
  if (authors.length === 0) return 'someone else'
  const shown = authors.slice(0, 3).join(', ')
  return authors.length > 3 ? `${shown} and others` : shown
}
