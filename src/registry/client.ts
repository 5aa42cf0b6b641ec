// The OCI registry over the Distribution API: tells whether a chart version
// exists and reads manifests back, authenticating the way registries demand
// (Basic, or Bearer tokens from the challenge's realm), retrying transient
// failures and keeping credentials on the registry's own origin.
//
// Requests go through @actions/http-client's `requestRaw` (its timeout and
// response handling) and its proxy rules (`getProxyUrl`: HTTPS_PROXY,
// HTTP_PROXY, NO_PROXY; loopback never proxied). Its own agents cannot take a
// CA bundle, so this module supplies the agents: node:https with the extra CA
// for direct connections, and a CONNECT tunnel for https through a proxy.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'
import type { Duplex } from 'node:stream'
import { HttpClient } from '@actions/http-client'
import type { RequestInfo } from '@actions/http-client/lib/interfaces'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { UserError, errorMessage } from '../errors.js'
import {
  challengeScopes,
  parseWwwAuthenticate,
  type Challenge
} from './www-authenticate.js'
import { backoffDelayMs, TRANSIENT_NETWORK_CODES } from '../retry.js'

/** Retries of transient failures (connection errors, timeouts, 429, 5xx). */
export interface RetryOptions {
  /** Tries in all, the first included (at least 1). */
  attempts: number
  /** Delay before the first retry; doubles each time, with jitter. */
  baseDelayMs: number
  /** Cap of one delay, `Retry-After` included. */
  maxDelayMs: number
}

export interface RegistryClientOptions {
  /** host[:port] of the registry, e.g. ghcr.io or 127.0.0.1:5000. */
  registry: string
  username?: string
  password?: string
  /** Talk plain HTTP instead of HTTPS. */
  plainHttp: boolean
  /** PEM bundle of CAs to trust in addition to the default ones. */
  caFile?: string
  /** Skip verification of the registry's TLS certificate. */
  insecureSkipTlsVerify: boolean
  retry?: RetryOptions
  /** Limit of one request, answer body included (default 30 s). */
  timeoutMs?: number
}

/** A manifest as the registry serves it. */
export interface Manifest {
  /** sha256 digest of `body`, the manifest's exact bytes. */
  digest: string
  /** The media type, from Content-Type or the manifest's `mediaType`. */
  mediaType: string
  body: Buffer
}

/** What a manifest request accepts: OCI and Docker manifests and indexes. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
]

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000
}

const DEFAULT_TIMEOUT_MS = 30_000
const MAX_REDIRECTS = 5
/** Token answers are small; a huge one is a misconfigured realm. */
const TOKEN_LIMIT = 1024 * 1024
/** distribution refuses manifests over 4 MiB. */
const MANIFEST_LIMIT = 4 * 1024 * 1024
const ERROR_BODY_LIMIT = 64 * 1024
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
const CLIENT_ID = 'helm-oci-release'

const REPOSITORY =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/
const TAG = /^\w[\w.-]{0,127}$/
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/

const REACHABLE_FIX =
  "Check the 'registry' input and that the registry is reachable from the runner " +
  '(behind a proxy: HTTPS_PROXY / HTTP_PROXY / NO_PROXY).'
const CREDENTIALS_FIX =
  "Check the 'username' and 'password' inputs (a token needs read access to the repository)."

/** A failure with its cause and fix; public methods turn it into a UserError. */
class Failure extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
    options: { cause?: unknown } = {}
  ) {
    super(reason, options)
  }
}

/** One HTTP answer with its (bounded) body. */
interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  /** The body was longer than the limit (and is cut). */
  tooLarge: boolean
  url: URL
  /** Tries it took (retries included). */
  attempts: number
}

/** An error of one try: the connection, TLS, a timeout or the proxy. */
class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options: { cause?: unknown } = {}
  ) {
    super(message, options)
  }
}

const sleep = (ms: number): Promise<void> =>
  new Promise(resolve => setTimeout(resolve, ms))

/** origin + path: what a message may show of a URL (no query, no userinfo). */
function shown(url: URL): string {
  return url.origin + url.pathname
}

/** Hostname without IPv6 brackets, as sockets want it. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

/** Milliseconds a `Retry-After` header asks for (seconds or HTTP date). */
export function retryAfterMs(
  value: string | undefined,
  now: number = Date.now()
): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The delay before retry number `attempt` (1 = first retry): exponential with
 * jitter (50-100 %), or what Retry-After asks for; never above `maxDelayMs`.
 */
