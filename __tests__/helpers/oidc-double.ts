// The runner's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) and the
// GitHub Actions tokens it issues: GET with `?api-version=2.0`, the request
// token as a Bearer, and `&audience=`; the token is a GitHub-shaped JWT
// signed (ES256) with a throwaway key, which the Fulcio double verifies.
import crypto from 'node:crypto'
import {
  errorReply,
  jsonReply,
  type Reply,
  type Route
} from './sigstore-http.js'

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'

/** The workflow run the OIDC tokens describe. Every field has a default. */
export interface WorkflowRun {
  /** owner/repo; default 'octo-org/charts'. */
  repository: string
  /** Default 'refs/heads/main'. */
  ref: string
  /** The workflow file; default '.github/workflows/release.yml'. */
  workflowPath: string
  /**
   * The workflow that runs the job, `owner/repo/path@ref`, when a reusable
   * workflow does (the certificate's SAN names it); default the caller's
   * workflow_ref.
   */
  jobWorkflowRef?: string
  visibility: 'public' | 'private' | 'internal'
  /** The commit; default a fixed 40-hex sha. */
  sha: string
  eventName: string
  actor: string
  repositoryId: string
  repositoryOwnerId: string
  runId: string
  runNumber: string
  runAttempt: string
  /** The `workflow` claim (the workflow's name). */
  workflowName: string
  runnerEnvironment: 'github-hosted' | 'self-hosted'
}

/** How the OIDC endpoint behaves. */
export type OidcMode =
  /** Serves tokens. */
  | 'ok'
  /** No endpoint in the environment: a job without `id-token: write`. */
  | 'absent'
  /** Answers every token request with this status. */
  | { status: number; message?: string }

/** The claims of the double's GitHub Actions OIDC tokens. */
export type GitHubOidcClaims = Record<string, string | number>

export interface OidcRequest {
  /** The `audience` query value, if any. */
  audience?: string
  /** Whether the Bearer request token was the right one. */
  authorized: boolean
  status: number
}

const b64url = (data: Buffer | string): string =>
  Buffer.from(data).toString('base64url')

export function defaultRun(overrides: Partial<WorkflowRun>): WorkflowRun {
  return {
    repository: 'octo-org/charts',
    ref: 'refs/heads/main',
    workflowPath: '.github/workflows/release.yml',
    visibility: 'public',
    sha: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    eventName: 'push',
    actor: 'octocat',
    repositoryId: '123456789',
    repositoryOwnerId: '987654',
    runId: '4242424242',
    runNumber: '17',
    runAttempt: '1',
    workflowName: 'Release',
    runnerEnvironment: 'github-hosted',
    ...overrides
  }
}

/** The claims GitHub puts in a job's OIDC token (aud/iat/nbf/exp aside). */
export function githubClaims(run: WorkflowRun): GitHubOidcClaims {
  const workflowRef = `${run.repository}/${run.workflowPath}@${run.ref}`
  const jobWorkflowRef = run.jobWorkflowRef ?? workflowRef
  return {
    jti: crypto.randomUUID(),
    sub: `repo:${run.repository}:ref:${run.ref}`,
    ref: run.ref,
    sha: run.sha,
    repository: run.repository,
    repository_owner: run.repository.split('/')[0],
    repository_owner_id: run.repositoryOwnerId,
    run_id: run.runId,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    repository_visibility: run.visibility,
    repository_id: run.repositoryId,
    actor_id: '583231',
    actor: run.actor,
    workflow: run.workflowName,
    head_ref: '',
    base_ref: '',
    event_name: run.eventName,
    ref_protected: 'false',
    ref_type: run.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    workflow_ref: workflowRef,
    workflow_sha: run.sha,
    job_workflow_ref: jobWorkflowRef,
    job_workflow_sha: run.sha,
    runner_environment: run.runnerEnvironment,
    iss: GITHUB_OIDC_ISSUER
  }
}

export class TokenIssuer {
  private readonly keys = crypto.generateKeyPairSync('ec', {
    namedCurve: 'P-256'
  })
  private readonly kid = crypto.randomBytes(8).toString('hex')

