// Authentication the way registries demand it, wrapped around the transport
// (like oras-go's auth.Client): a request goes out with what is known to
// work; a 401 names the scheme in its challenge (Basic, or Bearer with a token
// service), the answer is obtained and the request sent once more. Bearer
// tokens are cached per scope until they expire.
import type http from 'node:http'
import {
  challengeScopes,
  mergeScopes,
  parseWwwAuthenticate,
  type Challenge
} from './www-authenticate.js'
import { Failure, shown, tokenFailure } from './failures.js'
import type { Answer } from './answer.js'
import { CLIENT_ID, type Request, type Transport } from './transport.js'

export interface Credentials {
  username?: string
  /** Empty or absent: anonymous. */
  password?: string
}

/** A bearer token and how long it may be used. */
export interface Token {
  value: string
  lifetimeMs: number
}

/** Token answers are small; a huge one is a misconfigured realm. */
const TOKEN_LIMIT = 1024 * 1024
/** Docker's token spec: `expires_in` defaults to 60 seconds. */
const DEFAULT_TOKEN_LIFETIME_S = 60
/** Treated as expired this early, so a token does not lapse in flight. */
const TOKEN_EXPIRY_MARGIN_MS = 1_000
/** Token GET answers after which an OAuth2 POST may still succeed. */
const POST_FALLBACK_STATUSES = new Set([401, 403, 404, 405])

/**
 * Reads `token` (or, when absent, its OAuth2 alias `access_token`, as Docker's
 * token spec says) and `expires_in` from a token service's answer.
 */
export function parseToken(answer: Answer): Token {
  const where = `the token service ${shown(answer.url)}`
  const fix =
    "The registry's token service is misbehaving: check the 'registry' input, " +
    'or ask the registry operator.'
  if (answer.tooLarge)
    throw new Failure(`${where} answered more than 1 MiB`, fix)
  const record = jsonRecord(answer, where, fix)
  const token = [record.token, record.access_token].find(
    (value): value is string => typeof value === 'string' && value !== ''
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

/** The fields of a JSON answer ({} when it is JSON but not an object). */
function jsonRecord(
  answer: Answer,
  where: string,
  fix: string
): Record<string, unknown> {
  const text = answer.body.toString('utf8').trim()
  if (text === '') throw new Failure(`${where} answered an empty body`, fix)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const type = answer.headers['content-type'] ?? 'no content type'
    throw new Failure(`${where} did not answer JSON (${type})`, fix)
  }
  return typeof parsed === 'object' && parsed !== null
    ? (parsed as Record<string, unknown>)
    : {}
}

/** Sends registry requests with the credentials the registry asks for. */
export class Authenticator {
  /** Authorization header and expiry (epoch ms) per scope. */
  private readonly tokens = new Map<
    string,
    { header: string; expiresAt: number }
  >()
  /** The registry asked for Basic: send it from the start from now on. */
  private useBasic = false

  constructor(
    private readonly transport: Transport,
    private readonly credentials: Credentials
  ) {}

  /** Credentials were given (a password; a username alone is anonymous). */
  get hasCredentials(): boolean {
    return this.basicHeader() !== undefined
  }

  /**
   * A request to the registry for `scope` (e.g. `repository:x:pull`, or
   * `repository:x:pull,push` for a write), following redirects; a 401 from
   * the registry is answered once.
   */
  async request(request: Request, scope: string): Promise<Answer> {
    const sent = this.knownHeader(scope)
    const answer = await this.transport.followRedirects(request, sent)
    if (answer.status !== 401 || answer.url.origin !== this.transport.origin)
      return answer
    const challenges = parseWwwAuthenticate(answer.headers['www-authenticate'])
    const fresh = await this.authorize(challenges, scope)
    if (fresh === undefined || fresh === sent) return answer
    return this.transport.followRedirects(request, fresh)
  }

  /** The Authorization known to work for `scope`: its token, or Basic. */
  knownHeader(scope: string): string | undefined {
    const cached = this.tokens.get(scope)
    if (cached && Date.now() < cached.expiresAt) return cached.header
    this.tokens.delete(scope)
    return this.useBasic ? this.basicHeader() : undefined
  }

  /** Basic credentials; none without a password (empty = anonymous). */
  private basicHeader(): string | undefined {
    const { username, password } = this.credentials
    if (!password) return undefined
    const pair = `${username ?? ''}:${password}`
    return 'Basic ' + Buffer.from(pair, 'utf8').toString('base64')
  }

  /** The Authorization header a challenge asks for, or undefined. */
  private async authorize(
    challenges: Challenge[],
    scope: string
  ): Promise<string | undefined> {
    const bearer = challenges.find(
      challenge =>
        challenge.scheme === 'bearer' && challenge.params.realm !== undefined
    )
    if (bearer) {
      const token = await this.fetchToken(bearer, scope)
      const header = `Bearer ${token.value}`
      const expiresAt = Date.now() + token.lifetimeMs - TOKEN_EXPIRY_MARGIN_MS
      this.tokens.set(scope, { header, expiresAt })
      return header
    }
    const basic = this.basicHeader()
    if (basic && challenges.some(challenge => challenge.scheme === 'basic')) {
      this.useBasic = true
      return basic
    }
    return undefined
  }

  /** A token from the challenge's realm: GET, then the OAuth2 POST form. */
  private async fetchToken(
    challenge: Challenge,
    scope: string
  ): Promise<Token> {
    const realm = this.realmUrl(challenge.params.realm)
    const service = challenge.params.service
    // The challenge names what this request needs (pull for a HEAD); the
    // token is cached under `scope`, so it must cover that too.
    const scopes = mergeScopes([...challengeScopes(challenge), scope])
    const basic = this.basicHeader()
    const got = await this.tokenByGet(realm, service, scopes, basic)
    if (got.status === 200) return parseToken(got)
    const { username, password } = this.credentials
    if (!username || !password || !POST_FALLBACK_STATUSES.has(got.status))
      throw tokenFailure(got, basic !== undefined)
    // Some services only speak OAuth2 (RFC 6749 password grant).
    const form = new URLSearchParams({
      grant_type: 'password',
      username,
      password
    })
    if (service !== undefined) form.set('service', service)
    form.set('scope', scopes.join(' '))
    form.set('client_id', CLIENT_ID)
    const posted = await this.transport.exchange({
      method: 'POST',
      url: realm,
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded'
      },
      body: form.toString(),
      limit: TOKEN_LIMIT
    })
    if (posted.status === 200) return parseToken(posted)
    throw tokenFailure(posted, true)
  }

  /** Docker's token request: GET realm?service=...&scope=..., Basic if any. */
  private tokenByGet(
    realm: URL,
    service: string | undefined,
    scopes: string[],
    basic: string | undefined
  ): Promise<Answer> {
    const url = new URL(realm)
    if (service !== undefined) url.searchParams.set('service', service)
    for (const scope of scopes) url.searchParams.append('scope', scope)
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' }
    if (basic) headers.authorization = basic
    return this.transport.exchange({
      method: 'GET',
      url,
      headers,
      limit: TOKEN_LIMIT
    })
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
    if (this.transport.origin.startsWith('https:') && url.protocol === 'http:')
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
}
