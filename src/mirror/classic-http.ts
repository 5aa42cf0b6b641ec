// One GET from a classic Helm repository, its redirects followed by hand by
// the registry's rules (registry/redirects: at most MAX_REDIRECTS hops, a
// relative Location resolved, non-HTTP and https -> http refused) over the
// registry's connection code (registry/connect: proxies and TLS; send: one
// node:http(s) request). @actions/http-client, used before, read the whole
// body of a redirect before following it (a body that never ends filled the
// memory), and kept the Authorization header on another port of the same
// host. Here a redirect's body is never read, and each hop carries the
// credentials only when it is on the repository's own origin (scheme, host
// and port), as Helm does without --pass-credentials. Never in a URL, never
// logged.
import type { IncomingMessage } from 'node:http'
import { errorMessage, UserError } from '../errors.js'
import { Connector } from '../registry/connect.js'
import { shown } from '../registry/failures.js'
import {
  MAX_REDIRECTS,
  REDIRECT_STATUSES,
  redirectTarget,
  sameOrigin
} from '../registry/redirects.js'
import { sendRequest, userAgent } from '../registry/send.js'
import { CLIENT_ID } from '../registry/transport.js'
import {
  TRANSIENT_NETWORK_CODES,
  withRetry,
  type RetryPolicy
} from '../retry.js'

/** The source credentials and how hard to try; none of it is logged. */
export interface ClassicOptions {
  username?: string
  password?: string
  retry?: RetryPolicy
  /** A connection silent this long fails the request (default 60 s). */
  timeoutMs?: number
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000
}

/** An HTTP answer other than 200, worded for the user. */
class StatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof StatusError)
    return error.status >= 500 || error.status === 408 || error.status === 429
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code !== undefined && TRANSIENT_NETWORK_CODES.includes(code)
}

/**
 * GETs `url` (redirects followed, transient failures retried) and hands the
 * 200 answer to `consume`, which reads its body within its own bound; any
 * other answer is a UserError that names the URL and what to check.
 */
export async function fetchBody<T>(
  url: string,
  repoUrl: string,
  options: ClassicOptions,
  consume: (message: IncomingMessage) => Promise<T>
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const connector = new Connector({
    insecureSkipTlsVerify: false,
    timeoutMs,
    userAgent: userAgent(CLIENT_ID)
  })
  const hops = new Hops(connector, repoUrl, basicAuth(options), timeoutMs)
  try {
    return await withRetry(
      options.retry ?? DEFAULT_RETRY,
      isTransient,
      async () => {
        const message = await hops.follow(new URL(url))
        try {
          const status = message.statusCode ?? 0
          if (status !== 200) throw new StatusError(status)
          return await consume(message)
        } finally {
          message.destroy()
        }
      }
    )
  } catch (error) {
    throw classicFailure(url, error, options.password !== undefined)
  }
}

/** `Basic` credentials, when a password was given. */
function basicAuth(options: ClassicOptions): string | undefined {
  if (!options.password) return undefined
  const pair = `${options.username ?? ''}:${options.password}`
  return 'Basic ' + Buffer.from(pair).toString('base64')
}

/** The requests of one GET: a hop per redirect, the credentials by origin. */
class Hops {
  constructor(
    private readonly connector: Connector,
    private readonly repoUrl: string,
    private readonly authorization: string | undefined,
    private readonly timeoutMs: number
  ) {}

  /** The first answer that is not a redirect; redirect bodies are never read. */
  async follow(first: URL): Promise<IncomingMessage> {
    let url = first
    for (let hop = 0; ; hop++) {
      const message = await this.get(url)
      const location = message.headers.location
      if (!REDIRECT_STATUSES.has(message.statusCode ?? 0) || !location)
        return message
      // Closed at the head: however long the body, none of it is read.
      message.destroy()
      if (hop >= MAX_REDIRECTS)
        throw new UserError(
          `${shown(first)} redirected more than ${MAX_REDIRECTS} times (last to ${shown(url)}). ` +
            'Check the repository URL; if it is right, tell the repository maintainers.'
        )
      url = next(url, location)
    }
  }

  private get(url: URL): Promise<IncomingMessage> {
    const headers: Record<string, string> = {}
    if (this.authorization && sameOrigin(url, this.repoUrl))
      headers.authorization = this.authorization
    const info = this.connector.requestInfo(
      'GET',
      url,
      headers,
      new AbortController().signal
    )
    return sendRequest(info, undefined, this.timeoutMs)
  }
}

/** The next hop; a Location that must not be followed is refused. */
function next(from: URL, location: string): URL {
  const target = redirectTarget(from, location)
  if (target.ok) return target.url
  const where =
    target.problem === 'invalid'
      ? `an invalid location ${JSON.stringify(location.slice(0, 200))}`
      : target.problem === 'not-http'
        ? `a non-HTTP location (${target.protocol})`
        : `plain http (${shown(target.url)}), from https: the mirror refuses the downgrade`
  throw new UserError(
    `${shown(from)} redirected to ${where}. Check the repository URL; if it is right, ` +
      'the repository is misconfigured: tell its maintainers.'
  )
}

/** A failed GET, worded with what to check. */
function classicFailure(
  url: string,
  error: unknown,
  withCredentials: boolean
): UserError {
  if (error instanceof UserError) return error
  if (error instanceof StatusError) {
    const fix =
      error.status === 401 || error.status === 403
        ? withCredentials
          ? 'Check the username and password given for the repository.'
          : 'The repository wants credentials: give its username and password.'
        : error.status === 404
          ? 'Check the repository URL and the chart name.'
          : 'The repository is failing; retry later.'
    return new UserError(`Could not read ${url}: ${error.message}. ${fix}`, {
      cause: error
    })
  }
  return new UserError(
    `Could not read ${url}: ${errorMessage(error).slice(0, 300)}. Check the URL and the network.`,
    { cause: error }
  )
}
