// Loopback doubles of what keyless Sigstore signing talks to from a GitHub
// Actions job: the runner's OIDC token endpoint, Fulcio (certificates),
// Rekor (transparency log) and an RFC 3161 timestamp authority. Each is a
// real node:http server on 127.0.0.1 (its own random port, as each service
// has its own host), so the action's HTTP clients run unchanged.
//
// The certificate authority, CT log, transparency log and TSA are those of
// @sigstore/mock (its handlers, served here instead of through nock), with
// fresh keys per double. `trustedRoot` is a Sigstore TrustedRoot naming
// exactly these keys and certificates, so @sigstore/verify (or cosign with
// --trusted-root) trusts what this double signed and nothing else.
//
// On top of the mock, the doubles check what the real services check:
// - OIDC: GET on the runner's URL with its `?api-version=2.0`, the request
//   token as a Bearer, and `&audience=`; the token is a GitHub-shaped JWT
//   signed (ES256) with a throwaway key.
// - Fulcio: the token's signature, issuer, audience `sigstore` and expiry,
//   and the proof of possession (the key's signature over `sub`). The
//   certificate chain past the leaf (which @sigstore/sign's FulcioSigner
//   drops) is served at GET /api/v2/trustBundle, as Fulcio serves it.
// - Rekor: the entry's shape; a dsse entry's signature over the envelope;
//   an equivalent entry answers 409 with Location, as Rekor does, and
//   GET /api/v1/log/entries/{uuid} serves what was logged.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { json as canonicalJson } from '@sigstore/core'
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
  type HandlerFn
} from '@sigstore/mock'
import {
  HashAlgorithm,
  PublicKeyDetails,
  TrustedRoot,
  type TransparencyLogInstance
} from '@sigstore/protobuf-specs'
import { removeDir, tempDir } from './paths.js'

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'
export const TRUSTED_ROOT_MEDIA_TYPE =
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1'
/** A claim the Fulcio double adds to the token it hands the mock CA. */
const SAN_CLAIM = 'x_sigstore_double_san'

// ------------------------------------------------------------ Types

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

export interface SigstoreDoubleOptions {
  workflow?: Partial<WorkflowRun>
  oidc?: OidcMode
}

/** The claims of the double's GitHub Actions OIDC tokens. */
export type GitHubOidcClaims = Record<string, string | number>

export type SigstoreService = 'oidc' | 'fulcio' | 'rekor' | 'tsa'

export interface SigstoreRequest {
  service: SigstoreService
  method: string
  /** Path and query. */
  path: string
  status: number
}

export interface OidcRequest {
  /** The `audience` query value, if any. */
  audience?: string
  /** Whether the Bearer request token was the right one. */
  authorized: boolean
  status: number
}

/** A failure to answer instead of the service's answer. */
export interface FailureOptions {
  /** How many requests fail; default 1. */
  times?: number
  message?: string
  /**
   * The service does its work (logs the entry, issues the certificate),
   * then answers the failure: an answer lost on the way back.
   */
  afterHandling?: boolean
}

/** What the signatures made through this double carry. */
export interface SignerIdentity {
  /** `https://github.com/${job_workflow_ref}`, as real Fulcio writes it. */
  subjectAlternativeName: string
  /** The token issuer, in the Fulcio issuer extension. */
  issuer: string
}

/** A TrustedRoot in its protobuf-specs JSON form. */
export interface TrustedRootJson {
  mediaType: string
  [field: string]: unknown
}

/** An entry as the Rekor double logged it (the API's LogEntry value). */
export interface RekorEntry {
  uuid: string
  body: string
  integratedTime: number
  logID: string
  logIndex: number
  verification: {
    signedEntryTimestamp: string
    inclusionProof?: unknown
  }
}