export function retryDelayMs(
  attempt: number,
  retry: RetryOptions,
  retryAfter?: number,
  random: () => number = Math.random
): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, retry.maxDelayMs)
  return backoffDelayMs(attempt, retry.baseDelayMs, retry.maxDelayMs, random)
}

/** Reads a body up to `limit` bytes; `tooLarge` when there was more. */
function readBody(
  message: http.IncomingMessage,
  limit: number
): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const declared = Number(message.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      message.destroy()
      resolve({ body: Buffer.alloc(0), tooLarge: true })
      return
    }
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        message.destroy()
        resolve({ body: Buffer.concat(chunks), tooLarge: true })
        return
      }
      chunks.push(chunk)
    })
    message.once('end', () =>
      resolve({ body: Buffer.concat(chunks), tooLarge: false })
    )
    message.once('error', reject)
    message.once('close', () => {
      if (!message.complete)
        reject(new TransportError('the answer was cut short', 'ECONNRESET'))
    })
  })
}

/** The registry's error text from a JSON body (Distribution or OAuth2 style). */
export function registryErrorMessage(body: Buffer): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const record = parsed as Record<string, unknown>
  const parts: string[] = []
  if (Array.isArray(record.errors)) {
    for (const item of record.errors as unknown[]) {
      if (typeof item !== 'object' || item === null) continue
      const { code, message } = item as Record<string, unknown>
      const text = [code, message].filter(v => typeof v === 'string')
      if (text.length > 0) parts.push(text.join(': '))
    }
  }
  for (const key of ['error', 'error_description', 'message', 'details']) {
    if (typeof record[key] === 'string') parts.push(record[key])
  }
  // Bounded and single-line: it ends up in an error annotation.
  const text = parts
    .join('; ')
    .replace(/[\r\n\t]+/g, ' ')
    .slice(0, 300)
  return text === '' ? undefined : text
}

