// The GitOps step: clone the GitOps repository, bump every pin of the chart,
// and open or update one pull request per chart.
import * as core from '@actions/core'
import { Git, remoteRef } from '../github/git.js'
import {
  AutoMergeUnavailableError,
  GitHubRepo,
  type MergeMethod,
  type PullRequest
} from '../github/api.js'
import type { GitopsConfig } from '../inputs.js'
import { relay } from '../relay.js'
import { saveGitopsDir } from '../state.js'
import { bumpRepository, newerPins, type RepoBump } from './bump-repo.js'
import { encodeFiles, type FileEncoding } from './encoding.js'
import { readMatchingFiles, type UnreadFile } from './files.js'
import type { ChartRef } from './pins/types.js'
import {
  commitSubjectPattern,
  fillTemplate,
  pullRequestBody,
  type ReleaseInfo
} from './pr-body.js'
import {
  updateBranch,
  readBranchFiles,
  type BranchOperation
} from './branch.js'

export type PullRequestOperation = 'created' | 'updated' | 'unchanged' | 'none'

export interface GitopsResult {
  operation: PullRequestOperation
  number?: number
  url?: string
  /** Repository paths this release changed (or, in a dry run, would change). */
  updatedFiles: string[]
}

interface Context {
  config: GitopsConfig
  release: ReleaseInfo
  chart: ChartRef
  api: GitHubRepo
  git: Git
  baseBranch: string
  branch: string
  /** How each file was read, to write it back byte for byte. */
  encodings: ReadonlyMap<string, FileEncoding>
}

/** Runs the GitOps step; the clone is removed whatever happens. */
export async function runGitops(
  config: GitopsConfig,
  release: ReleaseInfo,
  chart: ChartRef,
  dryRun: boolean
): Promise<GitopsResult> {
  const repository = `${config.owner}/${config.repo}`
  const api = new GitHubRepo({
    token: config.token,
    repository,
    apiUrl: config.apiUrl
  })
  const git = await Git.create({
    serverUrl: config.serverUrl,
    repository,
    token: config.token
  })
  try {
    const baseBranch = config.baseBranch ?? (await api.getDefaultBranch())
    await git.clone(baseBranch)
    saveGitopsDir(git.dir)
    const files = readMatchingFiles(git.dir, config.paths)
    const bump = bumpRepository(
      files.texts,
      chart,
      release.version,
      files.unread
    )
    reportUnread(files.unread, repository)
    reportScan(bump, repository)
    const context = {
      encodings: files.encodings,
      config,
      release,
      chart,
      api,
      git,
      baseBranch,
      branch: fillTemplate(config.branch, release)
    }
    return await proposeChange(context, bump, dryRun)
  } finally {
    git.remove()
  }
}

async function proposeChange(
  context: Context,
  bump: RepoBump,
  dryRun: boolean
): Promise<GitopsResult> {
  const { git, release } = context
  const updatedFiles = [...bump.files.keys()]
  if (updatedFiles.length === 0) {
    core.notice(
      `No pin of ${release.ref} to move to ${release.version} in ${git.repository} (${context.baseBranch}): no branch, no pull request.`
    )
    return { operation: 'none', updatedFiles }
  }
  if (await branchIsNewer(context, updatedFiles)) {
    return { ...(await existingPullRequest(context)), updatedFiles: [] }
  }
  if (dryRun) return dryRunReport(context, bump)
  const operation = await commit(context, bump)
  if (operation === 'left-alone')
    return { ...(await existingPullRequest(context)), updatedFiles: [] }
  const pr = await upsertPullRequest(context, bump)
  return {
    operation: pr.created
      ? 'created'
      : operation === 'unchanged'
        ? 'unchanged'
        : 'updated',
    number: pr.pullRequest.number,
    url: pr.pullRequest.htmlUrl,
    updatedFiles
  }
}

/** Problems are warnings (a file the action will not touch); skips are logged. */
function reportScan(bump: RepoBump, repository: string): void {
  for (const problem of bump.problems) {
    core.warning(
      `${repository}: ${problem.file} line ${problem.line}: ${problem.message}; the file is left as it is.`
    )
  }
  // Values come from the GitOps repository: a line of one may look like a workflow command.
  for (const skip of bump.skipped) {
    relay(
      `Left alone: ${skip.file} line ${skip.line} (${skip.path}: ${skip.value}): ${skip.reason}.`
    )
  }
  for (const change of bump.changes) {
    relay(
      `Bump: ${change.file} line ${change.line} (${change.path}): ${change.from} -> ${change.to}.`
    )
  }
}

/** Files the globs match but that were not scanned: named, with why (annotations escape line breaks). */
function reportUnread(unread: readonly UnreadFile[], repository: string): void {
  for (const { file, reason, level } of unread) {
    const message = `${repository}: ${file}: ${reason}.`
    if (level === 'notice') core.notice(message)
    else core.warning(message)
  }
}

/** A later release already moved the branch past this version: never downgrade it. */
async function branchIsNewer(
  context: Context,
  files: string[]
): Promise<boolean> {
  const { git, branch, release, chart } = context
  const onBranch = await readBranchFiles(git, branch, files)
  if (!onBranch) return false
  const newer = newerPins(
    bumpRepository(onBranch, chart, release.version),
    release.version
  )
  if (newer.length === 0) return false
  core.notice(
    `Branch '${branch}' already pins ${newer[0].value} (${newer[0].file}), newer than ${release.version}: it is left as it is.`
  )
  return true
}

