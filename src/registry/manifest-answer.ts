// A manifest answer of the registry, checked: its digest computed from the
// bytes and compared with what the registry and the reference claim, its
// media type read. Pure: no I/O.
import { sha256Hex } from '../digest.js'
import type { Answer } from './answer.js'
import { Failure } from './failures.js'
import { isDigest } from './reference.js'

/** A manifest as the registry serves it. */
export interface Manifest {
  /** sha256 digest of `body`, the manifest's exact bytes. */
  digest: string
  /** The media type, from Content-Type or the manifest's `mediaType`. */
  mediaType: string
  body: Buffer
}

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/

/** sha256 digest of bytes, in OCI form. */
export function sha256(body: Buffer): string {
  return `sha256:${sha256Hex(body)}`
}

/** A well-formed Docker-Content-Digest header, if any. */
export function headerDigest(answer: Answer): string | undefined {
  const header = answer.headers['docker-content-digest']
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  return value && isDigest(value) ? value : undefined
}

/** The manifest of an answer, its digest checked against what was claimed. */
export function checkedManifest(answer: Answer, reference: string): Manifest {
  const digest = sha256(answer.body)
  const claimed = headerDigest(answer)
  const fix =
    'The registry (or something between it and the runner) altered the manifest; retry, or check the registry.'
  if (claimed && SHA256_DIGEST.test(claimed) && claimed !== digest)
    throw new Failure(
      `the registry's Docker-Content-Digest ${claimed} does not match the manifest it served (${digest})`,
      fix
    )
  if (SHA256_DIGEST.test(reference) && reference !== digest)
    throw new Failure(
      `the registry served a manifest with digest ${digest} for ${reference}`,
      fix
    )
  return { digest, mediaType: mediaTypeOf(answer), body: answer.body }
}

/** The manifest's media type: Content-Type, unless it is a generic one. */
function mediaTypeOf(answer: Answer): string {
  const header = answer.headers['content-type']?.split(';')[0].trim()
  if (header && header !== 'application/json' && header !== 'text/plain')
    return header
  try {
    const parsed = JSON.parse(answer.body.toString('utf8')) as {
      mediaType?: unknown
    }
    if (typeof parsed.mediaType === 'string') return parsed.mediaType
  } catch {
    // Not JSON: fall back to whatever the header said.
  }
  return header ?? ''
}
