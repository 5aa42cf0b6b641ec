import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import {
  apiUrlFromEnv,
  branchNameProblem,
  serverUrlFromEnv,
  splitRepository,
  validateRepository
} from '../github/names.js'
import {
  DEFAULT_DOWNLOAD_BASE_URL,
  parseDownloadBaseUrl,
  parseHelmVersionSpec,
  type HelmVersionSpec
} from '../helm/download-site.js'
import {
  normalizeRegistry,
  normalizeRepository
} from '../registry/reference.js'
import {
  DEFAULT_TAG_PATTERN,
  releaseTag,
  validateTagPattern
} from '../chart/tag.js'
import { booleanInput, listInput, maskSecret, secretInput } from './read.js'
import { signingConfig, type SigningConfig } from './signing.js'
import {
  githubReleaseConfig,
  type GitHubReleaseConfig
} from './github-release.js'

/** The newest Helm the tests run; action.yml's `helm-version` default (a test keeps them equal). */
export const DEFAULT_HELM_VERSION = 'v4.2.3'

/** Everything the action was asked to do, read and validated in one place. */
export interface Config {
  workspace: string
  /** The `chart` input: folders or globs of folders, relative to the workspace. */
  chartPatterns: string[]
  registry: string
  repository: string
  username: string
  password: string
  helmVersion: HelmVersionSpec
  helmDownloadUrl: string
  plainHttp: boolean
  caFile?: string
  insecureSkipTlsVerify: boolean
  appVersion?: string
  lint: boolean
  dryRun: boolean
  /** The git tag being released; undefined on a branch push without `tag`. */
  tag?: string
  /** GITHUB_REF, for messages. */
  githubRef: string
  tagPattern: string
  checkTag: boolean
  ifExists: IfExists
  gitops?: GitopsConfig
  /** Keyless signing and provenance; absent when `sign` and `provenance` are false. */
  signing?: SigningConfig
  /** A GitHub Release per pushed chart; absent when `github-release` is false. */
  githubRelease?: GitHubReleaseConfig
}

/** The GitOps pull request step; absent when `gitops-repository` is empty. */
export interface GitopsConfig {
  owner: string
  repo: string
  token: string
  /** Empty: the repository's default branch. */
  baseBranch?: string
  /** Globs of files to consider. */
  paths: string[]
  /** Templates with {name} and {version}. */
  branch: string
  commitMessage: string
  prTitle: string
  labels: string[]
  reviewers: string[]
  teamReviewers: string[]
  draft: boolean
  autoMerge?: 'merge' | 'squash' | 'rebase'
  signCommits: boolean
  /** The rendered preview in the pull request, and what stands in for the cluster. */
  render: boolean
  kubeVersion?: string
  apiVersions: string[]
  /** GITHUB_SERVER_URL and GITHUB_API_URL: GitHub Enterprise Server works. */
  serverUrl: string
  apiUrl: string
}

/** The GitOps inputs whose values reach git and GitHub; messages name them. */
export const GITOPS_INPUTS = {
  repository: 'gitops-repository',
  branch: 'gitops-branch',
  baseBranch: 'gitops-base-branch',
  token: 'gitops-token',
  paths: 'gitops-paths'
} as const

const DEFAULT_GITOPS_PATHS = ['**/*.yaml', '**/*.yml']
const DEFAULT_COMMIT_MESSAGE = 'chore(deps): bump {name} chart to {version}'
const AUTO_MERGE = ['merge', 'squash', 'rebase'] as const

/** What to do when the version is already in the registry. Nothing ever overwrites. */
export type IfExists = 'fail' | 'skip'
const IF_EXISTS: readonly IfExists[] = ['fail', 'skip']

