// Loopback servers that misbehave on purpose, for the registry client tests:
// - a reverse proxy in front of a registry that answers 503 / 429 (with
//   Retry-After), resets connections or hangs, a few times or always, and that
//   records every request (so it doubles as the "sink" that tells whether an
//   Authorization header reached it);
// - a redirector that demands Basic credentials and then redirects elsewhere.
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }

export interface RecordedRequest {
  method: string
  path: string
  /** Whether the request carried an Authorization header. */
  authorization: boolean
  /** What the proxy did: 'forwarded' or the fault kind. */
  outcome: 'forwarded' | Fault['kind']
}

export interface FaultProxy {
  /** host:port of the proxy (127.0.0.1). */
  host: string
  port: number
  url: string
  requests: RecordedRequest[]
  /** Applies `fault` to the next `times` matching requests. */
  failNext(times: number, fault: Fault): void
  /** Applies `fault` to every matching request until `clear()`. */
  failAlways(fault: Fault): void
  clear(): void
  stop(): Promise<void>
}

export interface FaultProxyOptions {
  /** Which requests faults apply to (default: manifest requests). */
  match?: (method: string, path: string) => boolean
  /** Response headers to remove (e.g. docker-content-digest). */
  dropResponseHeaders?: string[]
  /**
   * Runs before a fault is applied, while the client waits for its answer:
   * a test makes something happen at that point of the exchange (a
   * competing push), in order, without polling.
   */
  onFault?: (request: RecordedRequest) => void
}

interface Server {
  server: http.Server
  port: number
  stop(): Promise<void>
}

/** Starts an HTTP(S) server on 127.0.0.1:0 that stops despite hung sockets. */
async function listen(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  tls?: { certFile: string; keyFile: string }
): Promise<Server> {
  const server = tls
    ? https.createServer(
        {
          cert: fs.readFileSync(tls.certFile),
          key: fs.readFileSync(tls.keyFile)
        },
        handler
      )
    : http.createServer(handler)
  const sockets = new Set<Socket>()
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

const manifests = (_method: string, path: string): boolean =>
  /\/manifests\//.test(path)

/** Forwards one request to `target` (http://host:port) and pipes the answer. */
function forward(
  target: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  drop: string[]
): void {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers
    },
    answer => {
      const headers = { ...answer.headers }
      for (const name of drop) delete headers[name.toLowerCase()]
      res.writeHead(answer.statusCode ?? 502, headers)
      answer.pipe(res)
    }
  )
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502)
    res.end()
  })
  req.pipe(upstream)
}

function applyFault(
  fault: Fault,
  req: http.IncomingMessage,
  res: http.ServerResponse
): void {
  switch (fault.kind) {
    case 'reset':
      req.socket.resetAndDestroy()
      return
    case 'hang':
      return // never answer; stop() destroys the socket
    default: {
      const headers: http.OutgoingHttpHeaders = {
        'content-type': 'application/json'
      }
      if (fault.retryAfter !== undefined)
        headers['retry-after'] = fault.retryAfter
      res.writeHead(fault.status, headers)
      res.end(
        fault.body ??
          JSON.stringify({
            errors: [
              { code: 'UNAVAILABLE', message: `injected ${fault.status}` }
            ]
          })
      )
    }
  }
}

/** A recording reverse proxy in front of `targetUrl` that injects faults. */
export async function startFaultProxy(
  targetUrl: string,
  options: FaultProxyOptions = {}
): Promise<FaultProxy> {
  const target = new URL(targetUrl)
  const match = options.match ?? manifests
  const requests: RecordedRequest[] = []
  let queue: Fault[] = []
  let always: Fault | undefined
  const server = await listen((req, res) => {
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    const fault = match(method, path) ? (queue.shift() ?? always) : undefined
    const request: RecordedRequest = {
      method,
      path,
      authorization: req.headers.authorization !== undefined,
      outcome: fault ? fault.kind : 'forwarded'
    }
    requests.push(request)
    if (!fault) {
      forward(target, req, res, options.dropResponseHeaders ?? [])
      return
    }
    options.onFault?.(request)
    applyFault(fault, req, res)
  })
  return {
    host: `127.0.0.1:${server.port}`,
    port: server.port,
    url: `http://127.0.0.1:${server.port}`,
    requests,
    failNext(times, fault) {
      for (let i = 0; i < times; i++) queue.push(fault)
    },
    failAlways(fault) {
      always = fault
    },
    clear() {
      queue = []
      always = undefined
      requests.length = 0
    },
    stop: server.stop
  }
}

export interface Redirector {
  host: string
  port: number
  /** Requests that arrived with an Authorization header. */
  authorized: number
  stop(): Promise<void>
}

/**
 * Answers 401 + `Basic` challenge without credentials and, once it gets the
 * expected ones, redirects (307) every request to `location + path`, e.g.
 * another port or another host name of the loopback.
 */
export async function startRedirector(options: {
  location: string
  username: string
  password: string
  /** Serve https with this certificate. */
  tls?: { certFile: string; keyFile: string }
}): Promise<Redirector> {
  const expected =
    'Basic ' +
    Buffer.from(`${options.username}:${options.password}`).toString('base64')
  const state = { authorized: 0 }
  const server = await listen((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, {
        'www-authenticate': 'Basic realm="redirector"',
        'content-type': 'application/json'
      })
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"login first"}]}')
      return
    }
    state.authorized++
    res.writeHead(307, { location: options.location + (req.url ?? '/') })
    res.end()
  }, options.tls)
  return {
    host: `127.0.0.1:${server.port}`,
    port: server.port,
    get authorized() {
      return state.authorized
    },
    stop: server.stop
  }
}