/** An error text fit for one message line (OpenSSL's reason only). */
function oneLine(text: string): string {
  const openssl = /SSL routines:[^:]*:([^:]+):/.exec(text)
  const line = (openssl ? openssl[1] : text).replace(/\s+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 200)}...` : line
}

/** The user-facing explanation of a failed try (TLS, DNS, refused, ...). */
function describeTransportError(
  error: unknown,
  url: URL,
  attempts: number
): Failure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN'
  const host = url.host
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : ''
  const detail = `${code}: ${oneLine(errorMessage(error))}`
  const untrusted = [
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
    'CERT_SIGNATURE_FAILURE'
  ]
  const tlsFix =
    "Set the 'ca-file' input to the PEM bundle of the certificate authority " +
    "that signed the registry's certificate (or, for a test registry only, " +
    "'insecure-skip-tls-verify: true')."
  if (untrusted.includes(code))
    return new Failure(
      `the TLS certificate of ${host} is not trusted (${detail})`,
      tlsFix,
      { cause: error }
    )
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return new Failure(
      `the TLS certificate of ${host} is not valid for that name (${detail})`,
      "Use the registry name the certificate was issued for in the 'registry' input " +
        "(or, for a test registry only, 'insecure-skip-tls-verify: true').",
      { cause: error }
    )
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return new Failure(
      `the TLS certificate of ${host} is not valid now (${detail})`,
      tlsFix,
      { cause: error }
    )
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_'))
    return new Failure(
      `the TLS handshake with ${host} failed (${detail})`,
      "If the registry serves plain HTTP, set 'plain-http: true'; otherwise check " +
        "the 'registry' input.",
      { cause: error }
    )
  const reasons: Record<string, string> = {
    ECONNREFUSED: `${host} refused the connection${tries}`,
    ENOTFOUND: `the host name ${url.hostname} was not found (DNS)${tries}`,
    EAI_AGAIN: `the host name ${url.hostname} could not be resolved (DNS)${tries}`,
    ETIMEDOUT: `${host} did not answer in time${tries} (${oneLine(errorMessage(error))})`,
    ECONNRESET: `the connection to ${host} was reset${tries}`,
    EPROXY: `${errorMessage(error)}${tries}`
  }
  return new Failure(
    reasons[code] ?? `the request to ${host} failed${tries} (${detail})`,
    REACHABLE_FIX,
    { cause: error }
  )
}

// The shared codes, and a proxy that failed to connect us.
const TRANSIENT_CODES = new Set([...TRANSIENT_NETWORK_CODES, 'EPROXY'])

function isTransient(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code !== undefined && TRANSIENT_CODES.has(code)
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505)
}

/** The CA bundle the TLS connections trust: the defaults plus `caFile`. */
function trustedCas(caFile: string): string[] {
  let pem: string
  try {
    pem = fs.readFileSync(caFile, 'utf8')
  } catch (error) {
    throw new UserError(
      `The 'ca-file' input names ${caFile}, which cannot be read (${errorMessage(error)}). ` +
        'Give the path of a PEM bundle, relative to the workspace.',
      { cause: error }
    )
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new UserError(
      `The 'ca-file' input names ${caFile}, which holds no PEM certificate ` +
        '("-----BEGIN CERTIFICATE-----"). Give a PEM bundle of CA certificates.'
    )
  return [...defaultCas(), pem]
}

/**
 * The default CAs: passing `ca` replaces them, so add them back, including
 * NODE_EXTRA_CA_CERTS (Node 22.15+ lists those itself).
 */
function defaultCas(): string[] {
  const withGetter = tls as unknown as {
    getCACertificates?: (type: 'default') => string[]
  }
  if (typeof withGetter.getCACertificates === 'function')
    return withGetter.getCACertificates('default')
  const cas = [...tls.rootCertificates]
  const extra = process.env.NODE_EXTRA_CA_CERTS
  if (extra) {
    try {
      cas.push(fs.readFileSync(extra, 'utf8'))
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  return cas
}

/** Checks the `registry` input: host[:port] and nothing else. */
function registryUrl(registry: string, plainHttp: boolean): URL {
  const scheme = plainHttp ? 'http' : 'https'
  let url: URL | undefined
  try {
    url = new URL(`${scheme}://${registry}`)
  } catch {
    url = undefined
  }
  if (
    !url ||
    registry === '' ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    registry.includes('/')
  )
    throw new UserError(
      `The 'registry' input "${registry}" is not a host[:port] (e.g. ghcr.io or ` +
        "registry.example.com:5000). Put the path in 'repository'."
    )
  // Docker Hub's API lives on registry-1.docker.io, as Helm and Docker know.
  if (url.hostname === 'docker.io') url.hostname = 'registry-1.docker.io'
  return url
}

function checkRepository(repository: string): void {
  if (!REPOSITORY.test(repository))
    throw new UserError(
      `The repository "${repository}" is not a valid OCI repository name ` +
        "(lowercase letters, digits, separators . _ - and /). Fix the 'repository' input."
    )
}

function checkReference(reference: string): void {
  if (!TAG.test(reference) && !DIGEST.test(reference))
    throw new UserError(
      `"${reference}" is not a valid OCI tag or digest (tags: letters, digits, _ . -, ` +
        'at most 128 characters; Helm writes a version\'s "+" as "_").'
    )
}

/** A bearer token and how long it may be used. */
interface Token {
  value: string
  lifetimeMs: number
}

/** Docker's token spec: `expires_in` defaults to 60 seconds. */
const DEFAULT_TOKEN_LIFETIME_S = 60
/** Treated as expired this early, so a token does not lapse in flight. */
const TOKEN_EXPIRY_MARGIN_MS = 1_000

/**
 * Reads `token` (or, when absent, its OAuth2 alias `access_token`, as Docker's
 * token spec says) and `expires_in` from a token service's answer.
 */
function parseToken(answer: Answer): Token {
  const where = `the token service ${shown(answer.url)}`
  const fix =
    "The registry's token service is misbehaving: check the 'registry' input, " +
    'or ask the registry operator.'
  if (answer.tooLarge)
    throw new Failure(`${where} answered more than 1 MiB`, fix)
  const text = answer.body.toString('utf8').trim()
  if (text === '') throw new Failure(`${where} answered an empty body`, fix)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const type = answer.headers['content-type'] ?? 'no content type'
    throw new Failure(`${where} did not answer JSON (${type})`, fix)
  }
  const record =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : {}
  const token = [record.token, record.access_token].find(
    (v): v is string => typeof v === 'string' && v !== ''
  )
  if (token === undefined)
    throw new Failure(`${where} answered without a token or access_token`, fix)
  // A token goes into a header: refuse anything that could split it.
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new Failure(`${where} answered a malformed token`, fix)
  const expiresIn =
    typeof record.expires_in === 'number' && record.expires_in > 0
      ? record.expires_in
      : DEFAULT_TOKEN_LIFETIME_S
  return { value: token, lifetimeMs: expiresIn * 1000 }
}