export interface SigstoreDouble {
  /** Base URLs as @sigstore/sign takes them (fulcioBaseURL, ...). */
  fulcioUrl: string
  rekorUrl: string
  tsaUrl: string
  /**
   * ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, or {}
   * when the OIDC mode is 'absent'. Read it after setOidc().
   */
  readonly oidcEnv: Record<string, string>
  /** The claims the tokens carry (aud aside, which the request chooses). */
  claims: GitHubOidcClaims
  identity: SignerIdentity
  trustedRoot: TrustedRootJson
  /** trustedRoot written to a file (for cosign --trusted-root and tools). */
  trustedRootFile: string
  /** Every request to any of the services, in order. */
  requests: SigstoreRequest[]
  oidcRequests: OidcRequest[]
  /** PEM leaf certificates Fulcio issued. */
  certificates: string[]
  /** Entries Rekor logged. */
  rekorEntries(): RekorEntry[]
  /** A token as the OIDC endpoint would answer, without the HTTP. */
  idToken(audience?: string, overrides?: GitHubOidcClaims): string
  /** Changes the OIDC endpoint's behaviour from now on. */
  setOidc(mode: OidcMode): void
  /** Answers the next request(s) to a service with `status`. */
  failNext(
    service: SigstoreService,
    status: number,
    options?: FailureOptions
  ): void
  /** Forgets the failures not yet used. */
  clearFailures(): void
  stop(): Promise<void>
}

// ------------------------------------------------------------ HTTP plumbing

interface Reply {
  status: number
  body?: Buffer | string
  contentType?: string
  headers?: Record<string, string>
}

type Route = (
  req: http.IncomingMessage,
  url: URL,
  body: Buffer
) => Promise<Reply>

interface PendingFailure extends FailureOptions {
  service: SigstoreService
  status: number
}

function jsonReply(
  status: number,
  body: unknown,
  headers?: Record<string, string>
): Reply {
  return {
    status,
    body: JSON.stringify(body),
    contentType: 'application/json',
    headers
  }
}

/** The error shape of Fulcio and Rekor (grpc-gateway / go-swagger). */
function errorReply(status: number, message: string): Reply {
  return jsonReply(status, { code: status, message })
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function isJson(req: http.IncomingMessage): boolean {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '')
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown
  } catch {
    return undefined
  }
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return `http://127.0.0.1:${port}`
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>(resolve => server.close(() => resolve()))
}

/** The mock's HandlerFn answer as a Reply. */
async function callMock(fn: HandlerFn, body: string): Promise<Reply> {
  const { statusCode, response, contentType } = await fn(body)
  const bytes =
    typeof response === 'string'
      ? Buffer.from(response)
      : Buffer.from(response.buffer, response.byteOffset, response.byteLength)
  return { status: statusCode, body: bytes, contentType }
}

function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

