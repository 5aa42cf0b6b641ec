// OCI image indexes (what the referrers API answers and the referrers tag
// holds), their descriptors, and what a manifest says about its own type.
// Pure: no I/O.
import { Failure } from './failures.js'
import { isDigest } from './reference.js'

export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json'
/** The empty descriptor of OCI 1.1: the blob `{}`, for configs without content. */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json'
export const OCI_EMPTY_DIGEST =
  'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
export const OCI_EMPTY_SIZE = 2

/**
 * A content descriptor. Fields not named here (platform, urls, data) are kept
 * as they came, so an index read and written back loses nothing.
 */
export interface OciDescriptor {
  mediaType: string
  digest: string
  size: number
  artifactType?: string
  annotations?: Record<string, string>
}

/** An OCI image index (schemaVersion 2). */
export interface OciIndexBody {
  schemaVersion: 2
  mediaType?: string
  artifactType?: string
  manifests: OciDescriptor[]
  annotations?: Record<string, string>
}

const INDEX_FIX = 'Check the registry: it served a malformed image index.'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Annotations: an object of strings, or absent. */
function checkAnnotations(value: unknown, where: string): void {
  if (value === undefined) return
  if (
    !isRecord(value) ||
    Object.values(value).some(entry => typeof entry !== 'string')
  )
    throw new Failure(
      `${where} has annotations that are not an object of strings`,
      INDEX_FIX
    )
}

/** One descriptor of an index, checked: mediaType, digest and size. */
export function parseDescriptor(value: unknown, where: string): OciDescriptor {
  if (!isRecord(value))
    throw new Failure(`${where} is not a descriptor object`, INDEX_FIX)
  const { mediaType, digest, size, artifactType, annotations } = value
  if (typeof mediaType !== 'string' || mediaType === '')
    throw new Failure(`${where} has no mediaType`, INDEX_FIX)
  if (typeof digest !== 'string' || !isDigest(digest))
    throw new Failure(`${where} has no valid digest`, INDEX_FIX)
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new Failure(`${where} has no valid size`, INDEX_FIX)
  if (artifactType !== undefined && typeof artifactType !== 'string')
    throw new Failure(
      `${where} has an artifactType that is not a string`,
      INDEX_FIX
    )
  checkAnnotations(annotations, where)
  return value as unknown as OciDescriptor
}

/**
 * An OCI image index from its bytes: schemaVersion 2, the index media type
 * (when given), and a `manifests` array of descriptors. Anything else is a
 * Failure, so that a caller never adds to an index it misread.
 */
export function parseOciIndex(body: Buffer): OciIndexBody {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new Failure('the image index is not JSON', INDEX_FIX)
  }
  if (!isRecord(parsed))
    throw new Failure('the image index is not a JSON object', INDEX_FIX)
  const { schemaVersion, mediaType, artifactType, manifests, annotations } =
    parsed
  if (schemaVersion !== 2)
    throw new Failure(
      `the image index has schemaVersion ${JSON.stringify(schemaVersion) ?? 'none'}, not 2`,
      INDEX_FIX
    )
  if (mediaType !== undefined && mediaType !== OCI_IMAGE_INDEX)
    throw new Failure(
      `the image index has mediaType ${JSON.stringify(mediaType)}, not ${OCI_IMAGE_INDEX}`,
      INDEX_FIX
    )
  if (artifactType !== undefined && typeof artifactType !== 'string')
    throw new Failure(
      'the image index has an artifactType that is not a string',
      INDEX_FIX
    )
  if (!Array.isArray(manifests))
    throw new Failure('the image index has no manifests array', INDEX_FIX)
  checkAnnotations(annotations, 'the image index')
  manifests.forEach((entry: unknown, i) =>
    parseDescriptor(entry, `entry ${i} of the image index`)
  )
  return parsed as unknown as OciIndexBody
}

/** What a manifest says it is, for messages: its media and artifact types. */
export interface ManifestTypes {
  mediaType?: string
  /** `artifactType`, or else the config's media type unless it is empty. */
  artifactType?: string
}

/** The media and artifact types a manifest's bytes declare (none if not JSON). */
export function manifestTypes(bytes: Buffer): ManifestTypes {
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch {
    return {}
  }
  if (!isRecord(parsed)) return {}
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined
  const config = isRecord(parsed.config)
    ? text(parsed.config.mediaType)
    : undefined
  // OCI 1.1: without artifactType, the config's media type is the artifact's.
  const fromConfig = config === OCI_EMPTY ? undefined : config
  return {
    mediaType: text(parsed.mediaType),
    artifactType: text(parsed.artifactType) ?? fromConfig
  }
}
