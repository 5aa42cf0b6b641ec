// Whether a chart already carries a signature or an attestation by this
// workflow: a re-run of a release whose signing failed (`if-exists: skip`)
// signs what is missing and nothing twice. The check reads identities and
// subjects; it is not a verification (verifiers do that with their trust
// roots) — a forged entry could only make the action skip, never publish.
import {
  BUNDLE_V03,
  ANNOTATION,
  signatureTag,
  SIMPLE_SIGNING,
  type Descriptor
} from './layouts.js'
import {
  bundleFacts,
  certificateIdentities,
  parseDescriptors,
  simpleSigningDigest
} from './documents.js'
import { listReferrers, type SignatureRegistry } from './store.js'

/** Entries looked at per chart: a bound against a registry that lists thousands. */
const MAX_CANDIDATES = 50
/** Signatures and bundles are kilobytes; anything larger is not one of ours. */
const MAX_DOCUMENT_BYTES = 1024 * 1024

/** Whether the `.sig` manifest of `digest` has a layer signed by `identity` for it. */
export async function hasCosignSignature(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
  identity: string
): Promise<boolean> {
  const manifest = await registry.getManifest(repository, signatureTag(digest))
  const layers = manifest
    ? (parseDescriptors(manifest.body, 'layers') ?? [])
    : []
  const ours = layers
    .filter(
      layer =>
        layer.mediaType === SIMPLE_SIGNING &&
        layer.size <= MAX_DOCUMENT_BYTES &&
        certificateIdentities(
          layer.annotations?.[ANNOTATION.certificate] ?? ''
        ).includes(identity)
    )
    .slice(0, MAX_CANDIDATES)
  for (const layer of ours) {
    const payload = await registry.getBlob(repository, layer.digest)
    if (simpleSigningDigest(payload) === digest) return true
  }
  return false
}

/**
 * The digest of a bundle referrer of `digest` with a `predicateType`
 * statement about it signed by `identity`, or undefined.
 */
export async function findBundleReferrer(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
  identity: string,
  predicateType: string
): Promise<string | undefined> {
  const referrers = await listReferrers(registry, repository, digest)
  const candidates = referrers
    .filter(
      r =>
        r.artifactType === BUNDLE_V03 &&
        r.annotations?.[ANNOTATION.predicateType] === predicateType
    )
    .slice(0, MAX_CANDIDATES)
  for (const candidate of candidates) {
    if (await isOurBundle(registry, repository, candidate, identity, digest))
      return candidate.digest
  }
  return undefined
}

async function isOurBundle(
  registry: SignatureRegistry,
  repository: string,
  referrer: Descriptor,
  identity: string,
  digest: string
): Promise<boolean> {
  if (referrer.size > MAX_DOCUMENT_BYTES) return false
  const manifest = await registry.getManifest(repository, referrer.digest)
  const layer = manifest && parseDescriptors(manifest.body, 'layers')?.[0]
  if (!layer || layer.mediaType !== BUNDLE_V03) return false
  if (layer.size > MAX_DOCUMENT_BYTES) return false
  const facts = bundleFacts(await registry.getBlob(repository, layer.digest))
  return Boolean(
    facts &&
    facts.identities.includes(identity) &&
    facts.predicateType === referrer.annotations?.[ANNOTATION.predicateType] &&
    facts.subjects.includes(digest)
  )
}
