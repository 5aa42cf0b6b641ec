// The signatures and attestations of a chart version, mirrored after it so
// they stay verifiable at the destination: cosign's `sha256-<hex>.sig` tag,
// copied under the same tag, and the referrers (from the referrers API or the
// `sha256-<hex>` referrers tag), copied by digest. Where the destination has
// no referrers API its referrers tag is read, checked and merged: entries
// already there are kept, a tag holding anything else is never overwritten.
// Nothing here overwrites: what differs is recorded as refused.
import { UserError } from '../errors.js'
import type { Manifest } from '../registry/client.js'
import { OCI_IMAGE_INDEX, type OciDescriptor } from '../registry/oci-index.js'
import { parseDescriptors } from '../signing/documents.js'
import {
  referrersIndex,
  referrersTag,
  signatureTag
} from '../signing/layouts.js'
import { taggedReferrers } from '../signing/store.js'
import { readArtifact, Refused, type Artifact } from './artifact.js'
import { copyArtifact, location, type CopyCounts, type Route } from './copy.js'
import type { RelatedResult } from './types.js'

/** Referrers copied per chart version at most (signatures, attestations). */
export const MAX_REFERRERS = 100

export interface RelatedOptions {
  dryRun: boolean
  maxReferrers?: number
  counts?: CopyCounts
}

/** Mirrors the `.sig` tag and the referrers of `subject` (the chart). */
export async function mirrorRelated(
  route: Route,
  subject: Manifest,
  options: RelatedOptions
): Promise<RelatedResult[]> {
  const results: RelatedResult[] = []
  const sig = await mirrorSignature(route, subject.digest, options)
  if (sig) results.push(sig)
  results.push(...(await mirrorReferrers(route, subject.digest, options)))
  return results
}

/** cosign 2's `.sig` manifest, copied under its tag unless it is there. */
async function mirrorSignature(
  route: Route,
  digest: string,
  options: RelatedOptions
): Promise<RelatedResult | undefined> {
  const tag = signatureTag(digest)
  const manifest = await route.source.getManifest(route.from, tag)
  if (!manifest) return undefined
  const result = { kind: 'signature', reference: tag } as const
  const held = await route.destination.manifestDigest(route.to, tag)
  if (held === manifest.digest)
    return { ...result, status: 'skipped', digest: held }
  if (held !== undefined)
    return {
      ...result,
      status: 'refused',
      digest: manifest.digest,
      destinationDigest: held,
      reason:
        `the destination's ${tag} holds ${held}, the source's ${manifest.digest}; ` +
        "not overwritten: someone signed one side only. Compare the signatures, then delete the destination tag to take the source's"
    }
  try {
    const artifact = readArtifact(manifest, `the source's ${tag}`)
    if (!options.dryRun)
      await copyArtifact(route, artifact, tag, options.counts)
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    return {
      ...result,
      status: 'refused',
      digest: manifest.digest,
      reason: error.message
    }
  }
  const status = options.dryRun ? 'would-copy' : 'copied'
  return { ...result, status, digest: manifest.digest }
}

/** The source's referrers of `digest`: the API, else the referrers tag. */
async function sourceReferrers(
  route: Route,
  digest: string
): Promise<OciDescriptor[]> {
  const index = await route.source.referrers(route.from, digest)
  if (index) return index.manifests
  const tagged = await route.source.getManifest(
    route.from,
    referrersTag(digest)
  )
  // A source tag that is not an index lists nothing: it is not ours to fix.
  return (tagged && parseDescriptors(tagged.body, 'manifests')) || []
}

