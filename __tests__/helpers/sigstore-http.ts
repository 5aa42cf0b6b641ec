// The HTTP plumbing the Sigstore doubles share: one node:http(s) server per
// service on its own loopback port (as each service has its own host), every
// request recorded, failures injected on demand, answers in the services'
// error shape (grpc-gateway / go-swagger: `{code, message}`).
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'

export type SigstoreService = 'oidc' | 'fulcio' | 'rekor' | 'tsa'

export interface SigstoreRequest {
  service: SigstoreService
  method: string
  /** Path and query. */
  path: string
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

export interface Reply {
  status: number
  body?: Buffer | string
  contentType?: string
  headers?: Record<string, string>
}

export type Route = (
  req: http.IncomingMessage,
  url: URL,
  body: Buffer
) => Promise<Reply>

/** A server certificate (PEM files) for serving under real host names. */
export interface ServedTls {
  certFile: string
  keyFile: string
}

interface PendingFailure extends FailureOptions {
  service: SigstoreService
  status: number
}

export function jsonReply(
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
export function errorReply(status: number, message: string): Reply {
  return jsonReply(status, { code: status, message })
}

export function isJson(req: http.IncomingMessage): boolean {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '')
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown
  } catch {
    return undefined
  }
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

export function viewBytes(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

export const sha256 = (data: Buffer | string): Buffer =>
  crypto.createHash('sha256').update(data).digest()

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** The servers of one double: their routes, records and injected failures. */
export class ServiceHost {
  readonly requests: SigstoreRequest[] = []
  private readonly failures: PendingFailure[] = []
  private readonly servers: http.Server[] = []

  constructor(private readonly tls?: ServedTls) {}

  /** Answers the next request(s) to a service with `status`. */
  failNext(
    service: SigstoreService,
    status: number,
    options: FailureOptions = {}
  ): void {
    this.failures.push({ service, status, times: 1, ...options })
  }

  clearFailures(): void {
    this.failures.length = 0
  }

  private takeFailure(service: SigstoreService): PendingFailure | undefined {
    const index = this.failures.findIndex(f => f.service === service)
    if (index < 0) return undefined
    const failure = this.failures[index]
    failure.times = (failure.times ?? 1) - 1
    if (failure.times <= 0) this.failures.splice(index, 1)
    return failure
  }

  /**
   * Serves `route` as `service` on a new loopback port (over TLS when the
   * host was given a certificate and `secure` is set); returns its base URL.
   */
  async serve(
    service: SigstoreService,
    route: Route,
    secure = false
  ): Promise<string> {
    const handler: http.RequestListener = (req, res) => {
      void this.answer(service, route, req, res)
    }
    const server =
      secure && this.tls
        ? https.createServer(
            {
              cert: fs.readFileSync(this.tls.certFile),
              key: fs.readFileSync(this.tls.keyFile)
            },
            handler
          )
        : http.createServer(handler)
    this.servers.push(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    return `${secure && this.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  }

  private async answer(
    service: SigstoreService,
    route: Route,
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double')
    const body = await readBody(req)
    const failure = this.takeFailure(service)
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
    this.requests.push({
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
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(async server => {
        server.closeAllConnections()
        await new Promise<void>(resolve => server.close(() => resolve()))
      })
    )
  }
}
