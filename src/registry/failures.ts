// What a failure talking to the registry means: whether a later try may not
// meet it (the transport retries those), and what the user is told, with the
// cause and the fix. Pure: no I/O.
import { UserError, errorMessage } from '../errors.js'
import { TRANSIENT_NETWORK_CODES } from '../retry.js'
import type { Answer } from './answer.js'
import { parseWwwAuthenticate } from './www-authenticate.js'

export const REACHABLE_FIX =
  "Check the 'registry' input and that the registry is reachable from the runner " +
  '(behind a proxy: HTTPS_PROXY / HTTP_PROXY / NO_PROXY).'
const CREDENTIALS_FIX =
  "Check the 'username' and 'password' inputs (a token needs read access to the repository)."
const SET_CREDENTIALS_FIX = "Set the 'username' and 'password' inputs."
const TLS_FIX =
  "Set the 'ca-file' input to the PEM bundle of the certificate authority " +
  "that signed the registry's certificate (or, for a test registry only, " +
  "'insecure-skip-tls-verify: true')."
/** Node's codes for a certificate chain that does not end at a trusted CA. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE'
])
// The shared codes, and a proxy that failed to connect us.
const TRANSIENT_CODES = new Set([...TRANSIENT_NETWORK_CODES, 'EPROXY'])

/** A failure with its cause and fix; public methods turn it into a UserError. */
export class Failure extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
    options: { cause?: unknown } = {}
  ) {
    super(reason, options)
  }
}

/** A failed try that a later one may not meet (connection, timeout, proxy). */
export function isTransientError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code !== undefined && TRANSIENT_CODES.has(code)
}

/**
 * An answer that a later try may not meet: rate limiting and server errors,
 * except 501 and 505, which say the request itself cannot be served.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505)
}

/** origin + path: what a message may show of a URL (no query, no userinfo). */
export function shown(url: URL): string {
  return url.origin + url.pathname
}

/** ` after N attempts` when the answer took retries, for messages. */
function afterTries(answer: Answer): string {
  return answer.attempts > 1 ? ` after ${answer.attempts} attempts` : ''
}

/** The UserError of a public method: `what` failed, why, and the fix. */
export function toUserError(what: string, error: unknown): UserError {
  if (error instanceof UserError) return error
  if (error instanceof Failure)
    return new UserError(`${what}: ${error.reason}. ${error.fix}`, {
      cause: error
    })
  return new UserError(`${what}: ${errorMessage(error)}. ${REACHABLE_FIX}`, {
    cause: error
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
  const parts = distributionErrors(record.errors)
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

/** `code: message` of each entry of a Distribution `errors` array. */
function distributionErrors(errors: unknown): string[] {
  if (!Array.isArray(errors)) return []
  const parts: string[] = []
  for (const item of errors as unknown[]) {
    if (typeof item !== 'object' || item === null) continue
    const { code, message } = item as Record<string, unknown>
    const text = [code, message].filter(part => typeof part === 'string')
    if (text.length > 0) parts.push(text.join(': '))
  }
  return parts
}

/** An error text fit for one message line (OpenSSL's reason only). */
function oneLine(text: string): string {
  const openssl = /SSL routines:[^:]*:([^:]+):/.exec(text)
  const line = (openssl ? openssl[1] : text).replace(/\s+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 200)}...` : line
}

/** The user-facing explanation of a failed try (TLS, DNS, refused, ...). */
export function describeTransportError(
  error: unknown,
  url: URL,
  attempts: number
): Failure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN'
  const detail = `${code}: ${oneLine(errorMessage(error))}`
  const tls = tlsFailure(code, url.host, detail)
  if (tls) return new Failure(tls.reason, tls.fix, { cause: error })
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : ''
  const host = url.host
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

/** The reason and fix of a TLS failure, or undefined for other codes. */
function tlsFailure(
  code: string,
  host: string,
  detail: string
): { reason: string; fix: string } | undefined {
  if (UNTRUSTED_CERTIFICATE_CODES.has(code))
    return {
      reason: `the TLS certificate of ${host} is not trusted (${detail})`,
      fix: TLS_FIX
    }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      reason: `the TLS certificate of ${host} is not valid for that name (${detail})`,
      fix:
        "Use the registry name the certificate was issued for in the 'registry' input " +
        "(or, for a test registry only, 'insecure-skip-tls-verify: true')."
    }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return {
      reason: `the TLS certificate of ${host} is not valid now (${detail})`,
      fix: TLS_FIX
    }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_'))
    return {
      reason: `the TLS handshake with ${host} failed (${detail})`,
      fix:
        "If the registry serves plain HTTP, set 'plain-http: true'; otherwise check " +
        "the 'registry' input."
    }
  return undefined
}

/** Explains a token service's answer other than 200. */
export function tokenFailure(
  answer: Answer,
  withCredentials: boolean
): Failure {
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
          SET_CREDENTIALS_FIX
        )
  return new Failure(
    `${where} answered ${detail}${afterTries(answer)}`,
    isRetryableStatus(answer.status)
      ? "The registry's token service is failing; retry later."
      : REACHABLE_FIX
  )
}

/** A registry answer to explain, with what is known around it. */
export interface UnexpectedAnswer {
  answer: Answer
  repository: string
  /** The registry's error body (a HEAD answer has none: fetched by GET). */
  body: Buffer
  /** Credentials were given. */
  withCredentials: boolean
}

/** Explains an unexpected status of a registry request. */
export function statusFailure(unexpected: UnexpectedAnswer): Failure {
  const { answer, repository, withCredentials } = unexpected
  const message = registryErrorMessage(unexpected.body)
  const detail = `${answer.status}${message ? ` ${message}` : ''}`
  const challenges = parseWwwAuthenticate(answer.headers['www-authenticate'])
  const insufficient = challenges.some(
    challenge => challenge.params.error === 'insufficient_scope'
  )
  if (insufficient || answer.status === 403)
    return new Failure(
      `the registry denied pull access to ${repository} (${detail})`,
      `Give the ${withCredentials ? 'credentials' : 'anonymous user'} read (pull) access to ${repository}` +
        (withCredentials
          ? '.'
          : ", or set the 'username' and 'password' inputs.")
    )
  if (answer.status === 401)
    return withCredentials
      ? new Failure(
          `the registry refused the credentials (${detail})`,
          CREDENTIALS_FIX
        )
      : new Failure(
          `the registry requires authentication (${detail}) and no credentials were given`,
          SET_CREDENTIALS_FIX
        )
  return unavailableFailure(answer, detail)
}

/** Rate limits, server errors and the rest of the unexpected answers. */
function unavailableFailure(answer: Answer, detail: string): Failure {
  if (answer.status === 429)
    return new Failure(
      `the registry kept rate-limiting the requests (${detail})${afterTries(answer)}`,
      "Retry later, or log in ('username' / 'password') for a higher rate limit."
    )
  if (answer.status >= 500)
    return new Failure(
      `the registry kept failing (${detail})${afterTries(answer)}`,
      'The registry is unavailable; retry later or check its status.'
    )
  return new Failure(
    `the registry answered ${detail}`,
    "Check the 'registry' and 'repository' inputs."
  )
}
