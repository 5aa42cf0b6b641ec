// Where a blob upload goes on: the Location of the registry's 202 to
// `POST /v2/<name>/blobs/uploads/`, resolved and checked, with the digest that
// completes the upload appended. Pure: no I/O.
import { Failure, shown } from './failures.js'

const LOCATION_FIX =
  'The registry answered the upload with an unusable Location; retry, or ask the registry operator.'

/**
 * The URL that completes an upload with `PUT ...?digest=`. The Location may be
 * relative (resolved against the POST's URL) or absolute, and may carry its
 * own query (distribution's `_state`), which is kept byte for byte: it may be
 * signed, so it is appended to rather than re-encoded. Non-HTTP schemes and
 * an https -> http downgrade are refused; another origin is allowed, since
 * the transport sends credentials to the registry's origin only.
 */
export function uploadUrl(
  from: URL,
  location: string | string[] | undefined,
  digest: string
): URL {
  const value = Array.isArray(location) ? location[0] : location
  if (value === undefined || value.trim() === '')
    throw new Failure(
      'the registry started the upload without a Location to send it to',
      LOCATION_FIX
    )
  let url: URL
  try {
    url = new URL(value.trim(), from)
  } catch {
    throw new Failure(
      `the registry gave an invalid upload Location "${value.slice(0, 200)}"`,
      LOCATION_FIX
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Failure(
      `the registry gave a non-HTTP upload Location (${url.protocol})`,
      LOCATION_FIX
    )
  if (from.protocol === 'https:' && url.protocol === 'http:')
    throw new Failure(
      `the registry sends the upload from https to plain http (${shown(url)}); refusing the downgrade`,
      LOCATION_FIX
    )
  url.hash = ''
  const parameter = `digest=${encodeURIComponent(digest)}`
  // `search` is '' both without a query and with a bare '?'.
  url.search = url.search === '' ? parameter : `${url.search}&${parameter}`
  return url
}
