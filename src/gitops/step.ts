// The GitOps step: clone the GitOps repository, bump every pin of the chart,
// and open or update one pull request per chart. The clone, GitHub's API and
// the rendered preview are behind small interfaces (GitopsClone, GitopsApi,
// PreviewPullRequest: handed in), so the decisions made here are unit-tested
// with fakes.
import * as core from '@actions/core'
import { GitHubRepo, type NewPullRequest } from '../github/api.js'
import type { GitopsConfig } from '../inputs/gitops.js'
import type { GitopsResult } from '../record/gitops.js'
import { relay } from '../relay.js'
import { bumpRepository, newerPins, type RepoBump } from './bump-repo.js'
import type { BranchOperation } from './branch.js'
import { GitClone, type GitopsClone } from './clone.js'
import { updateUmbrellaLocks, type ChartPackages } from './lock/umbrella.js'
import { encodeFiles, type FileEncoding } from './encoding.js'
import type { UnreadFile } from './files.js'
import { allTexts, buildReader } from './checkout-texts.js'
import { mayMatter } from './tools/index.js'
import { environmentLine } from './tools/kustomize/build/report.js'
import { environmentPreview } from './tools/kustomize/build/preview.js'
import type { ChartRef } from './scan/types.js'
import { fillTemplate, pullRequestBody, type ReleaseInfo } from './pr-body.js'
import { openPullRequest, type PullRequestApi } from './pull-request.js'
import { updateSignedBranch, type GitDataApi } from './signed-branch.js'
import type {
  PreviewPullRequest,
  PreviewRequest,
  PreviewResult
} from './preview.js'

/** GitHub's API of the GitOps repository, as the step uses it; `GitHubRepo` is the real one. */
export interface GitopsApi extends PullRequestApi, GitDataApi {
  getDefaultBranch(): Promise<string>
}

/** The step's collaborators: the clone and the API of the GitOps repository, and the registry's packages. */
export interface GitopsClients {
  api: GitopsApi
  clone: GitopsClone
  /** Pulls the released package, for umbrella charts that commit theirs (charts/*.tgz). */
  packages?: ChartPackages
  /** Renders the bump for the pull request's preview ('gitops-render'). */
  preview?: PreviewPullRequest
}

export type ConnectGitops = (config: GitopsConfig) => Promise<GitopsClients>

interface Context {
  config: GitopsConfig
  release: ReleaseInfo
  chart: ChartRef
  api: GitopsApi
  clone: GitopsClone
  baseBranch: string
  branch: string
  /** How each file was read, to write it back byte for byte. */
  encodings: ReadonlyMap<string, FileEncoding>
  /** Chart.lock files and dependency packages that move with the bump (null: deleted). */
  lockFiles: ReadonlyMap<string, Uint8Array | null>
  /** What the release changes in the cluster, for the pull request body. */
  preview?: PreviewResult
}

/** The real collaborators: Octokit for the API, the git command line for the clone. */
export async function connectGitops(
  config: GitopsConfig,
  packages?: ChartPackages
): Promise<GitopsClients> {
  const api = new GitHubRepo({
    token: config.token,
    repository: `${config.owner}/${config.repo}`,
    apiUrl: config.apiUrl
  })
  return { api, clone: await GitClone.create(config), packages }
}

/** What the step reads of a release: its version and digest, and where the chart lives. */
export type GitopsRelease = ReleaseInfo & ChartRef