function viewBytes(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

const sha256 = (data: Buffer | string): Buffer =>
  crypto.createHash('sha256').update(data).digest()

// ------------------------------------------------------------ OIDC tokens

const b64url = (data: Buffer | string): string =>
  Buffer.from(data).toString('base64url')

function defaultRun(overrides: Partial<WorkflowRun>): WorkflowRun {
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
function githubClaims(run: WorkflowRun): GitHubOidcClaims {
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

class TokenIssuer {
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

// ------------------------------------------------------------ Services

/** Fulcio: the key's signature over the token's subject. */
function proofOfPossession(
  subject: string,
  request: { publicKey?: { content?: string }; proofOfPossession?: string }
): boolean {
  try {
    return crypto.verify(
      'sha256',
      Buffer.from(subject),
      crypto.createPublicKey(request.publicKey?.content ?? ''),
      Buffer.from(request.proofOfPossession ?? '', 'base64')
    )
  } catch {
    return false
  }
}

/** Rekor: the hashedrekord and dsse kinds, stored as Rekor stores them. */
function rekorBody(proposed: unknown): Record<string, unknown> {
  const entry = proposed as {
    kind?: unknown
    apiVersion?: unknown
    spec?: Record<string, unknown>
  }
  const kind = `${String(entry?.kind)}/${String(entry?.apiVersion)}`
  if (kind === 'hashedrekord/0.0.1') return hashedRekord(entry.spec ?? {})
  if (kind === 'dsse/0.0.1') return dsseRekord(entry.spec ?? {})
  throw new Error(
    `the Rekor double takes hashedrekord/0.0.1 and dsse/0.0.1 entries, not ${kind}`
  )
}

function certificateKey(base64Pem: unknown): crypto.KeyObject {
  if (typeof base64Pem !== 'string') throw new Error('missing public key')
  const pem = Buffer.from(base64Pem, 'base64').toString('utf8')
  if (!pem.includes('-----BEGIN'))
    throw new Error('the public key is not base64 of a PEM')
  return crypto.createPublicKey(pem)
}

function hashedRekord(spec: Record<string, unknown>): Record<string, unknown> {
  const data = spec.data as { hash?: { algorithm?: string; value?: string } }
  const signature = spec.signature as {
    content?: string
    publicKey?: { content?: string }
  }
  if (
    data?.hash?.algorithm !== 'sha256' ||
    !/^[a-f0-9]{64}$/.test(data.hash.value ?? '')
  )
    throw new Error('spec.data.hash must be a sha256 hex digest')
  if (!signature?.content) throw new Error('spec.signature.content is missing')
  // Rekor checks the signature over the digest; node:crypto cannot verify
  // ECDSA over a pre-hashed digest, so the double checks the key parses and
  // leaves the signature to the verifier (it compares both with the bundle).
  certificateKey(signature.publicKey?.content)
  return { apiVersion: '0.0.1', kind: 'hashedrekord', spec }
}

/** DSSE pre-authentication encoding. */
function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType)
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload
  ])
}

// Rekor turns a proposed dsse entry into envelopeHash, payloadHash and
// (signature, verifier) pairs; @sigstore/mock stores the proposal as it came,
// which @sigstore/verify then rejects ("signature count mismatch").
function dsseRekord(spec: Record<string, unknown>): Record<string, unknown> {
  const proposed = spec.proposedContent as {
    envelope?: unknown
    verifiers?: unknown
  }
  if (typeof proposed?.envelope !== 'string')
    throw new Error('spec.proposedContent.envelope must be a JSON string')
  const verifiers = Array.isArray(proposed.verifiers) ? proposed.verifiers : []
  if (verifiers.length === 0)
    throw new Error('spec.proposedContent.verifiers is empty')
  const envelope = JSON.parse(proposed.envelope) as {
    payloadType?: string
    payload?: string
    signatures?: { sig?: string }[]
  }
  const payload = Buffer.from(envelope.payload ?? '', 'base64')
  const message = pae(envelope.payloadType ?? '', payload)
  const signatures = (envelope.signatures ?? []).map(({ sig }) => {
    const verifier = verifiers.find(v =>
      crypto.verify(
        'sha256',
        message,
        certificateKey(v),
        Buffer.from(sig ?? '', 'base64')
      )
    ) as string | undefined
    if (!verifier)
      throw new Error('a DSSE signature verifies with none of the verifiers')
    return { signature: sig, verifier }
  })
  if (signatures.length === 0) throw new Error('the envelope has no signature')
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: {
        algorithm: 'sha256',
        value: sha256(proposed.envelope).toString('hex')
      },
      payloadHash: {
        algorithm: 'sha256',
        value: sha256(payload).toString('hex')
      },
      signatures
    }
  }
}

// ------------------------------------------------------------ The double