  constructor(readonly claims: GitHubOidcClaims) {}

  /** A signed JWT; aud defaults like GitHub's: https://github.com/<owner>. */
  mint(audience?: string, overrides: GitHubOidcClaims = {}): string {
    const now = Math.floor(Date.now() / 1000)
    const payload = {
      ...this.claims,
      jti: crypto.randomUUID(),
      aud: audience ?? `https://github.com/${this.claims.repository_owner}`,
      nbf: now - 5,
      iat: now - 5,
      exp: now + 300,
      ...overrides
    }
    const header = { alg: 'ES256', typ: 'JWT', kid: this.kid }
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
    const signature = crypto.sign('sha256', Buffer.from(input), {
      key: this.keys.privateKey,
      dsaEncoding: 'ieee-p1363'
    })
    return `${input}.${b64url(signature)}`
  }

  /** The claims of a token this issuer signed; throws what is wrong. */
  verify(token: unknown): Record<string, unknown> {
    if (typeof token !== 'string') throw new Error('no OIDC identity token')
    const parts = token.split('.')
    if (parts.length !== 3) throw new Error('the identity token is not a JWS')
    const ok = crypto.verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key: this.keys.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(parts[2], 'base64url')
    )
    if (!ok) throw new Error('the identity token signature does not verify')
    const claims = JSON.parse(
      Buffer.from(parts[1], 'base64url').toString('utf8')
    ) as Record<string, unknown>
    const now = Math.floor(Date.now() / 1000)
    if (claims.iss !== GITHUB_OIDC_ISSUER)
      throw new Error(`unknown issuer ${String(claims.iss)}`)
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!aud.includes('sigstore'))
      throw new Error(
        `the token's audience ${JSON.stringify(claims.aud)} is not sigstore`
      )
    if (typeof claims.exp !== 'number' || claims.exp < now)
      throw new Error('the identity token has expired')
    if (typeof claims.nbf === 'number' && claims.nbf > now + 60)
      throw new Error('the identity token is not valid yet')
    return claims
  }
}

/**
 * The runner's token endpoint: a random path like the runner's, the request
 * token it wants, and what it answers (`mode`).
 */
export class OidcEndpoint {
  readonly requests: OidcRequest[] = []
  readonly requestToken = crypto.randomBytes(24).toString('hex')
  readonly path =
    `/${crypto.randomBytes(22).toString('base64url')}/00000000-0000-0000-0000-000000000000` +
    `/_apis/distributedtask/hubs/Actions/plans/${crypto.randomUUID()}` +
    `/jobs/${crypto.randomUUID()}/idtoken`

  constructor(
    private readonly tokens: TokenIssuer,
    public mode: OidcMode
  ) {}

  /** ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN for `origin`, or {} when absent. */
  env(origin: string): Record<string, string> {
    if (this.mode === 'absent') return {}
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${origin}${this.path}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken
    }
  }

  readonly route: Route = async (req, url) => {
    const audiences = url.searchParams.getAll('audience')
    const authorized =
      req.headers.authorization?.replace(/^bearer\s+/i, '') ===
      this.requestToken
    const answer = (reply: Reply): Reply => {
      this.requests.push({
        audience: audiences[0],
        authorized,
        status: reply.status
      })
      return reply
    }
    if (req.method !== 'GET' || url.pathname !== this.path)
      return answer(errorReply(404, 'Not Found'))
    if (url.searchParams.get('api-version') !== '2.0')
      return answer(errorReply(400, 'api-version=2.0 is required'))
    if (audiences.length > 1)
      return answer(errorReply(400, 'more than one audience'))
    if (!authorized) return answer(errorReply(401, 'Unauthorized'))
    if (typeof this.mode === 'object')
      return answer(
        errorReply(this.mode.status, this.mode.message ?? 'Forbidden')
      )
    return answer(jsonReply(200, { value: this.tokens.mint(audiences[0]) }))
  }
}