/** Reads the action's inputs into a validated Config; messages name the input. */
export function getConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const registry = normalizeRegistry(core.getInput('registry') || 'ghcr.io')
  const config: Config = {
    workspace,
    chartPatterns: chartPatterns(),
    registry,
    repository: normalizeRepository(
      core.getInput('repository'),
      registry,
      isGitHubRegistry(registry, env)
    ),
    username: core.getInput('username'),
    password: secretInput('password'),
    helmVersion: parseHelmVersionSpec(
      core.getInput('helm-version') || DEFAULT_HELM_VERSION
    ),
    helmDownloadUrl: parseDownloadBaseUrl(
      core.getInput('helm-download-url') || DEFAULT_DOWNLOAD_BASE_URL
    ),
    plainHttp: booleanInput('plain-http'),
    caFile: caFile(core.getInput('ca-file'), workspace),
    insecureSkipTlsVerify: booleanInput('insecure-skip-tls-verify'),
    appVersion: core.getInput('app-version') || undefined,
    lint: booleanInput('lint', true),
    dryRun: booleanInput('dry-run'),
    tag: releaseTag(core.getInput('tag'), env.GITHUB_REF),
    githubRef: env.GITHUB_REF ?? '',
    tagPattern: validateTagPattern(
      core.getInput('tag-pattern') || DEFAULT_TAG_PATTERN
    ),
    checkTag: booleanInput('check-tag', true),
    ifExists: ifExists(core.getInput('if-exists')),
    gitops: gitopsConfig(env),
    signing: signingConfig(env),
    githubRelease: githubReleaseConfig(env)
  }
  checkConnectionInputs(config)
  checkPasswordDestination(config, env)
  // Helm stores `base64(user:password)` in its registry config: mask that form too.
  if (config.password)
    maskSecret(
      Buffer.from(`${config.username}:${config.password}`).toString('base64')
    )
  return config
}

/** Newline-separated chart folders or globs; `.` when empty. */
function chartPatterns(): string[] {
  const lines = core.getMultilineInput('chart')
  const refused = lines.find(
    line => path.isAbsolute(line) || line.split(/[\\/]/).includes('..')
  )
  if (refused) {
    throw new UserError(
      `Input 'chart' has '${refused}': give chart folders relative to the workspace, without '..'.`
    )
  }
  return lines.length ? lines : ['.']
}

function gitopsConfig(env: NodeJS.ProcessEnv): GitopsConfig | undefined {
  const repository = core.getInput(GITOPS_INPUTS.repository).trim()
  if (!repository) return undefined
  const { owner, repo } = splitRepository(
    validateRepository(repository, GITOPS_INPUTS.repository)
  )
  const token = secretInput(GITOPS_INPUTS.token)
  if (!token) {
    throw new UserError(
      "Input 'gitops-token' is required with 'gitops-repository': a token that can push branches and open pull requests there " +
        '(a fine-grained PAT or a GitHub App token; the workflow token cannot write to other repositories).'
    )
  }
  const reviewers = listInput('gitops-pr-reviewers')
  const commitMessage =
    core.getInput('gitops-commit-message') || DEFAULT_COMMIT_MESSAGE
  return {
    owner,
    repo,
    token,
    baseBranch: core.getInput(GITOPS_INPUTS.baseBranch).trim() || undefined,
    paths: core.getMultilineInput(GITOPS_INPUTS.paths).length
      ? core.getMultilineInput(GITOPS_INPUTS.paths)
      : DEFAULT_GITOPS_PATHS,
    branch: branchTemplate(
      core.getInput(GITOPS_INPUTS.branch) || 'helm-oci-release/{name}'
    ),
    commitMessage: placeholders('gitops-commit-message', commitMessage),
    prTitle: placeholders(
      'gitops-pr-title',
      core.getInput('gitops-pr-title') || commitMessage
    ),
    labels: listInput('gitops-pr-labels'),
    reviewers: reviewers.filter(r => !r.includes('/')),
    teamReviewers: reviewers.filter(r => r.includes('/')),
    draft: booleanInput('gitops-pr-draft'),
    autoMerge: autoMerge(core.getInput('gitops-auto-merge')),
    signCommits: booleanInput('gitops-sign-commits'),
    render: booleanInput('gitops-render', true),
    kubeVersion: kubeVersion(core.getInput('gitops-kube-version')),
    apiVersions: listInput('gitops-api-versions'),
    serverUrl: serverUrlFromEnv(env),
    apiUrl: apiUrlFromEnv(env)
  }
}

/**
 * Checks `gitops-branch` now, with a sample name and version, so that a bad
 * branch is refused before anything is published.
 */
function branchTemplate(template: string): string {
  placeholders('gitops-branch', template)
  const sample = template
    .replaceAll('{name}', 'chart')
    .replaceAll('{version}', '1.0.0+build.1')
  const problem = branchNameProblem(sample)
  if (problem) {
    throw new UserError(
      `Input 'gitops-branch' is '${template}', which is not a usable branch name: ${problem}.`
    )
  }
  return template
}