async function dryRunReport(
  context: Context,
  bump: RepoBump
): Promise<GitopsResult> {
  const { git, config, release } = context
  core.info(
    `Dry run: the pull request that would be opened in ${git.repository}:`
  )
  core.info(`  branch: ${context.branch} -> ${context.baseBranch}`)
  core.info(`  title: ${fillTemplate(config.prTitle, release)}`)
  // Both quote the GitOps repository's files.
  relay(pullRequestBody(release, bump))
  relay(await unifiedDiff(context, bump))
  return { operation: 'none', updatedFiles: [...bump.files.keys()] }
}

/** The diff of the bump against the base checkout. */
async function unifiedDiff(context: Context, bump: RepoBump): Promise<string> {
  const { git, encodings } = context
  git.writeFiles(encodeFiles(bump.files, encodings))
  return git.diff('HEAD', undefined, [...bump.files.keys()])
}

async function commit(
  context: Context,
  bump: RepoBump
): Promise<BranchOperation> {
  const { config, git, release, branch, baseBranch } = context
  const message = fillTemplate(config.commitMessage, release)
  if (config.signCommits) return signedCommit(context, bump, message)
  const result = await updateBranch(git, {
    baseBranch,
    branch,
    files: encodeFiles(bump.files, context.encodings),
    message,
    newVersion: release.version
  })
  if (result.warning) core.warning(result.warning)
  core.info(`Branch '${branch}': ${result.operation} (${result.headSha}).`)
  return result.operation
}

/**
 * `gitops-sign-commits`: one commit made through the Git Data API on top of
 * the base, so that GitHub signs it. The branch is replaced only while it
 * holds nothing but the action's commits (subjects made from
 * `gitops-commit-message`); otherwise it is left alone with a warning.
 */
async function signedCommit(
  context: Context,
  bump: RepoBump,
  message: string
): Promise<BranchOperation> {
  const { api, branch, baseBranch } = context
  const baseSha = await api.getBranchHead(baseBranch)
  if (!baseSha) throw new Error(`${api.fullName} has no branch ${baseBranch}.`)
  const head = await api.getBranchHead(branch)
  const foreign = head ? await foreignCommits(context) : 0
  if (foreign > 0) {
    core.warning(
      `Branch '${branch}' has ${foreign} commit(s) by others; with 'gitops-sign-commits' the action does not rewrite it. ` +
        'Merge or close its pull request, or delete the branch, and release again.'
    )
    return 'left-alone'
  }
  const files = [...encodeFiles(bump.files, context.encodings)].map(
    ([path, content]) => ({ path, content })
  )
  const sha = await api.commitFiles({
    branch,
    parentSha: baseSha,
    message,
    files,
    force: true
  })
  core.info(
    `Branch '${branch}': signed commit ${sha} made through the GitHub API.`
  )
  return head ? 'updated' : 'created'
}

/** Commits on the branch (not on the base) whose subject the action would not write. */
async function foreignCommits(context: Context): Promise<number> {
  const { git, branch, baseBranch, config } = context
  if (!(await git.fetchBranch(branch))) return 0
  await git.fetchHistory(baseBranch, branch, 50)
  const commits = await git.commitsBetween(
    remoteRef(baseBranch),
    remoteRef(branch)
  )
  const own = commitSubjectPattern(config.commitMessage)
  return commits.filter(c => !own.test(c.subject)).length
}

async function existingPullRequest(
  context: Context
): Promise<Omit<GitopsResult, 'updatedFiles'>> {
  const pr = await context.api.findOpenPullRequest(context.branch)
  return pr
    ? { operation: 'unchanged', number: pr.number, url: pr.htmlUrl }
    : { operation: 'none' }
}

async function upsertPullRequest(
  context: Context,
  bump: RepoBump
): Promise<{ pullRequest: PullRequest; created: boolean }> {
  const { api, config, release, branch, baseBranch } = context
  const title = fillTemplate(config.prTitle, release)
  const body = pullRequestBody(release, bump)
  const { pullRequest, created } = await api.upsertPullRequest({
    head: branch,
    base: baseBranch,
    title,
    body,
    draft: config.draft
  })
  if (config.labels.length)
    await api.addLabels(pullRequest.number, config.labels)
  if (config.reviewers.length || config.teamReviewers.length) {
    await api.requestReviewers(
      pullRequest.number,
      config.reviewers,
      config.teamReviewers
    )
  }
  await enableAutoMerge(api, pullRequest, config.autoMerge)
  core.info(
    `Pull request #${pullRequest.number} ${created ? 'opened' : 'updated'}: ${pullRequest.htmlUrl}`
  )
  return { pullRequest, created }
}

async function enableAutoMerge(
  api: GitHubRepo,
  pullRequest: PullRequest,
  method: GitopsConfig['autoMerge']
): Promise<void> {
  if (!method) return
  try {
    await api.enableAutoMerge(
      pullRequest.nodeId,
      method.toUpperCase() as MergeMethod
    )
  } catch (error) {
    if (!(error instanceof AutoMergeUnavailableError)) throw error
    core.warning(error.message)
  }
}
