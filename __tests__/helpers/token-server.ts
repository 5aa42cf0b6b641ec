// A small token service like ghcr.io's or distribution's token auth: it checks
// Basic credentials (or grants anonymous pull when allowed), answers both the
// GET form (`?service=&scope=`) and the OAuth2 POST form, and signs RS256 JWTs
// that the real distribution registry verifies against `rootcertbundle`.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { makeSigningCertificate } from './tls.js'
import { removeDir, tempDir } from './paths.js'

// The registry checks tokens on the real clock, so they are minted on it,
// even while a test fakes the client's (`vi.useFakeTimers({ toFake: ['Date']
// })` replaces `Date`, not this function taken before).
const realNow = Date.now

/** What the token response looks like (the client tests vary it). */
export type TokenResponseMode =
  | 'both' // { token, access_token }
  | 'differing' // { token, access_token } where access_token is not valid
  | 'token' // { token } only
  | 'access_token' // { access_token } only
  | 'empty' // an empty body
  | 'no-token' // JSON without a token
  | 'not-json' // text/html
  | 'oversized' // valid JSON padded past 1 MiB

export interface TokenServerOptions {
  /** Users and their passwords (Basic on GET, grant_type=password on POST). */
  users?: Record<string, string>
  /** Grant `pull` to requests without credentials. */
  anonymousPull?: boolean
  /** Which actions a user gets on a repository (default: all requested). */
  grant?: (
    user: string | undefined,
    repository: string,
    wanted: string[]
  ) => string[]
  service?: string
  issuer?: string
  /** Status for every GET (e.g. 405 to force the POST fallback). */
  refuseGet?: number
  /** Status for every POST. */
  refusePost?: number
  mode?: TokenResponseMode
  /** `expires_in` of the answers and lifetime of the tokens; default 300 s. */
  expiresIn?: number
  /** PEM certificate and key: serve the token endpoint over TLS (a realm on https). */
  tls?: { certFile: string; keyFile: string }
}

export interface TokenRequest {
  method: 'GET' | 'POST'
  /** The authenticated user, or undefined when anonymous. */
  user?: string
  service?: string
  scopes: string[]
  /** The answer the server gave. */
  status: number
}

export interface TokenServer {
  /** http://127.0.0.1:port/token */
  realm: string
  service: string
  issuer: string
  /** The signer's certificate (PEM file), for the registry's rootcertbundle. */
  certFile: string
  /** Every token request, in order. */
  requests: TokenRequest[]
  /** Changes the answers from now on. */
  configure(change: Partial<TokenServerOptions>): void
  /** The registry `auth` section that trusts this server. */
  registryAuth(): Record<string, unknown>
  stop(): Promise<void>
}

interface Access {
  type: string
  name: string
  actions: string[]
}

const base64url = (data: Buffer | string): string =>
  Buffer.from(data).toString('base64url')

/** `repository:org/chart:pull,push` -> { type, name, actions }. */
function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first < 0 || last <= first) return undefined
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean)
  }
}

function signJwt(
  claims: Record<string, unknown>,
  key: crypto.KeyObject,
  certDer: string
): string {
  const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer] }
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  const signature = crypto.sign('sha256', Buffer.from(input), key)
  return `${input}.${base64url(signature)}`
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString()))
    req.on('error', reject)
  })
}

/** The user of a Basic header or password grant, if the password matches. */
function checkUser(
  users: Record<string, string>,
  username: string | undefined,
  password: string | undefined
): boolean {
  return (
    username !== undefined &&
    Object.hasOwn(users, username) &&
    users[username] === password
  )
}

function basicCredentials(
  header: string | undefined
): { username: string; password: string } | undefined {
  const match = /^basic\s+(\S+)$/i.exec(header ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString()
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1)
  }
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  type = 'application/json'
): void {
  res.writeHead(status, { 'content-type': type })
  res.end(body)
}

function tokenBody(
  mode: TokenResponseMode,
  token: string,
  expiresIn = 300
): [string, string] {
  const now = new Date(realNow()).toISOString()
  const expires_in = expiresIn
  const json = (o: object): [string, string] => [
    JSON.stringify(o),
    'application/json'
  ]
  switch (mode) {
    case 'token':
      return json({ token, expires_in, issued_at: now })
    case 'access_token':
      return json({ access_token: token, expires_in, issued_at: now })
    case 'empty':
      return ['', 'application/json']
    case 'no-token':
      return json({ expires_in })
    case 'not-json':
      return ['<html><body>Sign in</body></html>', 'text/html']
    case 'differing':
      // Docker's token spec: `token` wins, `access_token` is its OAuth2
      // alias. The alias here fails the signature check.
      return json({ token, access_token: `${token}x`, expires_in })
    case 'oversized':
      return json({ token, padding: 'x'.repeat(2 * 1024 * 1024) })
    default:
      return json({
        token,
        access_token: token,
        expires_in,
        issued_at: now
      })
  }
}

