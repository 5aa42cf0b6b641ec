// What a Helm chart's OCI manifest says. Pure: no I/O.

/** The media type of the layer that holds the packaged chart (.tgz). */
export const HELM_CHART_LAYER =
  'application/vnd.cncf.helm.chart.content.v1.tar+gzip'

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
