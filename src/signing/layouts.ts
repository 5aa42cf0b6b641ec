// How signatures sit next to a chart in the registry, per cosign's
// specifications (specs/SIGNATURE_SPEC.md and specs/BUNDLE_SPEC.md in
// sigstore/cosign). Pure: builds the JSON documents, pushes nothing.
//
// - cosign 2 ("legacy"): tag `sha256-<hex>.sig`, an OCI image manifest with one
//   Simple Signing layer per signature; signature, certificate, chain and the
//   Rekor promise (SET) and/or RFC 3161 timestamp in the layer's annotations.
// - cosign 3 ("bundle"): a Sigstore bundle v0.3 as the single layer of an OCI
//   artifact whose `subject` is the chart; found through the referrers API, or
//   the referrers tag `sha256-<hex>` (an OCI index) where the registry has none.
import { sha256Hex } from '../digest.js'
import {
  OCI_EMPTY,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  type OciDescriptor
} from '../registry/oci-index.js'
import type { SerializedBundle } from '../sigstore/signer.js'

export {
  OCI_EMPTY,
  OCI_IMAGE_INDEX as OCI_INDEX,
  OCI_IMAGE_MANIFEST as OCI_MANIFEST
}
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json'
export const EMPTY_BLOB = Buffer.from('{}')
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json'
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json'

export const ANNOTATION = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  rekorBundle: 'dev.sigstore.cosign/bundle',
  timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
  created: 'org.opencontainers.image.created'
} as const

/** An OCI content descriptor. */
export type Descriptor = OciDescriptor

export function sha256(bytes: Buffer): string {
  return `sha256:${sha256Hex(bytes)}`
}

export function describe(
  mediaType: string,
  bytes: Buffer,
  annotations?: Record<string, string>
): Descriptor {
  return {
    mediaType,
    digest: sha256(bytes),
    size: bytes.length,
    ...(annotations ? { annotations } : {})
  }
}

/** `sha256:abc` → `sha256-abc.sig`: where cosign 2 looks. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`
}

/** `sha256:abc` → `sha256-abc`: the referrers tag (OCI distribution-spec). */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-')
}

/** What a message-signature bundle holds, as bundleToJSON writes it. */
interface WireMaterial {
  certificate?: { rawBytes: string }
  x509CertificateChain?: { certificates?: { rawBytes: string }[] }
  // protobuf JSON leaves empty lists out: no Rekor, no `tlogEntries`.
  tlogEntries?: SerializedBundle['verificationMaterial']['tlogEntries']
  timestampVerificationData?: {
    rfc3161Timestamps?: { signedTimestamp: string }[]
  }
}

/**
 * The annotations `cosign sign` writes on a signature layer (pkg/oci/static:
 * options.go, signature.go), made from a message-signature bundle and the
 * chain Fulcio returned with its leaf: signature, leaf certificate and chain
 * (PEM), then what the instance witnessed: the Rekor entry as cosign's
 * `bundle` (SET + payload) where there is a log, the RFC 3161 timestamp
 * where there is a timestamp authority. Keys in Go's order (sorted), as
 * encoding/json writes cosign's map.
 */
export function cosignAnnotations(
  bundle: SerializedBundle,
  chain: string[]
): Record<string, string> {
  const signature = bundle.messageSignature?.signature
  const material: WireMaterial = bundle.verificationMaterial
  const der = leafCertificate(material)
  if (!signature || !der)
    throw new Error(
      'the Sigstore bundle has no message signature or certificate'
    )
  const annotations: Record<string, string> = {
    [ANNOTATION.signature]: signature,
    [ANNOTATION.certificate]: toPem(der),
    // cosign writes the chain annotation whenever it writes a certificate.
    [ANNOTATION.chain]: chain.join('')
  }
  const entry = material.tlogEntries?.[0]
  const promise = entry?.inclusionPromise?.signedEntryTimestamp
  if (entry && promise)
    annotations[ANNOTATION.rekorBundle] = JSON.stringify({
      SignedEntryTimestamp: promise,
      Payload: {
        body: entry.canonicalizedBody,
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex')
      }
    })
  const stamp = material.timestampVerificationData?.rfc3161Timestamps?.[0]
  if (stamp)
    annotations[ANNOTATION.timestamp] = JSON.stringify({
      SignedRFC3161Timestamp: stamp.signedTimestamp
    })
  return Object.fromEntries(
    Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))
  )
}

/** The leaf certificate of a bundle's material, base64 DER. */
function leafCertificate(material: WireMaterial): string | undefined {
  if (material.certificate) return material.certificate.rawBytes
  return material.x509CertificateChain?.certificates?.[0]?.rawBytes
}

function toPem(base64Der: string): string {
  const lines = base64Der.match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

/**
 * The image config cosign's signature manifests carry (go-containerregistry's
 * empty image plus one layer per signature), so tools that read it as an
 * image find a valid one.
 */
export function signatureConfig(layers: Descriptor[]): Buffer {
  const epoch = '0001-01-01T00:00:00Z'
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: epoch,
      history: layers.map(() => ({ created: epoch })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map(l => l.digest) },
      config: {}
    })
  )
}

/** A cosign 2 signature manifest with `layers` (existing ones first). */
export function signatureManifest(
  config: Descriptor,
  layers: Descriptor[]
): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      config,
      layers
    })
  )
}

/** A descriptor in go-containerregistry's field order (v1.Descriptor). */
function goDescriptor(
  descriptor: Descriptor,
  artifactType?: string
): Record<string, unknown> {
  return {
    mediaType: descriptor.mediaType,
    size: descriptor.size,
    digest: descriptor.digest,
    ...(artifactType ? { artifactType } : {})
  }
}

/**
 * A cosign 3 bundle artifact as `cosign sign --new-bundle-format` writes it
 * (pkg/oci/remote/write.go: WriteAttestationNewBundleFormat, WriteReferrer):
 * the bundle as its one layer (no annotations), the empty config whose
 * descriptor names the artifact type too, the chart as its subject, the
 * annotations that tell bundles apart in a referrers list; fields in the
 * order encoding/json writes cosign's referrerManifest.
 */
export function bundleManifest(
  bundle: Descriptor,
  subject: Descriptor,
  annotations: Record<string, string>
): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      config: goDescriptor(describe(OCI_EMPTY, EMPTY_BLOB), BUNDLE_V03),
      layers: [goDescriptor(bundle)],
      annotations,
      subject: goDescriptor(subject),
      artifactType: BUNDLE_V03
    })
  )
}

/**
 * The annotations of a bundle artifact holding a DSSE statement, sorted as
 * Go writes the map; `created` in time.RFC3339, whole seconds, UTC.
 */
export function bundleAnnotations(
  predicateType: string,
  created: Date
): Record<string, string> {
  return {
    [ANNOTATION.content]: 'dsse-envelope',
    [ANNOTATION.predicateType]: predicateType,
    [ANNOTATION.created]: created.toISOString().replace(/\.\d+Z$/, 'Z')
  }
}

/**
 * The referrers index with `entry` added (once): what the referrers tag holds
 * on a registry without the referrers API. Entries already there are kept.
 */
export function referrersIndex(
  existing: Descriptor[],
  entry: Descriptor
): Buffer {
  const manifests = existing.some(m => m.digest === entry.digest)
    ? existing
    : [...existing, entry]
  return Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests })
  )
}