/** Checks that a template uses only {name} and {version}. */
function placeholders(input: string, template: string): string {
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)]
    .map(m => m[1])
    .find(p => p !== 'name' && p !== 'version')
  if (unknown !== undefined) {
    throw new UserError(
      `Input '${input}' is '${template}', with unknown placeholder {${unknown}}: use {name} and {version}.`
    )
  }
  return template
}

function autoMerge(raw: string): GitopsConfig['autoMerge'] {
  const value = raw.trim()
  if (!value) return undefined
  const method = AUTO_MERGE.find(m => m === value)
  if (method) return method
  throw new UserError(
    `Input 'gitops-auto-merge' is '${raw}': use merge, squash or rebase, or leave it empty to not enable auto-merge.`
  )
}

function ifExists(raw: string): IfExists {
  const value = (raw.trim() || 'fail') as IfExists
  if (IF_EXISTS.includes(value)) return value
  throw new UserError(
    `Input 'if-exists' is '${raw}': use 'fail' (stop when the version is already published) or 'skip' (succeed without pushing). Nothing is ever overwritten.`
  )
}

export function caFile(raw: string, workspace: string): string | undefined {
  if (!raw.trim()) return undefined
  const file = path.resolve(workspace, raw.trim())
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new UserError(
      `Input 'ca-file' is '${raw}', but there is no such file (resolved to ${file}). Write the PEM bundle there first.`
    )
  }
  return file
}

// Prefixes of the tokens GitHub issues: installation and workflow tokens, PATs
// (classic and fine-grained), OAuth and user-to-server tokens.
const GITHUB_TOKEN_RE = /^(ghs_|ghp_|gho_|ghu_|github_pat_)/

/**
 * `password` defaults to the workflow token, which only GitHub's registry can
 * use: never send a GitHub token to another registry (e.g. when `registry` was
 * set and `password` forgotten).
 */
export function checkPasswordDestination(
  config: Pick<Config, 'password' | 'registry'>,
  env: NodeJS.ProcessEnv
): void {
  if (!isGitHubToken(config.password)) return
  if (isGitHubRegistry(config.registry, env)) return
  throw new UserError(
    `Input 'password' is a GitHub token (the default is the workflow token), but 'registry' is '${config.registry}': ` +
      "the token would be sent to a registry that is not GitHub's. Set 'password' to that registry's credential, " +
      "or to '' to push without logging in."
  )
}

/** True for a token GitHub issued, which only GitHub's registry may receive. */
export function isGitHubToken(secret: string): boolean {
  return GITHUB_TOKEN_RE.test(secret.trim())
}

/** ghcr.io, or the container registry of this GitHub Enterprise Server. */
export function isGitHubRegistry(
  registry: string,
  env: NodeJS.ProcessEnv
): boolean {
  const server = hostOf(env.GITHUB_SERVER_URL) ?? 'github.com'
  return registry === 'ghcr.io' || registry === `containers.${server}`
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined
  } catch {
    return undefined
  }
}

export function checkConnectionInputs(
  config: Pick<
    Config,
    'plainHttp' | 'caFile' | 'insecureSkipTlsVerify' | 'password' | 'username'
  >
): void {
  if (config.plainHttp && (config.caFile || config.insecureSkipTlsVerify)) {
    throw new UserError(
      "Input 'plain-http: true' talks HTTP, so 'ca-file' and 'insecure-skip-tls-verify' cannot apply: drop one or the other."
    )
  }
  if (config.password && !config.username) {
    throw new UserError(
      "Input 'password' is set but 'username' is empty: registries need both (for ghcr.io use the workflow actor)."
    )
  }
}

/** `gitops-kube-version`: what `helm template --kube-version` accepts (`1.30`, `v1.30.2`). */
function kubeVersion(raw: string): string | undefined {
  const value = raw.trim()
  if (!value) return undefined
  if (/^v?\d+\.\d+(\.\d+)?$/.test(value)) return value
  throw new UserError(
    `Input 'gitops-kube-version' is '${raw}': give a Kubernetes version such as '1.30' or 'v1.30.2', or leave it empty for Helm's default.`
  )
}