/** sha256 digest of bytes, in OCI form. */
function sha256(body: Buffer): string {
  return 'sha256:' + crypto.createHash('sha256').update(body).digest('hex')
}

/**
 * A client of one OCI registry (Distribution API v2). Tokens are cached per
 * scope until they expire (`expires_in`). Public methods throw `UserError`s that say
 * what failed and how to fix it.
 */
export class RegistryClient {
  /** http(s)://host[:port] of the registry. */
  readonly baseUrl: string
  private readonly origin: string
  private readonly options: RegistryClientOptions
  private readonly retry: RetryOptions
  private readonly timeoutMs: number
  private readonly http: HttpClient
  private readonly tlsOptions: tls.ConnectionOptions
  private readonly httpAgent = new http.Agent({ keepAlive: false })
  private readonly httpsAgent: https.Agent
  /** Authorization header and expiry (epoch ms) per scope. */
  private readonly tokens = new Map<
    string,
    { header: string; expiresAt: number }
  >()
  private useBasic = false

  constructor(options: RegistryClientOptions) {
    const base = registryUrl(options.registry, options.plainHttp)
    this.options = options
    this.baseUrl = base.origin
    this.origin = base.origin
    this.retry = { ...DEFAULT_RETRY, ...options.retry }
    this.retry.attempts = Math.max(1, Math.floor(this.retry.attempts))
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.tlsOptions = {
      rejectUnauthorized: !options.insecureSkipTlsVerify,
      ...(options.caFile ? { ca: trustedCas(options.caFile) } : {})
    }
    this.httpsAgent = new https.Agent({ keepAlive: false, ...this.tlsOptions })
    // Our own timer aborts first; the client's is only a backstop.
    this.http = new HttpClient(CLIENT_ID, [], {
      socketTimeout: this.timeoutMs + 5_000,
      allowRedirects: false,
      allowRetries: false
    })
  }

  /**
   * The digest of `repository:tag` (HEAD on the manifest), or undefined when
   * the registry answers 404. Anything else (refused credentials, missing
   * scope, 5xx after retries, timeouts, TLS or connection errors) throws a
   * UserError: the action cannot tell whether the version exists.
   */
  async manifestDigest(
    repository: string,
    tag: string
  ): Promise<string | undefined> {
    checkRepository(repository)
    checkReference(tag)
    const what = `Could not tell whether ${this.describe(repository, tag)} already exists`
    try {
      const answer = await this.manifestRequest('HEAD', repository, tag)
      if (answer.status === 404) return undefined
      if (answer.status >= 200 && answer.status < 300) {
        const digest = headerDigest(answer)
        if (digest) return digest
        // No Docker-Content-Digest: hash the manifest bytes instead.
        return (await this.readManifest(repository, tag))?.digest
      }
      throw await this.statusFailure(answer, repository, 'HEAD')
    } catch (error) {
      throw this.userError(what, error)
    }
  }

  /**
   * The manifest of `repository` at `reference` (tag or digest), or undefined
   * when the registry answers 404. The digest is computed from the bytes and
   * checked against the reference and the registry's Docker-Content-Digest.
   */
  async getManifest(
    repository: string,
    reference: string
  ): Promise<Manifest | undefined> {
    checkRepository(repository)
    checkReference(reference)
    const what = `Could not read the manifest of ${this.describe(repository, reference)}`
    try {
      return await this.readManifest(repository, reference)
    } catch (error) {
      throw this.userError(what, error)
    }
  }

  private describe(repository: string, reference: string): string {
    const separator = DIGEST.test(reference) && !TAG.test(reference) ? '@' : ':'
    return `oci://${new URL(this.baseUrl).host}/${repository}${separator}${reference}`
  }

  private userError(what: string, error: unknown): UserError {
    if (error instanceof UserError) return error
    if (error instanceof Failure)
      return new UserError(`${what}: ${error.reason}. ${error.fix}`, {
        cause: error
      })
    return new UserError(`${what}: ${errorMessage(error)}. ${REACHABLE_FIX}`, {
      cause: error
    })
  }

