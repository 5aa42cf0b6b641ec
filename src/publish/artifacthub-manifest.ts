// Artifact Hub repository metadata as an OCI artifact (pure): the manifest
// the release pushes as the `artifacthub.io` tag of a chart's repository, and
// what a manifest already at that tag is. The layout is Artifact Hub's
// documented one (artifacthub/hub docs/helm_charts_repositories.md, "OCI
// support": `oras push …:artifacthub.io --config
// /dev/null:application/vnd.cncf.artifacthub.config.v1+yaml
// artifacthub-repo.yml:application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml`),
// and Artifact Hub reads the layer of that media type at that tag
// (internal/repo/manager.go: `artifacthubTag`, `MetadataLayerMediaType`).
// The manifest is written without a creation time, so the same file always
// makes the same digest.
import { sha256 } from '../registry/manifest-answer.js'

/** The tag Artifact Hub reads repository metadata from. */
export const ARTIFACTHUB_TAG = 'artifacthub.io'
/** The config media type of the documented `oras push`. */
export const ARTIFACTHUB_CONFIG =
  'application/vnd.cncf.artifacthub.config.v1+yaml'
/** The layer Artifact Hub pulls: the artifacthub-repo.yml bytes. */
export const ARTIFACTHUB_LAYER =
  'application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml'
/** The OCI image manifest media type. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'

/** The blobs and manifest that make the artifact. */
export interface MetadataArtifact {
  /** The config blob: empty, as `--config /dev/null` makes it. */
  config: Buffer
  /** The layer: the file's bytes, as they are. */
  layer: Buffer
  manifest: Buffer
  /** sha256 of `manifest`. */
  digest: string
  /** sha256 of `layer`. */
  layerDigest: string
}

/** The artifact for an artifacthub-repo.yml's bytes. */
export function metadataArtifact(file: Buffer): MetadataArtifact {
  const config = Buffer.alloc(0)
  const layerDigest = sha256(file)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: ARTIFACTHUB_CONFIG,
        digest: sha256(config),
        size: 0
      },
      layers: [
        {
          mediaType: ARTIFACTHUB_LAYER,
          digest: layerDigest,
          size: file.length,
          annotations: {
            'org.opencontainers.image.title': 'artifacthub-repo.yml'
          }
        }
      ]
    })
  )
  return {
    config,
    layer: file,
    manifest,
    digest: sha256(manifest),
    layerDigest
  }
}

/** What a manifest at the `artifacthub.io` tag is. */
export type TagContent =
  { kind: 'metadata'; layerDigest: string } | { kind: 'other'; what: string }

interface Descriptor {
  mediaType?: unknown
  digest?: unknown
}

/**
 * Artifact Hub metadata (an image manifest whose config media type, or
 * artifactType, is Artifact Hub's, with one metadata layer), or something
 * else, described for the refusal.
 */
export function tagContent(mediaType: string, body: Buffer): TagContent {
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>
  } catch {
    return { kind: 'other', what: 'a manifest that is not JSON' }
  }
  const config = (parsed.config ?? {}) as Descriptor
  const layers = Array.isArray(parsed.layers)
    ? (parsed.layers as Descriptor[])
    : []
  const isImage = mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST
  const typed =
    config.mediaType === ARTIFACTHUB_CONFIG ||
    parsed.artifactType === ARTIFACTHUB_CONFIG
  const ours = layers.filter(l => l.mediaType === ARTIFACTHUB_LAYER)
  if (
    isImage &&
    typed &&
    ours.length === 1 &&
    typeof ours[0].digest === 'string'
  )
    return { kind: 'metadata', layerDigest: ours[0].digest }
  const type =
    typeof config.mediaType === 'string'
      ? `, config ${JSON.stringify(config.mediaType.slice(0, 100))}`
      : ''
  return {
    kind: 'other',
    what: `a ${JSON.stringify(mediaType.slice(0, 100))} manifest${type}`
  }
}
