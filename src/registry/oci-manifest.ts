// What a Helm chart's OCI manifest says. Pure: no I/O.
import { Failure } from './failures.js'
import { isDigest } from './reference.js'

/** The media type of the layer that holds the packaged chart (.tgz). */
export const HELM_CHART_LAYER =
  'application/vnd.cncf.helm.chart.content.v1.tar+gzip'

/** The media type of a chart's config blob: its Chart.yaml as JSON. */
export const HELM_CHART_CONFIG = 'application/vnd.cncf.helm.config.v1+json'

/** An image manifest's config blob, its digest checked. */
export interface ConfigBlob {
  mediaType: string
  digest: string
  body: Buffer
}

interface Descriptor {
  mediaType?: unknown
  digest?: unknown
}

/**
 * The digest of the chart layer in a manifest: `sha256:` of the .tgz Helm
 * pushed. Undefined when the manifest is not a Helm chart.
 */
export function chartLayerDigest(
  manifest: Buffer | string
): string | undefined {
  let parsed: { layers?: unknown }
  try {
    parsed = JSON.parse(manifest.toString()) as { layers?: unknown }
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed.layers)) return undefined
  const layer = (parsed.layers as Descriptor[]).find(
    l => l.mediaType === HELM_CHART_LAYER && typeof l.digest === 'string'
  )
  return layer?.digest as string | undefined
}

/**
 * True when a `helm push` failure looks transient (a 5xx or 429 from the
 * registry, a dropped or timed-out connection): worth another try.
 */
export function isTransientPushError(message: string): boolean {
  return /\b(429|5\d\d)\b|Too Many Requests|Service Unavailable|Bad Gateway|Gateway Time-?out|connection reset|broken pipe|unexpected EOF|\bEOF\b|i\/o timeout|TLS handshake timeout|connection refused/i.test(
    message
  )
}

/**
 * Whether a failed push is the registry refusing to overwrite an immutable
 * tag: ECR's ImageTagAlreadyExistsException, Harbor's "configured as
 * immutable", ACR's and others' "tag is immutable". Never worth a retry.
 */
export function isImmutableTagError(message: string): boolean {
  return /ImageTagAlreadyExists|\bimmutable\b/i.test(message)
}

/** The config descriptor of an image manifest: where the config blob is. */
export interface ConfigDescriptor {
  mediaType: string
  digest: string
  size: number
}

/**
 * The `config` descriptor of an OCI (or Docker) image manifest. An index or a
 * manifest without a well-formed config is a Failure: it is not a chart.
 */
export function configDescriptor(manifest: Buffer): ConfigDescriptor {
  let config: unknown
  try {
    config = (JSON.parse(manifest.toString('utf8')) as { config?: unknown })
      ?.config
  } catch {
    config = undefined
  }
  const { mediaType, digest, size } = (config ?? {}) as Record<string, unknown>
  if (
    typeof mediaType !== 'string' ||
    typeof digest !== 'string' ||
    !isDigest(digest) ||
    typeof size !== 'number'
  )
    throw new Failure(
      'the manifest has no config descriptor (it is not an image manifest, e.g. an index)',
      'Check that the reference is a chart Helm pushed.'
    )
  return { mediaType, digest, size }
}