  private async readManifest(
    repository: string,
    reference: string
  ): Promise<Manifest | undefined> {
    const answer = await this.manifestRequest('GET', repository, reference)
    if (answer.status === 404) return undefined
    if (answer.status < 200 || answer.status >= 300)
      throw await this.statusFailure(answer, repository, 'GET')
    if (answer.tooLarge)
      throw new Failure(
        'the registry served a manifest larger than 4 MiB',
        "Check the 'registry' and 'repository' inputs."
      )
    return checkedManifest(answer, reference)
  }

  private manifestRequest(
    method: 'GET' | 'HEAD',
    repository: string,
    reference: string
  ): Promise<Answer> {
    return this.registryRequest(
      method,
      `/v2/${repository}/manifests/${reference}`,
      `repository:${repository}:pull`,
      MANIFEST_MEDIA_TYPES.join(', '),
      method === 'GET' ? MANIFEST_LIMIT : 0
    )
  }

  /** A request to the registry with authentication and redirects. */
  private async registryRequest(
    method: 'GET' | 'HEAD',
    path: string,
    scope: string,
    accept: string,
    limit: number
  ): Promise<Answer> {
    const url = new URL(path, this.baseUrl)
    const sent = this.cachedToken(scope) ?? this.basicIfChosen()
    const answer = await this.followRedirects(method, url, accept, sent, limit)
    if (answer.status !== 401 || answer.url.origin !== this.origin)
      return answer
    const challenges = parseWwwAuthenticate(answer.headers['www-authenticate'])
    const fresh = await this.authorize(challenges, scope)
    if (fresh === undefined || fresh === sent) return answer
    return this.followRedirects(method, url, accept, fresh, limit)
  }

  private basicIfChosen(): string | undefined {
    return this.useBasic ? this.basicHeader() : undefined
  }

  /** Basic credentials; none without a password (empty = anonymous). */
  private basicHeader(): string | undefined {
    const { username, password } = this.options
    if (!password) return undefined
    const pair = `${username ?? ''}:${password ?? ''}`
    return 'Basic ' + Buffer.from(pair, 'utf8').toString('base64')
  }

  /** Follows redirects (bounded); Authorization only to the registry's origin. */
  private async followRedirects(
    method: 'GET' | 'HEAD',
    start: URL,
    accept: string,
    authorization: string | undefined,
    limit: number
  ): Promise<Answer> {
    let url = start
    for (let hop = 0; ; hop++) {
      const headers: http.OutgoingHttpHeaders = { accept }
      if (authorization !== undefined && url.origin === this.origin)
        headers.authorization = authorization
      const answer = await this.exchange(method, url, headers, undefined, limit)
      const location = answer.headers.location
      if (!REDIRECT_STATUSES.has(answer.status) || !location) return answer
      if (hop >= MAX_REDIRECTS)
        throw new Failure(
          `the registry redirected more than ${MAX_REDIRECTS} times (last to ${shown(url)})`,
          "Check the 'registry' input."
        )
      url = nextLocation(url, location)
    }
  }

  /** The Authorization header a challenge asks for, or undefined. */
  private async authorize(
    challenges: Challenge[],
    scope: string
  ): Promise<string | undefined> {
    const bearer = challenges.find(
      c => c.scheme === 'bearer' && c.params.realm !== undefined
    )
    if (bearer) {
      const token = await this.fetchToken(bearer, scope)
      const header = `Bearer ${token.value}`
      const expiresAt = Date.now() + token.lifetimeMs - TOKEN_EXPIRY_MARGIN_MS
      this.tokens.set(scope, { header, expiresAt })
      return header
    }
    const basic = this.basicHeader()
    if (basic && challenges.some(c => c.scheme === 'basic')) {
      this.useBasic = true
      return basic
    }
    return undefined
  }

  /** The cached token of `scope` while it has not expired. */
  private cachedToken(scope: string): string | undefined {
    const cached = this.tokens.get(scope)
    if (cached && Date.now() < cached.expiresAt) return cached.header
    this.tokens.delete(scope)
    return undefined
  }

