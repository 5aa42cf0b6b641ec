// What a registry's refusal of a write means: missing push permission, an
// immutable tag, an artifact type the registry does not take, a manifest that
// refers to content the repository lacks. Everything else is worded as for
// reads (failures.ts). Pure: no I/O.
import { Failure, registryErrorMessage, statusFailure } from './failures.js'
import type { UnexpectedAnswer } from './failures.js'
import { isImmutableTagError } from './oci-manifest.js'
import { parseWwwAuthenticate } from './www-authenticate.js'

/** What was written: a blob, or a manifest with what it says it is. */
export type WriteTarget =
  | { kind: 'blob' }
  | {
      kind: 'manifest'
      /** The tag or digest it was pushed to. */
      reference: string
      /** Whether `reference` is a tag (only a tag can be immutable). */
      byTag: boolean
      mediaType: string
      artifactType?: string
    }

/** A refused write, with what is known around it. */
export interface RefusedWrite extends UnexpectedAnswer {
  target: WriteTarget
}

/** Distribution error codes of an answer body (`errors[].code`). */
function errorCodes(body: Buffer): Set<string> {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: unknown }
    if (!Array.isArray(parsed.errors)) return new Set()
    return new Set(
      (parsed.errors as unknown[]).flatMap(entry => {
        const code = (entry as { code?: unknown } | null)?.code
        return typeof code === 'string' ? [code] : []
      })
    )
  } catch {
    return new Set()
  }
}

const MEDIA_TYPE_CODES = [
  'MANIFEST_INVALID',
  'UNSUPPORTED',
  'MANIFEST_UNSUPPORTED'
]

/** Explains a registry's refusal of a blob upload or a manifest push. */
export function writeFailure(refused: RefusedWrite): Failure {
  const { answer, target } = refused
  const message = registryErrorMessage(refused.body)
  const detail = `${answer.status}${message ? ` ${message}` : ''}`
  const codes = errorCodes(refused.body)
  if (
    target.kind === 'manifest' &&
    target.byTag &&
    (answer.status === 409 ||
      codes.has('TAG_INVALID') ||
      isImmutableTagError(message ?? ''))
  )
    return new Failure(
      `the tag ${target.reference} is immutable: the registry refuses to overwrite it (${detail})`,
      'Push under another tag, or ask the registry operator to lift the tag immutability rule.'
    )
  const denied = accessFailure(refused, detail)
  if (denied) return denied
  if (target.kind === 'manifest') {
    if (
      answer.status === 415 ||
      MEDIA_TYPE_CODES.some(code => codes.has(code))
    ) {
      const artifact = target.artifactType
        ? ` (artifactType ${target.artifactType})`
        : ''
      return new Failure(
        `the registry rejects manifests of media type ${target.mediaType}${artifact} (${detail})`,
        'This registry does not accept that artifact type; use a registry that supports ' +
          'OCI 1.1 artifacts, or ask its operator to allow the media type.'
      )
    }
    if (codes.has('MANIFEST_BLOB_UNKNOWN'))
      return new Failure(
        `the manifest refers to content the repository does not have (${detail})`,
        'Push the blobs (and, for an index, the manifests) it refers to before the manifest.'
      )
  }
  return statusFailure(refused)
}

/** A refusal for want of push permission or credentials, or undefined. */
function accessFailure(
  refused: RefusedWrite,
  detail: string
): Failure | undefined {
  const { answer, repository, withCredentials } = refused
  const challenges = parseWwwAuthenticate(answer.headers['www-authenticate'])
  const insufficient = challenges.some(
    challenge => challenge.params.error === 'insufficient_scope'
  )
  const who = withCredentials ? 'credentials' : 'anonymous user'
  const lack = withCredentials ? 'lack' : 'lacks'
  if (insufficient || answer.status === 403)
    return new Failure(
      `the ${who} ${lack} push permission on ${repository} (${detail})`,
      `Give the ${who} write (push) access to ${repository}` +
        (withCredentials
          ? " (on ghcr.io with GITHUB_TOKEN: 'permissions: packages: write')."
          : ", or set the 'username' and 'password' inputs.")
    )
  if (answer.status !== 401) return undefined
  return withCredentials
    ? new Failure(
        `the registry refused the credentials for a push to ${repository} (${detail})`,
        `Check the 'username' and 'password' inputs: they need write (push) access to ${repository}.`
      )
    : new Failure(
        `the registry requires credentials to push to ${repository} (${detail}) and none were given`,
        "Set the 'username' and 'password' inputs (with write access)."
      )
}
