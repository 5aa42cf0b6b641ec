// The GitOps inputs (`gitops-*`): the repository and token, the pull
// request's templates, reviewers and merge, and the preview's stand-ins for
// the cluster. Templates and the branch are checked with a sample name and
// version, so that a bad one is refused before anything is published.
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
  parseHelmVersionSpec,
  type HelmVersionSpec
} from '../helm/download-site.js'
import { booleanInput, listInput, secretInput } from './read.js'

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
  /** `gitops-render-helm-version`: the Helm that renders the preview; absent: the action's own. */
  renderHelmVersion?: HelmVersionSpec
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

/** The input naming the Helm that renders the preview. */
export const RENDER_HELM_VERSION = 'gitops-render-helm-version'

const DEFAULT_GITOPS_PATHS = ['**/*.yaml', '**/*.yml']
const DEFAULT_COMMIT_MESSAGE = 'chore(deps): bump {name} chart to {version}'
const AUTO_MERGE = ['merge', 'squash', 'rebase'] as const

/** The GitOps part of the config; undefined when `gitops-repository` is empty. */
export function gitopsConfig(env: NodeJS.ProcessEnv): GitopsConfig | undefined {
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
    ...renderHelmVersion(core.getInput(RENDER_HELM_VERSION)),
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

/** `gitops-kube-version`: what `helm template --kube-version` accepts (`1.30`, `v1.30.2`). */
function kubeVersion(raw: string): string | undefined {
  const value = raw.trim()
  if (!value) return undefined
  if (/^v?\d+\.\d+(\.\d+)?$/.test(value)) return value
  throw new UserError(
    `Input 'gitops-kube-version' is '${raw}': give a Kubernetes version such as '1.30' or 'v1.30.2', or leave it empty for Helm's default.`
  )
}

/**
 * `gitops-render-helm-version`: the forms `helm-version` takes, but for
 * `system` (the helm on PATH is the action's own by then); empty: the
 * action's Helm renders.
 */
function renderHelmVersion(
  raw: string
): Pick<GitopsConfig, 'renderHelmVersion'> {
  if (!raw.trim()) return {}
  const spec = parseHelmVersionSpec(raw, RENDER_HELM_VERSION)
  if (spec.kind === 'system') {
    throw new UserError(
      `Input '${RENDER_HELM_VERSION}' is 'system', which it does not take: the helm on PATH is the one the action uses by then. ` +
        "Give the Helm version your GitOps tool renders with (such as '3.17.3' or '4'), or leave it empty to render with helm-version's Helm."
    )
  }
  return { renderHelmVersion: spec }
}
