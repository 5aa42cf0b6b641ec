// Mirrors one chart version from an OCI registry to another (or to another
// repository of the same one): a copy, not a re-push, so the digest at the
// destination is the source's and signatures made upstream stay valid. Never
// overwrites: a destination tag that holds another digest is refused with
// both digests (an upstream tag moved: someone must decide), and nothing is
// written for it.
import { ociTag, versionsOfTags } from './versions.js'
import { readArtifact, Refused, type Artifact } from './artifact.js'
import { copyArtifact, location, type CopyCounts, type Route } from './copy.js'
import { mirrorRelated, MAX_REFERRERS } from './related.js'
import type {
  DestinationRegistry,
  MirrorResult,
  RelatedResult,
  SourceRegistry
} from './types.js'

export { MAX_REFERRERS }
export type { CopyCounts }

export interface OciMirrorRequest {
  source: { registry: SourceRegistry; repository: string }
  destination: { registry: DestinationRegistry; repository: string }
  /** The chart's name, for the result. */
  chart: string
  /** The chart version (its tag is the version with `+` written `_`). */
  version: string
  /** Read only: report `would-copy` for what is missing. */
  dryRun: boolean
  /** Referrers copied per version at most (default MAX_REFERRERS). */
  maxReferrers?: number
  /** Filled in with how blobs reached the destination. */
  counts?: CopyCounts
}

/** The SemVer versions among the tags of an OCI chart repository. */
export async function ociVersions(
  registry: SourceRegistry,
  repository: string
): Promise<string[]> {
  return versionsOfTags(await registry.listTags(repository))
}

/**
 * Mirrors `version` and its signatures and referrers. Refusals (a moved tag,
 * an image index, a malformed manifest) are results; failures to reach or
 * write a registry are thrown as UserErrors.
 */
export async function mirrorOciVersion(
  request: OciMirrorRequest
): Promise<MirrorResult> {
  const route: Route = {
    source: request.source.registry,
    from: request.source.repository,
    destination: request.destination.registry,
    to: request.destination.repository
  }
  const tag = ociTag(request.version)
  const base = {
    chart: request.chart,
    version: request.version,
    source: `${location(route.source, route.from)}:${tag}`,
    destination: `${location(route.destination, route.to)}:${tag}`
  }
  const refused = (
    reason: string,
    digests: { digest?: string; destinationDigest?: string } = {}
  ): MirrorResult => ({
    ...base,
    status: 'refused',
    ...digests,
    reason,
    related: []
  })
  const manifest = await route.source.getManifest(route.from, tag)
  if (!manifest)
    return refused(
      `the source has no tag ${tag}: it was deleted since the tags were listed`
    )
  let artifact: Artifact
  try {
    artifact = readArtifact(manifest, base.source)
  } catch (error) {
    if (error instanceof Refused)
      return refused(error.message, { digest: manifest.digest })
    throw error
  }
  const digest = manifest.digest
  const held = await route.destination.manifestDigest(route.to, tag)
  if (held !== undefined && held !== digest)
    return refused(
      `${base.destination} holds ${held}, but ${base.source} is ${digest}: the upstream tag ` +
        'moved, or something else wrote the destination. Nothing was overwritten. Compare the two; ' +
        "to take the source's, delete the destination tag and re-run",
      { digest, destinationDigest: held }
    )
  let status: MirrorResult['status'] = 'skipped'
  if (held === undefined) {
    status = request.dryRun ? 'would-copy' : 'copied'
    if (!request.dryRun)
      await copyArtifact(route, artifact, tag, request.counts)
  }
  const related = await mirrorRelated(route, manifest, {
    dryRun: request.dryRun,
    maxReferrers: request.maxReferrers,
    counts: request.counts
  })
  const reason = relatedReasons(related)
  return {
    ...base,
    status,
    digest,
    ...(reason ? { reason } : {}),
    related
  }
}

/** What went wrong beside a copied or skipped chart, in one sentence. */
function relatedReasons(related: RelatedResult[]): string | undefined {
  const refused = related.filter(r => r.status === 'refused')
  if (refused.length === 0) return undefined
  return refused
    .map(r => `${r.kind} ${r.reference}: ${r.reason ?? 'refused'}`)
    .join('; ')
}
