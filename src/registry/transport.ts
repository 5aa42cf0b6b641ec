// Requests to the registry and its token service: one try within a timeout,
// transient failures retried (with the registry's Retry-After), and redirects
// followed by hand so that credentials stay on the registry's own origin.
//
// Requests go through send.ts (one node:http(s) request; its response
// handling); `connect.ts` says how each request reaches its server.
import type { Answer } from './answer.js'
import type http from 'node:http'
import { sendRequest, userAgent } from './send.js'
import { withRetry, type RetryPolicy, type Transience } from '../retry.js'
import { Connector, TransportError } from './connect.js'
import {
  BODY_REDIRECT_STATUSES,
  MAX_REDIRECTS,
  REDIRECT_STATUSES,
  redirectTarget,
  sameOrigin
} from './redirects.js'
import {
  describeTransportError,
  Failure,
  isRetryableStatus,
  isTransientError,
  shown
} from './failures.js'

export interface TransportOptions {
  /** http(s)://host[:port] of the registry: the one origin given credentials. */
  origin: string
  /** PEM bundle of CAs to trust in addition to the default ones. */
  caFile?: string
  /** Skip verification of the registry's TLS certificate. */
  insecureSkipTlsVerify: boolean
  retry: RetryPolicy
  /** Limit of one request, answer body included. */
  timeoutMs: number
}

/**
 * One request: `limit` bounds the answer's body that is read. A Buffer body
 * is sent whole on every try (and every redirect hop), from its start.
 */
export interface Request {
  method: string
  url: URL
  headers: http.OutgoingHttpHeaders
  body?: string | Buffer
  limit: number
}

/** How the action introduces itself: User-Agent, OAuth2 client_id. */
export const CLIENT_ID = 'helm-oci-release'

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
 * A retryable answer, thrown inside the retry loop so that the loop treats
 * it like a failure; the last one is returned, not thrown.
 */
class RetryableAnswer extends Error {
  constructor(readonly answer: Answer) {
    super(`HTTP ${answer.status}`)
  }
}

/** Whether, and when, a try is worth repeating. */
function transience(error: unknown): Transience {
  if (!(error instanceof RetryableAnswer)) return isTransientError(error)
  const { status, headers } = error.answer
  // Only rate limiting and unavailability come with a meaningful Retry-After.
  if (status !== 429 && status !== 503) return true
  const header = headers['retry-after']
  const afterMs = retryAfterMs(Array.isArray(header) ? header[0] : header)
  return afterMs === undefined ? true : { afterMs }
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

/** The redirect target; refuses non-HTTP schemes and https -> http. */
function nextLocation(from: URL, location: string): URL {
  const target = redirectTarget(from, location)
  if (target.ok) return target.url
  if (target.problem === 'invalid')
    throw new Failure(
      `the registry redirected to an invalid location "${location.slice(0, 200)}"`,
      "Check the 'registry' input."
    )
  if (target.problem === 'not-http')
    throw new Failure(
      `the registry redirected to a non-HTTP location (${target.protocol})`,
      "Check the 'registry' input."
    )
  throw new Failure(
    `the registry redirected from https to plain http (${shown(target.url)}); refusing the downgrade`,
    "Check the 'registry' input, or ask the registry operator."
  )
}

/** Sends requests to one registry (and the services it names). */
export class Transport {
  readonly origin: string
  private readonly options: TransportOptions
  private readonly connector: Connector

  constructor(options: TransportOptions) {
    this.options = options
    this.origin = options.origin
    this.connector = new Connector({
      caFile: options.caFile,
      insecureSkipTlsVerify: options.insecureSkipTlsVerify,
      timeoutMs: options.timeoutMs,
      userAgent: userAgent(CLIENT_ID)
    })
  }

  /**
   * A request that follows redirects (at most MAX_REDIRECTS), sending
   * `authorization` only to the registry's origin: a redirect to storage
   * elsewhere must not carry the registry's credentials. A write (PUT, POST)
   * follows only 307 and 308, the redirects that keep method and body.
   */
  async followRedirects(
    request: Request,
    authorization: string | undefined
  ): Promise<Answer> {
    const read = request.method === 'GET' || request.method === 'HEAD'
    const statuses = read ? REDIRECT_STATUSES : BODY_REDIRECT_STATUSES
    let url = request.url
    for (let hop = 0; ; hop++) {
      const answer = await this.exchange({
        ...request,
        url,
        headers: this.withAuthorization(url, request.headers, authorization)
      })
      const location = answer.headers.location
      if (!statuses.has(answer.status) || !location) return answer
      if (hop >= MAX_REDIRECTS)
        throw new Failure(
          `the registry redirected more than ${MAX_REDIRECTS} times (last to ${shown(url)})`,
          "Check the 'registry' input."
        )
      url = nextLocation(url, location)
    }
  }

  /** `headers` with Authorization when `url` is on the registry's origin. */
  withAuthorization(
    url: URL,
    headers: http.OutgoingHttpHeaders,
    authorization: string | undefined
  ): http.OutgoingHttpHeaders {
    if (authorization === undefined || !sameOrigin(url, this.origin))
      return headers
    return { ...headers, authorization }
  }

  /**
   * One request with retries of transient failures. The last answer is
   * returned even when it is a retryable one (its status says what failed);
   * a failed try becomes a Failure that names the cause and the fix.
   */
  async exchange(request: Request): Promise<Answer> {
    let tries = 0
    try {
      return await withRetry(this.options.retry, transience, async attempt => {
        tries = attempt
        const answer = { ...(await this.send(request)), attempts: attempt }
        if (isRetryableStatus(answer.status)) throw new RetryableAnswer(answer)
        return answer
      })
    } catch (error) {
      if (error instanceof RetryableAnswer) return error.answer
      throw describeTransportError(error, request.url, tries)
    }
  }

  /** One try: the request, the answer and its body, within the timeout. */
  async send(request: Request): Promise<Answer> {
    const { timeoutMs } = this.options
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    try {
      const { method, url, body } = request
      const info = this.connector.requestInfo(
        method,
        url,
        request.headers,
        controller.signal
      )
      // Our own timer aborts first; the socket timeout is only a backstop.
      const message = await sendRequest(info, body, timeoutMs + 5_000)
      const read = await readBody(message, request.limit)
      const status = message.statusCode ?? 0
      return {
        status,
        headers: message.headers,
        ...read,
        url,
        attempts: 1
      }
    } catch (error) {
      if (timedOut)
        throw new TransportError(
          `no answer within ${timeoutMs} ms`,
          'ETIMEDOUT',
          {
            cause: error
          }
        )
      throw error
    } finally {
      clearTimeout(timer)
    }
  }
}