/** Runs the GitOps step; the clone is removed whatever happens. */
export async function runGitops(
  config: GitopsConfig,
  release: GitopsRelease,
  dryRun: boolean,
  connect: ConnectGitops = connectGitops
): Promise<GitopsResult> {
  const chart: ChartRef = release
  const { api, clone, packages, preview: renderer } = await connect(config)
  try {
    const baseBranch = config.baseBranch ?? (await api.getDefaultBranch())
    // Only the texts that may hold a pin are kept as the clone is read.
    const files = await clone.checkout(
      baseBranch,
      config.paths,
      mayMatter(chart)
    )
    const reader = buildReader(clone, files)
    // The release's digest moves the pins that hold one with their version.
    const bump = bumpRepository(
      files.texts,
      chart,
      release,
      files.unread,
      reader,
      files.paths
    )
    const locks = await updateUmbrellaLocks(bump, {
      checkout: clone,
      packages: dryRun ? undefined : packages,
      release,
      texts: files.texts,
      now: new Date()
    })
    bump.lockfiles = locks.notes
    reportUnread(files.unread, clone.repository)
    reportScan(bump, clone.repository)
    const preview = renderer
      ? await previewOf(renderer, config, release, bump, clone, () =>
          allTexts(files, reader)
        )
      : undefined
    const context = {
      preview,
      encodings: files.encodings,
      lockFiles: locks.files,
      config,
      release,
      chart,
      api,
      clone,
      baseBranch,
      branch: fillTemplate(config.branch, release)
    }
    const result = await proposeChange(context, bump, dryRun)
    return preview ? { ...result, preview: preview.parts } : result
  } finally {
    clone.remove()
  }
}

async function proposeChange(
  context: Context,
  bump: RepoBump,
  dryRun: boolean
): Promise<GitopsResult> {
  const { clone, release } = context
  const updatedFiles = [...bump.files.keys(), ...context.lockFiles.keys()]
  if (updatedFiles.length === 0) {
    core.notice(
      `No pin of ${release.ref} to move to ${release.version} in ${clone.repository} (${context.baseBranch}): no branch, no pull request.`
    )
    return { operation: 'none', updatedFiles }
  }
  if (await branchIsNewer(context, [...bump.files.keys()])) {
    return { ...(await existingPullRequest(context)), updatedFiles: [] }
  }
  if (dryRun) return dryRunReport(context, bump)
  const operation = await commit(context, bump)
  if (operation === 'left-alone')
    return { ...(await existingPullRequest(context)), updatedFiles: [] }
  const { pullRequest, created } = await openPullRequest(
    context.api,
    pullRequestFor(context, bump),
    context.config
  )
  return {
    operation: created
      ? 'created'
      : operation === 'unchanged'
        ? 'unchanged'
        : 'updated',
    number: pullRequest.number,
    url: pullRequest.htmlUrl,
    updatedFiles
  }
}

/**
 * Problems are warnings, each message a sentence saying what is left alone
 * (a file not read, or a pin not moved: other pins of that file may move);
 * skips are logged.
 */
