// Puts signatures and attestations next to a chart in the registry, in the
// layouts of layouts.ts; what is already there is kept (other signers'
// layers, other referrers), and a tag holding something else is never
// overwritten.
import { UserError } from '../errors.js'
import type { RegistryReads, RegistryWrites } from '../registry/operations.js'
import type { SerializedBundle } from '../sigstore/signer.js'
import {
  BUNDLE_V03,
  bundleAnnotations,
  bundleManifest,
  describe,
  EMPTY_BLOB,
  OCI_IMAGE_CONFIG,
  OCI_INDEX,
  OCI_MANIFEST,
  referrersIndex,
  referrersTag,
  sha256,
  signatureConfig,
  signatureManifest,
  signatureTag,
  SIMPLE_SIGNING,
  type Descriptor
} from './layouts.js'
import { parseDescriptors } from './documents.js'

/** What signing needs of the registry: reads, and small writes. */
export type SignatureRegistry = Pick<RegistryReads, 'getManifest' | 'getBlob'> &
  Pick<RegistryWrites, 'pushBlob' | 'putManifest' | 'referrers'>

/**
 * Adds one cosign 2 signature layer to the `.sig` manifest of `digest`
 * (made when absent). Returns the manifest's tag and new digest.
 */
export async function storeCosignSignature(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
  payload: Buffer,
  annotations: Record<string, string>
): Promise<{ tag: string; digest: string }> {
  const tag = signatureTag(digest)
  const existing = await registry.getManifest(repository, tag)
  const kept = existing ? existingLayers(existing.body, tag) : []
  const layer = describe(SIMPLE_SIGNING, payload, annotations)
  const layers = [...kept, layer]
  const config = signatureConfig(layers)
  await registry.pushBlob(repository, payload)
  await registry.pushBlob(repository, config)
  const manifest = signatureManifest(describe(OCI_IMAGE_CONFIG, config), layers)
  const put = await registry.putManifest(
    repository,
    tag,
    OCI_MANIFEST,
    manifest
  )
  return { tag, digest: put.digest }
}

/** The layers of an existing `.sig` manifest; refuses anything else under the tag. */
function existingLayers(body: Buffer, tag: string): Descriptor[] {
  const layers = parseDescriptors(body, 'layers')
  if (!layers) throw foreignTag(tag, 'a cosign signature manifest')
  return layers
}

/** The refusal to write over a tag that holds something else. */
function foreignTag(tag: string, expected: string): UserError {
  return new UserError(
    `The tag ${tag} holds something that is not ${expected}; ` +
      'the action does not overwrite it. Remove or rename that tag, then re-run.'
  )
}

/**
 * Stores `bundle` (a DSSE statement of `predicateType` about `subject`) as a
 * referrer of the chart; on a registry without the referrers API, also adds it
 * to the referrers tag. Returns the referrer manifest's digest.
 */
export async function storeBundleReferrer(
  registry: SignatureRegistry,
  repository: string,
  subject: Descriptor,
  bundle: SerializedBundle,
  predicateType: string,
  created: Date
): Promise<string> {
  // The referrers tag is read first: one that holds something else stops
  // the run before anything is pushed.
  const tag = referrersTag(subject.digest)
  const listed = await taggedReferrers(registry, repository, tag)
  const bytes = Buffer.from(JSON.stringify(bundle))
  const layer = await registry.pushBlob(repository, bytes)
  await registry.pushBlob(repository, EMPTY_BLOB)
  const annotations = bundleAnnotations(predicateType, created)
  const manifest = bundleManifest(
    { mediaType: BUNDLE_V03, ...layer },
    subject,
    annotations
  )
  const digest = sha256(manifest)
  const put = await registry.putManifest(
    repository,
    digest,
    OCI_MANIFEST,
    manifest
  )
  // OCI-Subject in the answer: the registry lists referrers itself.
  if (put.subject) return digest
  const entry: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest,
    size: manifest.length,
    artifactType: BUNDLE_V03,
    annotations
  }
  await registry.putManifest(
    repository,
    tag,
    OCI_INDEX,
    referrersIndex(listed, entry)
  )
  return digest
}

/** The entries of the referrers tag ([] when absent); refuses anything else under it. */
export async function taggedReferrers(
  registry: SignatureRegistry,
  repository: string,
  tag: string
): Promise<Descriptor[]> {
  const current = await registry.getManifest(repository, tag)
  const listed = current ? parseDescriptors(current.body, 'manifests') : []
  if (!listed) throw foreignTag(tag, 'an OCI referrers index')
  return listed
}

/** The referrers of `digest`: from the referrers API, else the referrers tag. */
export async function listReferrers(
  registry: SignatureRegistry,
  repository: string,
  digest: string
): Promise<Descriptor[]> {
  const index = await registry.referrers(repository, digest)
  if (index) return index.manifests
  const tagged = await registry.getManifest(repository, referrersTag(digest))
  return (tagged && parseDescriptors(tagged.body, 'manifests')) || []
}

/**
 * `registry` with each manifest and referrers list read once: looking for
 * what is there and then adding to it read the same `.sig` manifest and
 * referrers tag, a round trip each. What this run writes replaces the copy
 * read; a write drops the referrers lists (a registry with the API lists
 * the new referrer itself).
 */
export function readingOnce(registry: SignatureRegistry): SignatureRegistry {
  type Read = ReturnType<SignatureRegistry['getManifest']>
  const manifests = new Map<string, Read>()
  const referrers = new Map<
    string,
    ReturnType<SignatureRegistry['referrers']>
  >()
  return {
    getManifest(repository, reference) {
      const key = `${repository}@${reference}`
      let read = manifests.get(key)
      if (!read) {
        read = registry.getManifest(repository, reference)
        manifests.set(key, read)
      }
      return read
    },
    getBlob: (repository, digest) => registry.getBlob(repository, digest),
    pushBlob: (repository, bytes) => registry.pushBlob(repository, bytes),
    async putManifest(repository, reference, mediaType, bytes) {
      const put = await registry.putManifest(
        repository,
        reference,
        mediaType,
        bytes
      )
      const stored = { digest: put.digest, mediaType, body: bytes }
      manifests.set(`${repository}@${reference}`, Promise.resolve(stored))
      referrers.clear()
      return put
    },
    referrers(repository, digest) {
      const key = `${repository}@${digest}`
      let read = referrers.get(key)
      if (!read) {
        read = registry.referrers(repository, digest)
        referrers.set(key, read)
      }
      return read
    }
  }
}
