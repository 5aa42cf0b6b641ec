// The destination registry's inputs, which mean the same in both actions
// (`registry`, `repository`, `username`, `password`, `plain-http`, `ca-file`,
// `insecure-skip-tls-verify`): read and checked here, once. Each action calls
// the readers in its own order, so that of two bad inputs the same one is
// named first as before.
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import {
  normalizeRegistry,
  normalizeRepository
} from '../registry/reference.js'
import { booleanInput } from './read.js'

/** Where the charts go, with what credentials, and how it is reached. */
export interface RegistryInputs {
  /** host[:port]. */
  registry: string
  /** The path the charts go under. */
  repository: string
  username: string
  password: string
  plainHttp: boolean
  caFile?: string
  insecureSkipTlsVerify: boolean
}

/** How the registry is reached: `plain-http`, `ca-file`, `insecure-skip-tls-verify`. */
export type ConnectionInputs = Pick<
  RegistryInputs,
  'plainHttp' | 'caFile' | 'insecureSkipTlsVerify'
>

/** `registry` as host[:port]; ghcr.io when empty. */
export function registryInput(): string {
  return normalizeRegistry(core.getInput('registry') || 'ghcr.io')
}

/** `repository`, lowercased on GitHub's registries. */
export function repositoryInput(
  registry: string,
  env: NodeJS.ProcessEnv
): string {
  return normalizeRepository(
    core.getInput('repository'),
    registry,
    isGitHubRegistry(registry, env)
  )
}

/** The connection inputs; `ca-file` is resolved in the workspace and must exist. */
export function connectionInputs(workspace: string): ConnectionInputs {
  return {
    plainHttp: booleanInput('plain-http'),
    caFile: caFile(core.getInput('ca-file'), workspace),
    insecureSkipTlsVerify: booleanInput('insecure-skip-tls-verify')
  }
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

/**
 * Refuses, once every registry input is read, what contradicts itself (TLS
 * settings with `plain-http`, a password without a user) and a GitHub token
 * on its way to another registry.
 */
export function checkRegistryInputs(
  config: RegistryInputs,
  env: NodeJS.ProcessEnv
): void {
  checkConnectionInputs(config)
  checkPasswordDestination(config, env)
}

function checkConnectionInputs(config: RegistryInputs): void {
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

// Prefixes of the tokens GitHub issues: installation and workflow tokens, PATs
// (classic and fine-grained), OAuth and user-to-server tokens.
const GITHUB_TOKEN_RE = /^(ghs_|ghp_|gho_|ghu_|github_pat_)/

/**
 * `password` defaults to the workflow token, which only GitHub's registry can
 * use: never send a GitHub token to another registry (e.g. when `registry` was
 * set and `password` forgotten).
 */
function checkPasswordDestination(
  config: RegistryInputs,
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