/** Every referrer of `digest`, by digest, then the destination's listing. */
async function mirrorReferrers(
  route: Route,
  digest: string,
  options: RelatedOptions
): Promise<RelatedResult[]> {
  const listed = await sourceReferrers(route, digest)
  const unique = [...new Map(listed.map(d => [d.digest, d])).values()]
  if (unique.length === 0) return []
  const limit = options.maxReferrers ?? MAX_REFERRERS
  if (unique.length > limit)
    return [
      {
        kind: 'referrer',
        reference: digest,
        status: 'refused',
        reason: `the source lists ${unique.length} referrers of ${digest}, more than the ${limit} the mirror copies; none was copied`
      }
    ]
  const results: RelatedResult[] = []
  const entries: OciDescriptor[] = []
  let listedByRegistry = false
  for (const descriptor of unique) {
    const copied = await mirrorReferrer(route, digest, descriptor, options)
    results.push(copied.result)
    if (copied.artifact) entries.push(copied.artifact.descriptor)
    if (copied.subject) listedByRegistry = true
  }
  if (entries.length > 0 && !listedByRegistry) {
    const tag = await mergeReferrersTag(route, digest, entries, options.dryRun)
    if (tag) results.push(tag)
  }
  return results
}

interface CopiedReferrer {
  result: RelatedResult
  /** Copied or already there: to be listed. */
  artifact?: Artifact
  /** The destination's OCI-Subject: it lists referrers itself. */
  subject?: string
}

/** One referrer manifest (and its blobs), by digest. */
async function mirrorReferrer(
  route: Route,
  subject: string,
  descriptor: OciDescriptor,
  options: RelatedOptions
): Promise<CopiedReferrer> {
  const reference = descriptor.digest
  const refused = (reason: string): CopiedReferrer => ({
    result: {
      kind: 'referrer',
      reference,
      status: 'refused',
      digest: reference,
      reason
    }
  })
  const where = `the referrer ${reference} of ${location(route.source, route.from)}`
  const manifest = await route.source.getManifest(route.from, reference)
  if (!manifest) return refused(`${where} is listed but absent`)
  let artifact: Artifact
  try {
    artifact = readArtifact(manifest, where)
  } catch (error) {
    if (error instanceof Refused) return refused(error.message)
    throw error
  }
  // A listing is the registry's word, or a tag anyone could write.
  if (artifact.subject !== subject)
    return refused(`${where} does not name ${subject} as its subject`)
  const held = await route.destination.manifestDigest(route.to, reference)
  const result = { kind: 'referrer', reference, digest: reference } as const
  if (held !== undefined)
    return { result: { ...result, status: 'skipped' }, artifact }
  if (options.dryRun)
    return { result: { ...result, status: 'would-copy' }, artifact }
  const put = await copyArtifact(route, artifact, reference, options.counts)
  return {
    result: { ...result, status: 'copied' },
    artifact,
    subject: put.subject
  }
}

/**
 * Adds `entries` to the destination's referrers tag of `digest` when the
 * destination has no referrers API; undefined when there is nothing to do.
 */
async function mergeReferrersTag(
  route: Route,
  digest: string,
  entries: OciDescriptor[],
  dryRun: boolean
): Promise<RelatedResult | undefined> {
  const { destination, to } = route
  if ((await destination.referrers(to, digest)) !== undefined) return undefined
  const tag = referrersTag(digest)
  const result = { kind: 'referrers-tag', reference: tag } as const
  let existing: OciDescriptor[]
  try {
    existing = await taggedReferrers(destination, to, tag)
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return { ...result, status: 'refused', reason: error.message }
  }
  const known = new Set(existing.map(entry => entry.digest))
  const missing = entries.filter(entry => !known.has(entry.digest))
  if (missing.length === 0) return { ...result, status: 'skipped' }
  if (dryRun) return { ...result, status: 'would-copy' }
  // Entries already listed first, as they were: the tag only grows.
  const last = missing[missing.length - 1]
  const index = referrersIndex([...existing, ...missing.slice(0, -1)], last)
  const put = await destination.putManifest(to, tag, OCI_IMAGE_INDEX, index)
  return { ...result, status: 'copied', digest: put.digest }
}
