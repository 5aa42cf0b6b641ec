// What a manifest read from a source registry holds, checked before anything
// is copied: a single image manifest (a Helm chart, a cosign signature, an
// attestation), its blobs, and the subject it refers to. A registry's answer
// can hold anything; what cannot be copied as it is becomes a Refused.
// Pure: no I/O.
import { UserError } from '../errors.js'
import type { Manifest } from '../registry/client.js'
import {
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  parseDescriptor,
  type OciDescriptor
} from '../registry/oci-index.js'

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
const IMAGE_MANIFESTS = new Set([OCI_IMAGE_MANIFEST, DOCKER_MANIFEST])
const INDEXES = new Set([OCI_IMAGE_INDEX, DOCKER_LIST])
// Blobs the mirror copies: what the registry client reads (digest-checked).
const SHA256 = /^sha256:[a-f0-9]{64}$/
/** One blob at most: Helm refuses chart archives past 100 MiB, as the client. */
export const BLOB_LIMIT = 100 * 1024 * 1024
/** A chart is one layer, a cosign signature one per signer: 100 is plenty. */
export const MAX_BLOBS = 100
/** All blobs of one manifest together. */
export const ARTIFACT_LIMIT = 256 * 1024 * 1024

/** A refusal to copy something as it is: recorded in the result, not thrown on. */
export class Refused extends UserError {
  constructor(message: string) {
    super(message)
    this.name = 'Refused'
  }
}

/** A single image manifest, ready to copy. */
export interface Artifact {
  manifest: Manifest
  /** Config and layers, each once, in manifest order. */
  blobs: OciDescriptor[]
  /** The digest of the manifest it refers to (`subject`), if any. */
  subject?: string
  /** Its descriptor in a referrers index (artifactType, annotations). */
  descriptor: OciDescriptor
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The artifact in `manifest` (what `where` names in messages); a Refused
 * for an image index (Helm charts are single manifests; an index is an image
 * for several platforms, not a chart), for anything that is not an image
 * manifest, and for blobs past the bounds.
 */
export function readArtifact(manifest: Manifest, where: string): Artifact {
  const { mediaType } = manifest
  if (INDEXES.has(mediaType))
    throw new Refused(
      `${where} is an image index (${mediaType}), not a single manifest: Helm charts ` +
        'are single OCI manifests, and the mirror copies charts only'
    )
  if (!IMAGE_MANIFESTS.has(mediaType))
    throw new Refused(
      `${where} has media type ${JSON.stringify(mediaType.slice(0, 100))}, not an OCI image manifest`
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(manifest.body.toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (!isRecord(parsed) || parsed.schemaVersion !== 2)
    throw new Refused(`${where} is not a schemaVersion 2 JSON manifest`)
  if (parsed.mediaType !== undefined && parsed.mediaType !== mediaType)
    throw new Refused(
      `${where} declares media type ${JSON.stringify(parsed.mediaType)} but is served as ${mediaType}`
    )
  const layers = Array.isArray(parsed.layers)
    ? (parsed.layers as unknown[])
    : []
  if (layers.length > MAX_BLOBS)
    throw new Refused(`${where} has more than ${MAX_BLOBS} layers`)
  const blobs = [parsed.config, ...layers].map((entry, i) =>
    checkedBlob(entry, i === 0 ? 'its config' : `its layer ${i}`, where)
  )
  const unique = [...new Map(blobs.map(b => [b.digest, b])).values()]
  const total = unique.reduce((sum, blob) => sum + blob.size, 0)
  if (total > ARTIFACT_LIMIT)
    throw new Refused(
      `${where} has ${total} bytes of blobs, more than the ${ARTIFACT_LIMIT / 1024 / 1024} MiB the mirror copies`
    )
  return {
    manifest,
    blobs: unique,
    subject: subjectDigest(parsed.subject),
    descriptor: descriptorOf(manifest, parsed)
  }
}

/** One blob descriptor, within what the mirror copies. */
function checkedBlob(
  entry: unknown,
  what: string,
  where: string
): OciDescriptor {
  let blob: OciDescriptor
  try {
    blob = parseDescriptor(entry, what)
  } catch {
    throw new Refused(`${where}: ${what} is not a valid descriptor`)
  }
  if (!SHA256.test(blob.digest))
    throw new Refused(
      `${where}: ${what} has digest ${blob.digest.slice(0, 100)}; the mirror copies sha256 blobs only`
    )
  if (blob.size > BLOB_LIMIT)
    throw new Refused(
      `${where}: ${what} is ${blob.size} bytes, more than the 100 MiB the mirror copies`
    )
  return blob
}

function subjectDigest(subject: unknown): string | undefined {
  if (!isRecord(subject)) return undefined
  return typeof subject.digest === 'string' ? subject.digest : undefined
}

/**
 * The manifest's descriptor as a referrers index lists it (OCI distribution
 * spec): media type, digest and size of its bytes, its artifactType (else
 * the config's media type) and its annotations.
 */
function descriptorOf(
  manifest: Manifest,
  parsed: Record<string, unknown>
): OciDescriptor {
  const config = isRecord(parsed.config) ? parsed.config.mediaType : undefined
  const artifactType =
    typeof parsed.artifactType === 'string' ? parsed.artifactType : config
  const annotations = isRecord(parsed.annotations)
    ? Object.fromEntries(
        Object.entries(parsed.annotations).filter(
          (pair): pair is [string, string] => typeof pair[1] === 'string'
        )
      )
    : undefined
  return {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.body.length,
    ...(typeof artifactType === 'string' ? { artifactType } : {}),
    ...(annotations ? { annotations } : {})
  }
}
