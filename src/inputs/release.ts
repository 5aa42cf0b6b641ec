// The main action's inputs (action.yml), read, validated and masked into one
// typed Config; messages name the input. The destination registry and Helm
// are read as the mirror reads them (registry.ts, helm.ts), each step's part
// by its own reader (gitops.ts, signing.ts, github-release.ts).
import path from 'node:path'
import * as core from '@actions/core'
import {
  DEFAULT_TAG_PATTERN,
  releaseTag,
  validateTagPattern
} from '../chart/tag.js'
import { UserError } from '../errors.js'
import {
  githubReleaseConfig,
  type GitHubReleaseConfig
} from './github-release.js'
import { gitopsConfig, type GitopsConfig } from './gitops.js'
import { helmInputs, type HelmInputs } from './helm.js'
import { booleanInput, maskLogin, secretInput } from './read.js'
import {
  checkRegistryInputs,
  connectionInputs,
  registryInput,
  repositoryInput,
  type RegistryInputs
} from './registry.js'
import { signingConfig, type SigningConfig } from './signing.js'

/** Everything the action was asked to do, read and validated in one place. */
export interface Config extends RegistryInputs, HelmInputs {
  workspace: string
  /** The `chart` input: folders or globs of folders, relative to the workspace. */
  chartPatterns: string[]
  appVersion?: string
  lint: boolean
  dryRun: boolean
  /** The git tag being released; undefined on a branch push without `tag`. */
  tag?: string
  /** GITHUB_REF, for messages. */
  githubRef: string
  /** GITHUB_REPOSITORY (owner/name): the repository a ghcr.io package links to. */
  githubRepository?: string
  tagPattern: string
  checkTag: boolean
  ifExists: IfExists
  gitops?: GitopsConfig
  /** Keyless signing and provenance; absent when `sign` and `provenance` are false. */
  signing?: SigningConfig
  /** A GitHub Release per pushed chart; absent when `github-release` is false. */
  githubRelease?: GitHubReleaseConfig
  /** `artifacthub-repo`: which Artifact Hub metadata file goes to each chart's repository. */
  artifacthubRepo?: ArtifactHubInput
}

/**
 * `artifacthub-repo`: empty, the artifacthub-repo.yml next to each Chart.yaml
 * when there is one; `false`, none; else a file in the workspace.
 */
export type ArtifactHubInput =
  { kind: 'auto' } | { kind: 'off' } | { kind: 'file'; path: string }

/** What to do when the version is already in the registry. Nothing ever overwrites. */
export type IfExists = 'fail' | 'skip'
const IF_EXISTS: readonly IfExists[] = ['fail', 'skip']

/** Reads the action's inputs into a validated Config; messages name the input. */
export function getConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const registry = registryInput()
  const config: Config = {
    workspace,
    chartPatterns: chartPatterns(),
    registry,
    repository: repositoryInput(registry, env),
    username: core.getInput('username'),
    password: secretInput('password'),
    ...helmInputs(),
    ...connectionInputs(workspace),
    appVersion: core.getInput('app-version') || undefined,
    lint: booleanInput('lint', true),
    dryRun: booleanInput('dry-run'),
    tag: releaseTag(core.getInput('tag'), env.GITHUB_REF),
    githubRef: env.GITHUB_REF ?? '',
    githubRepository: env.GITHUB_REPOSITORY || undefined,
    tagPattern: validateTagPattern(
      core.getInput('tag-pattern') || DEFAULT_TAG_PATTERN
    ),
    checkTag: booleanInput('check-tag', true),
    ifExists: ifExists(core.getInput('if-exists')),
    gitops: gitopsConfig(env),
    signing: signingConfig(env),
    githubRelease: githubReleaseConfig(env),
    artifacthubRepo: artifacthubRepo(core.getInput('artifacthub-repo'))
  }
  checkRegistryInputs(config, env)
  maskLogin(config.username, config.password)
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

function artifacthubRepo(raw: string): ArtifactHubInput {
  const value = raw.trim()
  if (!value) return { kind: 'auto' }
  if (value === 'false') return { kind: 'off' }
  if (path.isAbsolute(value) || value.split(/[\\/]/).includes('..'))
    throw new UserError(
      `Input 'artifacthub-repo' is '${raw}': give the file's path relative to the workspace, without '..' ` +
        "(or leave it empty for the artifacthub-repo.yml next to Chart.yaml, or 'false' for none)."
    )
  return { kind: 'file', path: value }
}

function ifExists(raw: string): IfExists {
  const value = (raw.trim() || 'fail') as IfExists
  if (IF_EXISTS.includes(value)) return value
  throw new UserError(
    `Input 'if-exists' is '${raw}': use 'fail' (stop when the version is already published) or 'skip' (succeed without pushing). Nothing is ever overwritten.`
  )
}