/** Starts the OIDC, Fulcio, Rekor and TSA doubles on loopback ports. */
export async function startSigstoreDouble(
  options: SigstoreDoubleOptions = {}
): Promise<SigstoreDouble> {
  const run = defaultRun(options.workflow ?? {})
  const claims = githubClaims(run)
  const tokens = new TokenIssuer(claims)
  const identity: SignerIdentity = {
    subjectAlternativeName: `https://github.com/${claims.job_workflow_ref}`,
    issuer: GITHUB_OIDC_ISSUER
  }
  // Authorities' validity starts on a whole second: Rekor's integratedTime
  // is in seconds and must not fall before it.
  const validFrom = new Date(Math.floor(Date.now() / 1000) * 1000)
  const requests: SigstoreRequest[] = []
  const oidcRequests: OidcRequest[] = []
  const failures: PendingFailure[] = []
  const certificates: string[] = []
  const entries = new Map<string, RekorEntry>()
  const entryByBody = new Map<string, string>()
  let oidcMode: OidcMode = options.oidc ?? 'ok'

  const takeFailure = (service: SigstoreService) => {
    const index = failures.findIndex(f => f.service === service)
    if (index < 0) return undefined
    const failure = failures[index]
    failure.times = (failure.times ?? 1) - 1
    if (failure.times <= 0) failures.splice(index, 1)
    return failure
  }

  const serve = (service: SigstoreService, route: Route): http.Server =>
    http.createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://double')
        const body = await readBody(req)
        const failure = takeFailure(service)
        let reply: Reply
        try {
          reply =
            failure && !failure.afterHandling
              ? errorReply(failure.status, failure.message ?? 'injected')
              : await route(req, url, body)
          if (failure?.afterHandling)
            reply = errorReply(failure.status, failure.message ?? 'injected')
        } catch (error) {
          reply = errorReply(500, `double error: ${String(error)}`)
        }
        requests.push({
          service,
          method: req.method ?? 'GET',
          path: url.pathname + url.search,
          status: reply.status
        })
        res.writeHead(reply.status, {
          ...(reply.contentType ? { 'content-type': reply.contentType } : {}),
          ...reply.headers
        })
        res.end(reply.body)
      })()
    })

  // ---- OIDC: the runner's ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = crypto.randomBytes(24).toString('hex')
  const tokenPath =
    `/${crypto.randomBytes(22).toString('base64url')}/00000000-0000-0000-0000-000000000000` +
    `/_apis/distributedtask/hubs/Actions/plans/${crypto.randomUUID()}` +
    `/jobs/${crypto.randomUUID()}/idtoken`
  const oidcServer = serve('oidc', async (req, url) => {
    const audiences = url.searchParams.getAll('audience')
    const authorized =
      req.headers.authorization?.replace(/^bearer\s+/i, '') === requestToken
    const answer = (reply: Reply): Reply => {
      oidcRequests.push({
        audience: audiences[0],
        authorized,
        status: reply.status
      })
      return reply
    }
    if (req.method !== 'GET' || url.pathname !== tokenPath)
      return answer(errorReply(404, 'Not Found'))
    if (url.searchParams.get('api-version') !== '2.0')
      return answer(errorReply(400, 'api-version=2.0 is required'))
    if (audiences.length > 1)
      return answer(errorReply(400, 'more than one audience'))
    if (!authorized) return answer(errorReply(401, 'Unauthorized'))
    if (typeof oidcMode === 'object')
      return answer(
        errorReply(oidcMode.status, oidcMode.message ?? 'Forbidden')
      )
    return answer(jsonReply(200, { value: tokens.mint(audiences[0]) }))
  })

  // ---- Fulcio
  const caKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ctKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ctlog = await initializeCTLog(ctKeys)
  const ca = await initializeCA(caKeys, ctlog)
  // The mock CA writes claims[subjectClaim] as the SAN URI. Real Fulcio
  // writes https://github.com/<job_workflow_ref> for GitHub Actions tokens,
  // which no claim holds; so the double, once it has verified the token,
  // hands the mock a copy carrying that URI in a claim of its own (the mock
  // decodes without verifying). Every other extension comes from the real
  // claims (issuer = iss, repository, workflow_ref, ...).
  const fulcio = fulcioHandler(ca, { subjectClaim: SAN_CLAIM })
  const fulcioServer = serve('fulcio', async (req, url, body) => {
    if (req.method === 'GET' && url.pathname === '/api/v2/trustBundle')
      return jsonReply(200, {
        chains: [{ certificates: [toPem(viewBytes(ca.rootCertificate))] }]
      })
    if (req.method !== 'POST' || url.pathname !== '/api/v2/signingCert')
      return errorReply(404, 'Not Found')
    if (!isJson(req)) return errorReply(415, 'Content-Type must be JSON')
    const request = parseJson(body) as {
      credentials?: { oidcIdentityToken?: unknown }
      publicKeyRequest?: {
        publicKey?: { content?: string }
        proofOfPossession?: string
      }
      certificateSigningRequest?: string
    }
    let tokenClaims: Record<string, unknown>
    try {
      tokenClaims = tokens.verify(request?.credentials?.oidcIdentityToken)
    } catch (error) {
      return errorReply(
        401,
        `There was an error processing the identity token: ${(error as Error).message}`
      )
    }
    if (typeof tokenClaims.job_workflow_ref !== 'string')
      return errorReply(400, 'the token has no job_workflow_ref')
    const keyRequest = request.publicKeyRequest
    if (keyRequest) {
      if (!proofOfPossession(String(tokenClaims.sub), keyRequest))
        return errorReply(
          400,
          'The signature supplied in the request could not be verified'
        )
    } else if (!request.certificateSigningRequest) {
      return errorReply(
        400,
        'publicKeyRequest or certificateSigningRequest is required'
      )
    }
    const token = String(request.credentials?.oidcIdentityToken).split('.')
    const withSan = {
      ...tokenClaims,
      [SAN_CLAIM]: `https://github.com/${tokenClaims.job_workflow_ref}`
    }
    token[1] = b64url(JSON.stringify(withSan))
    const reply = await callMock(
      fulcio.fn,
      JSON.stringify({
        ...request,
        credentials: { oidcIdentityToken: token.join('.') }
      })
    )
    if (reply.status === 201) {
      const answer = parseJson(reply.body as Buffer) as {
        signedCertificateEmbeddedSct: { chain: { certificates: string[] } }
      }
      certificates.push(
        answer.signedCertificateEmbeddedSct.chain.certificates[0]
      )
    }
    return reply
  })

  // ---- TSA
  const tsaKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const tsa = await initializeTSA(tsaKeys)
  // The mock's TSA writes genTime as asn1js encodes milliseconds, trailing
  // zeros cut ("...30.12Z"), which @sigstore/core parses only with exactly
  // three digits: one timestamp in ten would not verify. Whole seconds
  // encode without a fraction.
  Object.assign(tsa, {
    getCurrentTime: () => new Date(Math.floor(Date.now() / 1000) * 1000)
  })
  const timestamp = tsaHandler(tsa)
  const tsaChain = [
    viewBytes(tsa.intCertificate),
    viewBytes(tsa.rootCertificate)
  ]
  const tsaServer = serve('tsa', async (req, url, body) => {
    if (req.method === 'GET' && url.pathname === '/api/v1/timestamp/certchain')
      return {
        status: 200,
        body: tsaChain.map(der => toPem(der)).join(''),
        contentType: 'application/pem-certificate-chain'
      }
    if (req.method !== 'POST' || url.pathname !== '/api/v1/timestamp')
      return errorReply(404, 'Not Found')
    if (!isJson(req)) return errorReply(415, 'Content-Type must be JSON')
    return callMock(timestamp.fn, body.toString('utf8'))
  })

  const oidcOrigin = await listen(oidcServer)
  const fulcioUrl = await listen(fulcioServer)
  const tsaUrl = await listen(tsaServer)

  // ---- Rekor (the log signs checkpoints with its host: listen first)
  const rekorKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  let rekorRoute: Route = async () => errorReply(503, 'starting')
  const rekorServer = serve('rekor', (...args) => rekorRoute(...args))
  const rekorUrl = await listen(rekorServer)
  const tlog = await initializeTLog(rekorUrl, rekorKeys)
  const rekor = rekorHandler(tlog)
  rekorRoute = async (req, url, body) => {
    const get = /^\/api\/v1\/log\/entries\/([a-f0-9]+)$/.exec(url.pathname)
    if (req.method === 'GET' && get) {
      const entry = entries.get(get[1])
      if (!entry) return errorReply(404, 'entry not found')
      const { uuid, ...value } = entry
      return jsonReply(200, { [uuid]: value })
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/log/publicKey')
      return {
        status: 200,
        body: toPem(tlog.publicKey, 'PUBLIC KEY'),
        contentType: 'application/x-pem-file'
      }
    if (req.method !== 'POST' || url.pathname !== '/api/v1/log/entries')
      return errorReply(404, 'Not Found')
    if (!isJson(req)) return errorReply(415, 'Content-Type must be JSON')
    let stored: Record<string, unknown>
    try {
      stored = rekorBody(parseJson(body))
    } catch (error) {
      return errorReply(400, (error as Error).message)
    }
    const canonical = canonicalJson.canonicalize(stored)
    const existing = entryByBody.get(canonical)
    if (existing) {
      return {
        ...errorReply(
          409,
          `An equivalent entry already exists in the transparency log with UUID ${existing}`
        ),
        headers: { location: `/api/v1/log/entries/${existing}` }
      }
    }
    const reply = await callMock(rekor.fn, canonical)
    if (reply.status !== 201) return reply
    const [[uuid, value]] = Object.entries(
      parseJson(reply.body as Buffer) as Record<
        string,
        Omit<RekorEntry, 'uuid'>
      >
    )
    entries.set(uuid, { uuid, ...value })
    entryByBody.set(canonical, uuid)
    return { ...reply, headers: { location: `/api/v1/log/entries/${uuid}` } }
  }

  // ---- Trusted root
  const spki = (key: crypto.KeyObject): Buffer =>
    key.export({ format: 'der', type: 'spki' })
  const logInstance = (
    baseUrl: string,
    publicKey: Buffer,
    logId: Buffer
  ): TransparencyLogInstance => ({
    baseUrl,
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: {
      rawBytes: publicKey,
      keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
      validFor: { start: validFrom }
    },
    logId: { keyId: logId },
    checkpointKeyId: undefined,
    operator: 'sigstore-double.test'
  })
  const trustedRoot = TrustedRoot.toJSON({
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: [
      logInstance(
        rekorUrl,
        spki(rekorKeys.publicKey),
        sha256(spki(rekorKeys.publicKey))
      )
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: fulcioUrl,
        certChain: {
          certificates: [{ rawBytes: viewBytes(ca.rootCertificate) }]
        },
        validFor: { start: validFrom },
        operator: 'sigstore-double.test'
      }
    ],
    ctlogs: [
      logInstance(`${fulcioUrl}/ct`, ctlog.publicKey, viewBytes(ctlog.logID))
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: tsaUrl,
        certChain: { certificates: tsaChain.map(rawBytes => ({ rawBytes })) },
        validFor: { start: validFrom },
        operator: 'sigstore-double.test'
      }
    ]
  }) as TrustedRootJson
  const dir = tempDir('hor-sigstore-')
  const trustedRootFile = path.join(dir, 'trusted_root.json')
  fs.writeFileSync(trustedRootFile, JSON.stringify(trustedRoot, null, 2))

  const oidcUrl = `${oidcOrigin}${tokenPath}?api-version=2.0`
  return {
    fulcioUrl,
    rekorUrl,
    tsaUrl,
    get oidcEnv(): Record<string, string> {
      return oidcMode === 'absent'
        ? {}
        : {
            ACTIONS_ID_TOKEN_REQUEST_URL: oidcUrl,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
          }
    },
    claims,
    identity,
    trustedRoot,
    trustedRootFile,
    requests,
    oidcRequests,
    certificates,
    rekorEntries: () => [...entries.values()],
    idToken: (audience = 'sigstore', overrides = {}) =>
      tokens.mint(audience, overrides),
    setOidc(mode) {
      oidcMode = mode
    },
    failNext(service, status, failureOptions = {}) {
      failures.push({ service, status, times: 1, ...failureOptions })
    },
    clearFailures() {
      failures.length = 0
    },
    async stop() {
      await Promise.all(
        [oidcServer, fulcioServer, tsaServer, rekorServer].map(close)
      )
      removeDir(dir)
    }
  }
}