  /** A token from the challenge's realm: GET, then the OAuth2 POST form. */
  private async fetchToken(
    challenge: Challenge,
    scope: string
  ): Promise<Token> {
    const realm = this.realmUrl(challenge.params.realm)
    const service = challenge.params.service
    const scopes = challengeScopes(challenge)
    if (scopes.length === 0) scopes.push(scope)
    const basic = this.basicHeader()
    const query = new URL(realm)
    if (service !== undefined) query.searchParams.set('service', service)
    for (const s of scopes) query.searchParams.append('scope', s)
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' }
    if (basic) headers.authorization = basic
    const got = await this.exchange(
      'GET',
      query,
      headers,
      undefined,
      TOKEN_LIMIT
    )
    if (got.status === 200) return parseToken(got)
    const { username, password } = this.options
    if (!username || !password || ![401, 403, 404, 405].includes(got.status))
      throw this.tokenFailure(got, basic !== undefined)
    // Some services only speak OAuth2 (RFC 6749 password grant).
    const form = new URLSearchParams({
      grant_type: 'password',
      username,
      password
    })
    if (service !== undefined) form.set('service', service)
    form.set('scope', scopes.join(' '))
    form.set('client_id', CLIENT_ID)
    const posted = await this.exchange(
      'POST',
      realm,
      {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded'
      },
      form.toString(),
      TOKEN_LIMIT
    )
    if (posted.status === 200) return parseToken(posted)
    throw this.tokenFailure(posted, true)
  }

  /** The realm URL; no downgrade from an https registry to an http realm. */
  private realmUrl(realm: string | undefined): URL {
    let url: URL | undefined
    try {
      url = realm === undefined ? undefined : new URL(realm)
    } catch {
      url = undefined
    }
    const fix =
      "The registry's authentication is misconfigured; ask its operator."
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      throw new Failure(
        `the registry named an invalid token realm "${realm}"`,
        fix
      )
    if (this.baseUrl.startsWith('https:') && url.protocol === 'http:')
      throw new Failure(
        `the registry is served over https but sends clients to a plain-http token service (${shown(url)}); ` +
          'refusing to send credentials or trust a token over an unencrypted connection',
        fix
      )
    if (url.username || url.password)
      throw new Failure(
        'the registry named a token realm with credentials in it',
        fix
      )
    return url
  }

  private tokenFailure(answer: Answer, withCredentials: boolean): Failure {
    const message = registryErrorMessage(answer.body)
    const detail = `${answer.status}${message ? `: ${message}` : ''}`
    const where = `the token service ${shown(answer.url)}`
    if (answer.status === 401 || answer.status === 403)
      return withCredentials
        ? new Failure(
            `${where} refused the credentials (${detail})`,
            CREDENTIALS_FIX
          )
        : new Failure(
            `${where} requires credentials (${detail}) and none were given`,
            "Set the 'username' and 'password' inputs."
          )
    return new Failure(
      `${where} answered ${detail}${tries(answer)}`,
      isRetryableStatus(answer.status)
        ? "The registry's token service is failing; retry later."
        : REACHABLE_FIX
    )
  }

  /** Explains an unexpected status of a registry request. */
  private async statusFailure(
    answer: Answer,
    repository: string,
    method: 'GET' | 'HEAD'
  ): Promise<Failure> {
    let body = answer.body
    // HEAD answers have no body; ask again with GET for the registry's words.
    if (
      method === 'HEAD' &&
      answer.status >= 400 &&
      answer.status < 500 &&
      answer.status !== 429
    )
      body = await this.errorBody(answer.url, repository)
    const message = registryErrorMessage(body)
    const detail = `${answer.status}${message ? ` ${message}` : ''}`
    const challenges = parseWwwAuthenticate(answer.headers['www-authenticate'])
    const insufficient = challenges.some(
      c => c.params.error === 'insufficient_scope'
    )
    const credentials = this.basicHeader() !== undefined
    if (insufficient || answer.status === 403)
      return new Failure(
        `the registry denied pull access to ${repository} (${detail})`,
        `Give the ${credentials ? 'credentials' : 'anonymous user'} read (pull) access to ${repository}` +
          (credentials ? '.' : ", or set the 'username' and 'password' inputs.")
      )
    if (answer.status === 401)
      return credentials
        ? new Failure(
            `the registry refused the credentials (${detail})`,
            CREDENTIALS_FIX
          )
        : new Failure(
            `the registry requires authentication (${detail}) and no credentials were given`,
            "Set the 'username' and 'password' inputs."
          )
    if (answer.status === 429)
      return new Failure(
        `the registry kept rate-limiting the requests (${detail})${tries(answer)}`,
        "Retry later, or log in ('username' / 'password') for a higher rate limit."
      )
    if (answer.status >= 500)
      return new Failure(
        `the registry kept failing (${detail})${tries(answer)}`,
        'The registry is unavailable; retry later or check its status.'
      )
    return new Failure(
      `the registry answered ${detail}`,
      "Check the 'registry' and 'repository' inputs."
    )
  }

