import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { UserError } from './errors.js'
import {
  DEFAULT_DOWNLOAD_BASE_URL,
  parseDownloadBaseUrl,
  parseHelmVersionSpec,
  type HelmVersionSpec
} from './helm-release.js'
import { normalizeRegistry, normalizeRepository } from './reference.js'
import { DEFAULT_TAG_PATTERN, releaseTag, validateTagPattern } from './tag.js'

/** The newest Helm the tests run; action.yml's `helm-version` default (a test keeps them equal). */
export const DEFAULT_HELM_VERSION = 'v4.1.4'

/** Everything the action was asked to do, read and validated in one place. */
export interface Config {
  workspace: string
  /** Absolute path of the chart directory. */
  chartDir: string
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
}

/** What to do when the version is already in the registry. Nothing ever overwrites. */
export type IfExists = 'fail' | 'skip'
const IF_EXISTS: readonly IfExists[] = ['fail', 'skip']

/** Reads the action's inputs into a validated Config; messages name the input. */
export function getConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const registry = normalizeRegistry(core.getInput('registry') || 'ghcr.io')
  const config: Config = {
    workspace,
    chartDir: path.resolve(workspace, core.getInput('chart') || '.'),
    registry,
    repository: normalizeRepository(core.getInput('repository'), registry),
    username: core.getInput('username'),
    password: core.getInput('password'),
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
    ifExists: ifExists(core.getInput('if-exists'))
  }
  checkConnectionInputs(config)
  return config
}

/**
 * `core.getBooleanInput` with the default used when the input is absent (as when
 * the entry point runs outside action.yml) and an error that names the input.
 */
function booleanInput(name: string, fallback = false): boolean {
  const raw = core.getInput(name)
  if (raw === '') return fallback
  try {
    return core.getBooleanInput(name)
  } catch {
    throw new UserError(`Input '${name}' is '${raw}': use true or false.`)
  }
}

function ifExists(raw: string): IfExists {
  const value = (raw.trim() || 'fail') as IfExists
  if (IF_EXISTS.includes(value)) return value
  throw new UserError(
    `Input 'if-exists' is '${raw}': use 'fail' (stop when the version is already published) or 'skip' (succeed without pushing). Nothing is ever overwritten.`
  )
}

function caFile(raw: string, workspace: string): string | undefined {
  if (!raw.trim()) return undefined
  const file = path.resolve(workspace, raw.trim())
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new UserError(
      `Input 'ca-file' is '${raw}', but there is no such file (resolved to ${file}). Write the PEM bundle there first.`
    )
  }
  return file
}

function checkConnectionInputs(config: Config): void {
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