export async function startTokenServer(
  initial: TokenServerOptions = {}
): Promise<TokenServer> {
  const dir = tempDir('hor-token-')
  const signer = makeSigningCertificate(dir)
  const key = crypto.createPrivateKey(fs.readFileSync(signer.keyFile))
  const certDer = new crypto.X509Certificate(
    fs.readFileSync(signer.certFile)
  ).raw.toString('base64')
  let options: TokenServerOptions = { ...initial }
  const service = options.service ?? 'test-registry'
  const issuer = options.issuer ?? 'test-token-issuer'
  const requests: TokenRequest[] = []

  function grantFor(user: string | undefined, scopes: string[]): Access[] {
    const access: Access[] = []
    for (const scope of scopes) {
      const wanted = parseScope(scope)
      if (!wanted) continue
      let actions: string[]
      if (options.grant)
        actions = options.grant(user, wanted.name, wanted.actions)
      else if (user !== undefined) actions = wanted.actions
      else
        actions = options.anonymousPull
          ? wanted.actions.filter(a => a === 'pull')
          : []
      access.push({ ...wanted, actions })
    }
    return access
  }

  function issue(user: string | undefined, scopes: string[]): string {
    const now = Math.floor(realNow() / 1000)
    return signJwt(
      {
        iss: issuer,
        sub: user ?? '',
        aud: service, // a plain string: distribution 2.8 compares it as one
        exp: now + (options.expiresIn ?? 300),
        nbf: now - 10,
        iat: now,
        jti: crypto.randomUUID(),
        access: grantFor(user, scopes)
      },
      key,
      certDer
    )
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://token.local')
    const record = (r: Omit<TokenRequest, 'status'>, status: number): void => {
      requests.push({ ...r, status })
    }
    if (url.pathname !== '/token')
      return send(res, 404, '{"error":"not found"}')
    if (req.method === 'GET') {
      const scopes = url.searchParams
        .getAll('scope')
        .flatMap(s => s.split(' '))
        .filter(Boolean)
      const svc = url.searchParams.get('service') ?? undefined
      const basic = basicCredentials(req.headers.authorization)
      const entry = {
        method: 'GET' as const,
        user: basic?.username,
        service: svc,
        scopes
      }
      if (options.refuseGet) {
        record(entry, options.refuseGet)
        return send(res, options.refuseGet, '{"error":"GET is not supported"}')
      }
      if (
        basic &&
        !checkUser(options.users ?? {}, basic.username, basic.password)
      ) {
        record(entry, 401)
        res.setHeader('www-authenticate', 'Basic realm="token"')
        return send(
          res,
          401,
          '{"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]}'
        )
      }
      record(entry, 200)
      const [body, type] = tokenBody(
        options.mode ?? 'both',
        issue(basic?.username, scopes),
        options.expiresIn
      )
      return send(res, 200, body, type)
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req))
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean)
      const username = form.get('username') ?? undefined
      const entry = {
        method: 'POST' as const,
        user: username,
        service: form.get('service') ?? undefined,
        scopes
      }
      if (options.refusePost) {
        record(entry, options.refusePost)
        return send(res, options.refusePost, '{"error":"unsupported"}')
      }
      if (
        form.get('grant_type') !== 'password' ||
        !checkUser(
          options.users ?? {},
          username,
          form.get('password') ?? undefined
        )
      ) {
        record(entry, 401)
        return send(
          res,
          401,
          '{"error":"invalid_grant","error_description":"invalid username or password"}'
        )
      }
      record(entry, 200)
      const [body, type] = tokenBody(
        options.mode ?? 'both',
        issue(username, scopes),
        options.expiresIn
      )
      return send(res, 200, body, type)
    }
    send(res, 405, '{"error":"method not allowed"}')
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch(() =>
      send(res, 500, '{"error":"token server failed"}')
    )
  }
  const server = options.tls
    ? https.createServer(
        {
          cert: fs.readFileSync(options.tls.certFile),
          key: fs.readFileSync(options.tls.keyFile)
        },
        listener
      )
    : http.createServer(listener)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const realm = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/token`
  return {
    realm,
    service,
    issuer,
    certFile: signer.certFile,
    requests,
    configure(change) {
      options = { ...options, ...change }
    },
    registryAuth() {
      return {
        token: { realm, service, issuer, rootcertbundle: signer.certFile }
      }
    },
    async stop() {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
      removeDir(dir)
    }
  }
}
