// How a request reaches the registry: directly, through a CONNECT tunnel
// (https through a proxy), or as an absolute-URI request to an HTTP proxy.
//
// The proxy rules are @actions/http-client's (`getProxyUrl`: HTTPS_PROXY,
// HTTP_PROXY, NO_PROXY; loopback never proxied). Its own agents cannot take a
// CA bundle, so this module supplies the agents: node:https with the extra CA
// for direct connections, and its own tunnel that starts TLS with that CA.
//
// node:tls and node:https load on the first TLS connection (`secure()`):
// loading them costs more than the rest of the client, and a plain-HTTP
// registry (a loopback or in-cluster one) never needs them.
import fs from 'node:fs'
import http from 'node:http'
import type https from 'node:https'
import net from 'node:net'
import type tls from 'node:tls'
import type { Duplex } from 'node:stream'
import type { RequestInfo } from './send.js'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { UserError, errorMessage } from '../errors.js'

export interface ConnectOptions {
  /** PEM bundle of CAs to trust in addition to the default ones. */
  caFile?: string
  /** Skip verification of the registry's TLS certificate. */
  insecureSkipTlsVerify: boolean
  /** Limit of the proxy's answer to CONNECT. */
  timeoutMs: number
  userAgent: string
}

/** An error of one try: the connection, TLS, a timeout or the proxy. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options: { cause?: unknown } = {}
  ) {
    super(message, options)
  }
}

/** node:https and node:tls, loaded when first asked for (a sync require). */
function secure(): { https: typeof https; tls: typeof tls } {
  return {
    https: process.getBuiltinModule('node:https'),
    tls: process.getBuiltinModule('node:tls')
  }
}

/** Hostname without IPv6 brackets, as sockets want it. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

/** Basic Proxy-Authorization from the proxy URL's (decoded) user info. */
function proxyAuth(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined
  const pair = `${proxy.username}:${proxy.password}`
  return 'Basic ' + Buffer.from(pair, 'utf8').toString('base64')
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
  const { tls } = secure()
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

/** Makes the connection options of requests: agents, proxies and tunnels. */
export class Connector {
  private readonly tlsOptions: tls.ConnectionOptions
  private readonly httpAgent = new http.Agent({ keepAlive: false })
  private secureAgent?: https.Agent

  /** Reads the CA bundle now, so a bad `ca-file` fails before any request. */
  constructor(private readonly options: ConnectOptions) {
    this.tlsOptions = {
      rejectUnauthorized: !options.insecureSkipTlsVerify,
      ...(options.caFile ? { ca: trustedCas(options.caFile) } : {})
    }
  }

  /** The agent of direct https requests, made on the first one. */
  private get httpsAgent(): https.Agent {
    this.secureAgent ??= new (secure().https.Agent)({
      keepAlive: false,
      ...this.tlsOptions
    })
    return this.secureAgent
  }

  /** How to reach `url`: directly, through a CONNECT tunnel, or via an HTTP proxy. */
  requestInfo(
    method: string,
    url: URL,
    headers: http.OutgoingHttpHeaders,
    signal: AbortSignal
  ): RequestInfo {
    const isHttps = url.protocol === 'https:'
    const all: http.OutgoingHttpHeaders = {
      'user-agent': this.options.userAgent,
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
      options.agent = isHttps ? this.httpsAgent : this.httpAgent
      return {
        options,
        parsedUrl: url,
        httpModule: isHttps ? secure().https : http
      }
    }
    if (isHttps) {
      // No agent: the tunnel hands the request a ready TLS socket.
      options.createConnection = (_options, done) => {
        this.tunnel(proxy, url, done)
        return undefined
      }
      return { options, parsedUrl: url, httpModule: secure().https }
    }
    return this.viaHttpProxy(proxy, url, options, all)
  }

  /** Plain http through a proxy: an absolute-URI request to the proxy. */
  private viaHttpProxy(
    proxy: URL,
    url: URL,
    options: https.RequestOptions,
    headers: http.OutgoingHttpHeaders
  ): RequestInfo {
    options.host = bareHost(proxy)
    options.port = portOf(proxy)
    options.path = url.href
    headers.host = url.host
    const proxyAuthorization = proxyAuth(proxy)
    if (proxyAuthorization) headers['proxy-authorization'] = proxyAuthorization
    const overTls = proxy.protocol === 'https:'
    options.agent = overTls
      ? new (secure().https.Agent)({ keepAlive: false })
      : this.httpAgent
    return {
      options,
      parsedUrl: url,
      httpModule: overTls ? secure().https : http
    }
  }

  /** Opens a CONNECT tunnel through `proxy` and starts TLS to `target`. */
  private tunnel(
    proxy: URL,
    target: URL,
    done: (error: Error | null, socket: Duplex) => void
  ): void {
    const authority = `${target.hostname}:${portOf(target)}`
    const request = this.connectRequest(proxy, authority)
    // With an error Node ignores the socket argument; the type wants one.
    const unused = new net.Socket()
    const fail = (message: string, cause?: unknown): void =>
      done(new TransportError(message, 'EPROXY', { cause }), unused)
    request.once(
      'connect',
      (answer: http.IncomingMessage, socket: net.Socket) => {
        if (answer.statusCode === 200)
          return done(null, this.startTls(socket, target))
        socket.destroy()
        fail(
          `the proxy ${proxy.host} answered ${answer.statusCode} to CONNECT ${authority}`
        )
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

  /** `CONNECT host:port` to the proxy, with its credentials if it has any. */
  private connectRequest(proxy: URL, authority: string): http.ClientRequest {
    const headers: http.OutgoingHttpHeaders = { host: authority }
    const proxyAuthorization = proxyAuth(proxy)
    if (proxyAuthorization) headers['proxy-authorization'] = proxyAuthorization
    const module = proxy.protocol === 'https:' ? secure().https : http
    return module.request({
      host: bareHost(proxy),
      port: portOf(proxy),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      timeout: this.options.timeoutMs
    })
  }

  /** TLS to `target` over the tunnel, verified as a direct connection is. */
  private startTls(socket: net.Socket, target: URL): tls.TLSSocket {
    const host = bareHost(target)
    return secure().tls.connect({
      ...this.tlsOptions,
      socket,
      host,
      // SNI takes names only, never addresses.
      servername: net.isIP(host) ? undefined : host
    })
  }
}
