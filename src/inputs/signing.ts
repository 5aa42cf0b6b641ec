// The signing inputs: `sign`, `provenance`, the signature layout, the
// Sigstore instance and the token for GitHub's attestations API.
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import {
  apiUrlFromEnv,
  serverUrlFromEnv,
  workflowRepository
} from '../github/names.js'
import {
  parseServiceUrl,
  SIGSTORE_CHOICES,
  type SigstoreChoice,
  type SigstoreOverrides
} from '../sigstore/instance.js'
import { idTokenOffered, missingTokenError } from '../sigstore/oidc.js'
import { booleanInput, secretInput } from './read.js'

/**
 * Where a signature is stored: `legacy` = cosign 2's `sha256-<hex>.sig` tag
 * (read by cosign 2 and 3, Flux, Kyverno); `bundle` = cosign 3's Sigstore
 * bundle referrer (cosign 3, Flux 2.8+); `both` writes the two.
 */
export type SignatureFormat = 'legacy' | 'bundle' | 'both'
const FORMATS: readonly SignatureFormat[] = ['legacy', 'bundle', 'both']

/** Signing and provenance; absent when both inputs are false. */
export interface SigningConfig {
  sign: boolean
  provenance: boolean
  format: SignatureFormat
  sigstore: SigstoreChoice
  overrides: SigstoreOverrides
  /** For GitHub's attestations API (`provenance`); masked. */
  githubToken: string
  /** The workflow's repository (GITHUB_REPOSITORY): where attestations go. */
  owner: string
  repo: string
  serverUrl: string
  apiUrl: string
  /** Which inputs asked for the OIDC token, for messages. */
  asking: string
}

/** The signing part of the config; refuses before anything runs without an OIDC token. */
export function signingConfig(
  env: NodeJS.ProcessEnv
): SigningConfig | undefined {
  const sign = booleanInput('sign')
  const provenance = booleanInput('provenance')
  if (!sign && !provenance) return undefined
  const asking = [sign && "'sign: true'", provenance && "'provenance: true'"]
    .filter(Boolean)
    .join(' and ')
  // A dry run pushes nothing and signs nothing: a missing token is only told.
  if (!idTokenOffered(env)) {
    if (!booleanInput('dry-run')) throw missingTokenError(asking)
    core.warning(missingTokenError(asking).message)
  }
  const { owner, repo } = workflowRepository(
    env,
    'Signing needs GITHUB_REPOSITORY (owner/name), which GitHub Actions sets; ' +
      'run the action in a GitHub Actions job.'
  )
  const serverUrl = serverUrlFromEnv(env)
  if (provenance) checkAttestationsApi(serverUrl)
  return {
    sign,
    provenance,
    format: choice('signature-format', FORMATS, 'legacy'),
    sigstore: choice('sigstore', SIGSTORE_CHOICES, 'auto'),
    overrides: {
      fulcioUrl: serviceUrl('sigstore-fulcio-url'),
      rekorUrl: serviceUrl('sigstore-rekor-url'),
      tsaUrl: serviceUrl('sigstore-tsa-url')
    },
    githubToken: provenance ? secretInput('github-token') : '',
    owner,
    repo,
    serverUrl,
    apiUrl: apiUrlFromEnv(env),
    asking
  }
}

/**
 * Artifact attestations live on github.com and GHE.com only: on GitHub
 * Enterprise Server `provenance` would fail after the push, so it is refused now.
 */
function checkAttestationsApi(serverUrl: string): void {
  const host = new URL(serverUrl).hostname
  if (host === 'github.com' || host.endsWith('.ghe.com')) return
  throw new UserError(
    `'provenance: true' stores provenance in GitHub's artifact attestations, which ${host} ` +
      '(GitHub Enterprise Server) does not have. Set provenance to false; `sign` still works ' +
      "with a Sigstore your server's tokens are accepted by ('sigstore-fulcio-url' and " +
      "'sigstore-rekor-url' or 'sigstore-tsa-url')."
  )
}

function choice<T extends string>(
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const raw = core.getInput(name)
  if (raw === '') return fallback
  const value = allowed.find(option => option === raw)
  if (!value)
    throw new UserError(
      `Input '${name}' is '${raw}': use ${allowed.map(a => `'${a}'`).join(', ')}.`
    )
  return value
}

function serviceUrl(name: string): string | undefined {
  return parseServiceUrl(name, core.getInput(name))
}
