// The rules for following a redirect by hand, written once for the registry
// transport and the mirror's classic repositories: how many hops, which
// statuses, where a Location may lead, and which hops may carry credentials.
// Pure: the callers word the refusals for their users.

/** Hops followed at most; Go's client (Helm's) stops at 10. */
export const MAX_REDIRECTS = 5
/** Redirect statuses a read (GET, HEAD) follows. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([
  301, 302, 303, 307, 308
])
/**
 * Only these keep the method and body (RFC 9110); after the others a client
 * would switch to GET, which would silently turn a push into a read.
 */
export const BODY_REDIRECT_STATUSES: ReadonlySet<number> = new Set([307, 308])

/** Where a redirect leads, or why it must not be followed. */
export type RedirectTarget =
  | { ok: true; url: URL }
  /** The Location is not a URL, even relative to the request's. */
  | { ok: false; problem: 'invalid' }
  /** It leads out of HTTP (file:, ftp:, data:…). */
  | { ok: false; problem: 'not-http'; protocol: string }
  /** From https to plain http: what was private would travel in the clear. */
  | { ok: false; problem: 'downgrade'; url: URL }

/**
 * The target of a redirect from `from` to `location` (resolved against
 * `from`, so a relative Location works: RFC 9110 section 10.2.2).
 */
export function redirectTarget(from: URL, location: string): RedirectTarget {
  let url: URL
  try {
    url = new URL(location, from)
  } catch {
    return { ok: false, problem: 'invalid' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, problem: 'not-http', protocol: url.protocol }
  if (from.protocol === 'https:' && url.protocol === 'http:')
    return { ok: false, problem: 'downgrade', url }
  return { ok: true, url }
}

/**
 * Whether a request to `url` may carry the credentials of `origin`: only
 * when scheme, host and port are all the same (the URL standard's origin),
 * checked on every hop. Another port of the same host is another service;
 * Helm's getter compares scheme and host:port for that reason (pkg/getter/
 * httpgetter.go: "credentials are not passed between different services on
 * different ports"), where @actions/http-client compared host names only.
 */
export function sameOrigin(url: URL, origin: string): boolean {
  return url.origin === new URL(origin).origin
}