  /** The body of a GET on `url`, for its error message; empty on failure. */
  private async errorBody(url: URL, repository: string): Promise<Buffer> {
    try {
      const sent =
        this.cachedToken(`repository:${repository}:pull`) ??
        this.basicIfChosen()
      const headers: http.OutgoingHttpHeaders = { accept: 'application/json' }
      if (sent !== undefined && url.origin === this.origin)
        headers.authorization = sent
      const answer = await this.send(
        'GET',
        url,
        headers,
        undefined,
        ERROR_BODY_LIMIT
      )
      return answer.body
    } catch {
      return Buffer.alloc(0)
    }
  }

  /** One request with retries of transient failures. */
  private async exchange(
    method: string,
    url: URL,
    headers: http.OutgoingHttpHeaders,
    body: string | undefined,
    limit: number
  ): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.attempts
      let answer: Answer
      try {
        answer = await this.send(method, url, headers, body, limit)
      } catch (error) {
        if (!isTransient(error) || last)
          throw describeTransportError(error, url, attempt)
        await sleep(retryDelayMs(attempt, this.retry))
        continue
      }
      answer.attempts = attempt
      if (!isRetryableStatus(answer.status) || last) return answer
      const header = answer.headers['retry-after']
      const after =
        answer.status === 429 || answer.status === 503
          ? retryAfterMs(Array.isArray(header) ? header[0] : header)
          : undefined
      await sleep(retryDelayMs(attempt, this.retry, after))
    }
  }

  /** One try: the request, the answer and its body, within `timeoutMs`. */
  private async send(
    method: string,
    url: URL,
    headers: http.OutgoingHttpHeaders,
    body: string | undefined,
    limit: number
  ): Promise<Answer> {
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, this.timeoutMs)
    try {
      const info = this.requestInfo(method, url, headers, controller.signal)
      const response = await this.http.requestRaw(info, body ?? null)
      const read = await readBody(response.message, limit)
      return {
        status: response.message.statusCode ?? 0,
        headers: response.message.headers,
        ...read,
        url,
        attempts: 1
      }
    } catch (error) {
      if (timedOut)
        throw new TransportError(
          `no answer within ${this.timeoutMs} ms`,
          'ETIMEDOUT',
          { cause: error }
        )
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /** How to reach `url`: directly, through a CONNECT tunnel, or via an HTTP proxy. */
  private requestInfo(
    method: string,
    url: URL,
    headers: http.OutgoingHttpHeaders,
    signal: AbortSignal
  ): RequestInfo {
    const secure = url.protocol === 'https:'
    const all: http.OutgoingHttpHeaders = {
      'user-agent': this.http.userAgent ?? CLIENT_ID,
      ...headers
    }
    const options: https.RequestOptions = {
      method,
      host: bareHost(url),
      port: portOf(url),
      path: url.pathname + url.search,
      headers: all,
      signal
    }
    const proxy = getProxyUrl(url)
    if (!proxy) {
      options.agent = secure ? this.httpsAgent : this.httpAgent
      return { options, parsedUrl: url, httpModule: secure ? https : http }
    }
    const proxyAuthorization = proxyAuth(proxy)
    if (secure) {
      // No agent: the tunnel hands the request a ready TLS socket.
      options.createConnection = (_opts, done) => {
        this.tunnel(proxy, url, proxyAuthorization, done)
        return undefined
      }
      return { options, parsedUrl: url, httpModule: https }
    }
    // Plain http through a proxy: absolute-URI request to the proxy.
    options.host = bareHost(proxy)
    options.port = portOf(proxy)
    options.path = url.href
    all.host = url.host
    if (proxyAuthorization) all['proxy-authorization'] = proxyAuthorization
    const overTls = proxy.protocol === 'https:'
    options.agent = overTls
      ? new https.Agent({ keepAlive: false })
      : this.httpAgent
    return { options, parsedUrl: url, httpModule: overTls ? https : http }
  }

  /** Opens a CONNECT tunnel through `proxy` and starts TLS to `target`. */
  private tunnel(
    proxy: URL,
    target: URL,
    proxyAuthorization: string | undefined,
    done: (error: Error | null, socket: Duplex) => void
  ): void {
    const authority = `${target.hostname}:${portOf(target)}`
    const headers: http.OutgoingHttpHeaders = { host: authority }
    if (proxyAuthorization) headers['proxy-authorization'] = proxyAuthorization
    const module = proxy.protocol === 'https:' ? https : http
    const request = module.request({
      host: bareHost(proxy),
      port: portOf(proxy),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      timeout: this.timeoutMs
    })
    // With an error Node ignores the socket argument; the type wants one.
    const unused = new net.Socket()
    const fail = (message: string, cause?: unknown): void =>
      done(new TransportError(message, 'EPROXY', { cause }), unused)
    request.once(
      'connect',
      (answer: http.IncomingMessage, socket: net.Socket) => {
        if (answer.statusCode !== 200) {
          socket.destroy()
          fail(
            `the proxy ${proxy.host} answered ${answer.statusCode} to CONNECT ${authority}`
          )
          return
        }
        const host = bareHost(target)
        const secure = tls.connect({
          ...this.tlsOptions,
          socket,
          host,
          servername: net.isIP(host) ? undefined : host
        })
        done(null, secure)
      }
    )
    request.once('timeout', () =>
      request.destroy(
        new TransportError(
          `the proxy ${proxy.host} did not answer`,
          'ETIMEDOUT'
        )
      )
    )
    request.once('error', error =>
      error instanceof TransportError
        ? done(error, unused)
        : fail(
            `the proxy ${proxy.host} could not be reached (${errorMessage(error)})`,
            error
          )
    )
    request.end()
  }
}