function reportScan(bump: RepoBump, repository: string): void {
  for (const problem of bump.problems) {
    const what = problem.notRead ? 'not read' : 'read, but not moved'
    core.warning(
      `${repository}: ${problem.file} line ${problem.line} (${what}): ${problem.message}`
    )
  }
  // Values come from the GitOps repository: a line of one may look like a workflow command.
  for (const skip of bump.skipped) {
    relay(
      `Left alone: ${skip.file} line ${skip.line} (${skip.path}: ${skip.value}): ${skip.reason}.`
    )
  }
  for (const change of bump.changes) {
    const digest = change.digest
      ? ` (${change.digest.path}: ${change.digest.from} -> ${change.digest.to})`
      : ''
    relay(
      `Bump: ${change.file} line ${change.line} (${change.path}): ${change.from} -> ${change.to}${digest}.`
    )
  }
  for (const row of bump.environments ?? []) relay(environmentLine(row))
  for (const note of bump.buildNotes ?? [])
    relay(`Kustomize: ${note.file} line ${note.line}: ${note.message}.`)
  for (const note of bump.lockfiles ?? []) relay(`Chart.lock: ${note}`)
  for (const notice of bump.notices) relay(`To do: ${notice}`)
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
  const { clone, branch, release, chart } = context
  const onBranch = await clone.branchFiles(branch, files)
  if (!onBranch) return false
  const newer = newerPins(
    bumpRepository(onBranch, chart, release),
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
  const { clone, config, release } = context
  core.info(
    `Dry run: the pull request that would be opened in ${clone.repository}:`
  )
  core.info(`  branch: ${context.branch} -> ${context.baseBranch}`)
  core.info(`  title: ${fillTemplate(config.prTitle, release)}`)
  // Both quote the GitOps repository's files: the diff against the base checkout.
  relay(bodyOf(context, bump))
  const files = committedFiles(context, bump)
  relay(await clone.diffAgainstBase(files))
  return { operation: 'none', updatedFiles: [...files.keys()] }
}

/** The bumped texts in their encodings, with the locks and packages that move with them. */
function committedFiles(
  context: Context,
  bump: RepoBump
): Map<string, Uint8Array | null> {
  return new Map<string, Uint8Array | null>([
    ...encodeFiles(bump.files, context.encodings),
    ...context.lockFiles
  ])
}

/** Puts the bump on the branch: pushed with git, or signed through the API. */
async function commit(
  context: Context,
  bump: RepoBump
): Promise<BranchOperation> {
  const { config, clone, release, branch, baseBranch } = context
  const message = fillTemplate(config.commitMessage, release)
  const files = committedFiles(context, bump)
  if (config.signCommits) {
    return updateSignedBranch(context.api, clone, {
      baseBranch,
      branch,
      message,
      messageTemplate: config.commitMessage,
      files
    })
  }
  const result = await clone.updateBranch({
    baseBranch,
    branch,
    files,
    message,
    newVersion: release.version
  })
  if (result.warning) core.warning(result.warning)
  core.info(`Branch '${branch}': ${result.operation} (${result.headSha}).`)
  return result.operation
}

/** The pull request of the bump: branch into base, title and body from the templates. */
function pullRequestFor(context: Context, bump: RepoBump): NewPullRequest {
  const { config, release } = context
  return {
    head: context.branch,
    base: context.baseBranch,
    title: fillTemplate(config.prTitle, release),
    body: bodyOf(context, bump),
    draft: config.draft
  }
}

async function existingPullRequest(
  context: Context
): Promise<Omit<GitopsResult, 'updatedFiles'>> {
  const pr = await context.api.findOpenPullRequest(context.branch)
  return pr
    ? { operation: 'unchanged', number: pr.number, url: pr.htmlUrl }
    : { operation: 'none' }
}

/** The pull request body: the bump, then the preview when there is one (pr-body.ts fits both). */
function bodyOf(context: Context, bump: RepoBump): string {
  return pullRequestBody(context.release, bump, context.preview?.parts)
}

/**
 * The rendered preview of the bumped pins ('gitops-render'): never fails the
 * step; a place whose new version does not render is a warning.
 */
async function previewOf(
  renderer: PreviewPullRequest,
  config: GitopsConfig,
  release: GitopsRelease,
  bump: RepoBump,
  clone: GitopsClone,
  texts: () => ReadonlyMap<string, string>
): Promise<PreviewResult | undefined> {
  if (!config.render || bump.changes.length === 0) return undefined
  const preview = await renderer(
    previewRequest(config, release, bump, texts(), clone)
  )
  for (const warning of preview.warnings) core.warning(warning)
  return preview
}

/** What the preview is told of the bump and the clone. */
function previewRequest(
  config: GitopsConfig,
  release: GitopsRelease,
  bump: RepoBump,
  texts: ReadonlyMap<string, string>,
  clone: GitopsClone
): PreviewRequest {
  const { changes, texts: previewTexts } = environmentPreview(
    bump.changes,
    bump.environments ?? [],
    texts
  )
  return {
    changes,
    texts: previewTexts,
    readRepoFile: file => {
      const bytes = clone.readCheckoutFile(file)
      return bytes && Buffer.from(bytes)
    },
    listRepoFolder: folder => clone.listCheckoutFolder(folder),
    cloneDir: clone.dir,
    chartRef: release.ref,
    version: release.version,
    repositoryPath: `${release.repository}/${release.name}`,
    repositoryUrls: repositoryUrls(config),
    kubeVersion: config.kubeVersion,
    apiVersions: config.apiVersions
  }
}

/** How an Argo CD `ref` source may name the GitOps repository. */
function repositoryUrls(config: GitopsConfig): string[] {
  const base = `${config.serverUrl}/${config.owner}/${config.repo}`
  return [base, `${base}.git`]
}
