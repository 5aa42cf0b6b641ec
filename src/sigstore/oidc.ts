// The workflow's OIDC identity: the token GitHub issues to a job with
// `id-token: write`, and the claims signing and provenance are made from.
// The token is masked as soon as it is read and lives only in memory.
import * as core from '@actions/core'
import { errorMessage, UserError } from '../errors.js'
import { maskSecret } from '../mask.js'

/** The audience Fulcio accepts tokens for. */
export const SIGSTORE_AUDIENCE = 'sigstore'

/** The issuer of GitHub Actions tokens (github.com and GHE.com). */
export const GITHUB_ACTIONS_ISSUER =
  'https://token.actions.githubusercontent.com'

/** The claims of a GitHub Actions OIDC token the action reads. */
export interface WorkflowClaims {
  iss: string
  repository: string
  repository_owner: string
  repository_id: string
  repository_owner_id: string
  ref: string
  sha: string
  workflow_ref: string
  job_workflow_ref: string
  event_name: string
  run_id: string
  run_attempt: string
  runner_environment: string
  /** public, private or internal; absent in tokens of other issuers. */
  repository_visibility?: string
}

const REQUIRED_CLAIMS = [
  'iss',
  'repository',
  'repository_owner',
  'repository_id',
  'repository_owner_id',
  'ref',
  'sha',
  'workflow_ref',
  'job_workflow_ref',
  'event_name',
  'run_id',
  'run_attempt',
  'runner_environment'
] as const

/** What a workflow needs so the job gets a token; shown in refusals. */
export const ID_TOKEN_PERMISSION_YAML = [
  'permissions:',
  '  contents: read',
  '  packages: write   # ghcr.io',
  '  id-token: write   # keyless signing and provenance',
  '  attestations: write   # provenance in GitHub attestations'
].join('\n')

/** The refusal when the job has no token: which input wanted it, and the YAML. */
export function missingTokenError(inputs: string, cause?: string): UserError {
  const why = cause ? ` (${cause})` : ''
  return new UserError(
    `${inputs} needs the workflow's OIDC token, and this job cannot get one${why}. ` +
      'GitHub gives it only to jobs with the `id-token: write` permission (never to ' +
      'pull requests from forks). Add to the job (or the workflow):\n' +
      ID_TOKEN_PERMISSION_YAML
  )
}

/** Whether the runner offers an OIDC token to this job at all. */
export function idTokenOffered(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  )
}

/**
 * A fresh token for Sigstore (they live minutes: ask again before each use).
 * `core.getIDToken` masks it; the request token is masked here too.
 */
export async function requestIdToken(inputs: string): Promise<string> {
  if (!idTokenOffered(process.env)) throw missingTokenError(inputs)
  maskSecret(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '')
  try {
    return await core.getIDToken(SIGSTORE_AUDIENCE)
  } catch (error) {
    throw missingTokenError(inputs, firstLine(errorMessage(error)))
  }
}

function firstLine(text: string): string {
  const line = text.replace(/^Error message:\s*/, '').split('\n')[0]
  return line.trim().slice(0, 200)
}

/**
 * The claims of a JWT (not verified: Fulcio verifies the token; the action
 * only describes the build with them). Refuses a token without the claims
 * GitHub Actions puts in every token.
 */
export function parseClaims(token: string): WorkflowClaims {
  const parts = token.split('.')
  let claims: Record<string, unknown> | undefined
  try {
    const json: unknown = JSON.parse(
      Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')
    )
    if (json && typeof json === 'object' && !Array.isArray(json))
      claims = json as Record<string, unknown>
  } catch {
    claims = undefined
  }
  if (parts.length !== 3 || !claims)
    throw new UserError(
      'The OIDC token the runner gave is not a JWT. Re-run the job; if it persists, report it to GitHub.'
    )
  const missing = REQUIRED_CLAIMS.filter(name => !claimText(claims, name))
  if (missing.length)
    throw new UserError(
      `The OIDC token lacks the claims ${missing.join(', ')} that GitHub Actions tokens carry. ` +
        'Signing needs a GitHub Actions token: run the action in a GitHub Actions job.'
    )
  const read = (name: string): string => claimText(claims, name) ?? ''
  const result = Object.fromEntries(
    REQUIRED_CLAIMS.map(name => [name, read(name)])
  ) as unknown as WorkflowClaims
  const visibility = claimText(claims, 'repository_visibility')
  return visibility ? { ...result, repository_visibility: visibility } : result
}

/** A claim as text (ids come as strings, but numbers are accepted). */
function claimText(
  claims: Record<string, unknown>,
  name: string
): string | undefined {
  const value = claims[name]
  if (typeof value === 'string' && value) return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/**
 * The identity Fulcio writes into the certificate for a GitHub Actions token:
 * the workflow file at its ref, `https://github.com/<job_workflow_ref>`.
 */
export function certificateIdentity(
  claims: WorkflowClaims,
  serverUrl: string
): string {
  return `${serverUrl.replace(/\/+$/, '')}/${claims.job_workflow_ref}`
}

/** The workflow that called a reusable one: what its certificate also records. */
export interface CallingWorkflow {
  /** owner/repo of the run (the certificate's GitHub Workflow Repository). */
  repository: string
  /** owner/repo/path@ref of the calling workflow (`workflow_ref`). */
  workflowRef: string
}

/**
 * The calling workflow when a reusable workflow runs the job: then Fulcio's
 * SAN is the reusable workflow (`job_workflow_ref`), which any repository
 * may call, and only the certificate's other extensions name the caller.
 */
export function callingWorkflow(
  claims: WorkflowClaims
): CallingWorkflow | undefined {
  if (claims.job_workflow_ref === claims.workflow_ref) return undefined
  return { repository: claims.repository, workflowRef: claims.workflow_ref }
}