function tries(answer: Answer): string {
  return answer.attempts > 1 ? ` after ${answer.attempts} attempts` : ''
}

/** Basic Proxy-Authorization from the proxy URL's (decoded) user info. */
function proxyAuth(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined
  const pair = `${proxy.username}:${proxy.password}`
  return 'Basic ' + Buffer.from(pair, 'utf8').toString('base64')
}

/** The redirect target; refuses non-HTTP schemes and https -> http. */
function nextLocation(from: URL, location: string): URL {
  let next: URL
  try {
    next = new URL(location, from)
  } catch {
    throw new Failure(
      `the registry redirected to an invalid location "${location.slice(0, 200)}"`,
      "Check the 'registry' input."
    )
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:')
    throw new Failure(
      `the registry redirected to a non-HTTP location (${next.protocol})`,
      "Check the 'registry' input."
    )
  if (from.protocol === 'https:' && next.protocol === 'http:')
    throw new Failure(
      `the registry redirected from https to plain http (${shown(next)}); refusing the downgrade`,
      "Check the 'registry' input, or ask the registry operator."
    )
  return next
}

/** A well-formed Docker-Content-Digest header, if any. */
function headerDigest(answer: Answer): string | undefined {
  const header = answer.headers['docker-content-digest']
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  return value && DIGEST.test(value) ? value : undefined
}

/** The manifest of an answer, its digest checked against what was claimed. */
function checkedManifest(answer: Answer, reference: string): Manifest {
  const digest = sha256(answer.body)
  const claimed = headerDigest(answer)
  const fix =
    'The registry (or something between it and the runner) altered the manifest; retry, or check the registry.'
  if (claimed && SHA256_DIGEST.test(claimed) && claimed !== digest)
    throw new Failure(
      `the registry's Docker-Content-Digest ${claimed} does not match the manifest it served (${digest})`,
      fix
    )
  if (SHA256_DIGEST.test(reference) && reference !== digest)
    throw new Failure(
      `the registry served a manifest with digest ${digest} for ${reference}`,
      fix
    )
  return { digest, mediaType: mediaTypeOf(answer), body: answer.body }
}

function mediaTypeOf(answer: Answer): string {
  const header = answer.headers['content-type']?.split(';')[0].trim()
  if (header && header !== 'application/json' && header !== 'text/plain')
    return header
  try {
    const parsed = JSON.parse(answer.body.toString('utf8')) as {
      mediaType?: unknown
    }
    if (typeof parsed.mediaType === 'string') return parsed.mediaType
  } catch {
    // Not JSON: fall back to whatever the header said.
  }
  return header ?? ''
}
