// Copies one artifact from a source repository to a destination repository
// byte for byte: every blob it refers to (already there: left; on the same
// registry: mounted; else read, digest-checked, and uploaded), then the
// manifest's own bytes, so its digest at the destination is the source's.
import { UserError } from '../errors.js'
import type { OciDescriptor } from '../registry/oci-index.js'
import type { Artifact } from './artifact.js'
import type { DestinationRegistry, SourceRegistry } from './types.js'

/** Where a copy goes: source and destination registry and repository. */
export interface Route {
  source: SourceRegistry
  /** The source repository. */
  from: string
  destination: DestinationRegistry
  /** The destination repository. */
  to: string
}

/** How each blob reached the destination, for tests and logs. */
export interface CopyCounts {
  present: number
  mounted: number
  uploaded: number
}

/** `oci://host/repository`, for messages. */
export function location(registry: SourceRegistry, repository: string): string {
  return `oci://${new URL(registry.baseUrl).host}/${repository}`
}

/** Whether a mount can be asked for: one registry, two repositories. */
function oneRegistry(route: Route): boolean {
  return (
    route.source.baseUrl === route.destination.baseUrl &&
    route.from !== route.to
  )
}

/**
 * Copies `artifact`'s blobs, then puts its manifest bytes under `reference`
 * (a tag, or its digest). The registry's digest of what it stored must be
 * the source's: anything else is thrown, never reported as copied.
 */
export async function copyArtifact(
  route: Route,
  artifact: Artifact,
  reference: string,
  counts?: CopyCounts
): Promise<{ subject?: string }> {
  for (const blob of artifact.blobs) {
    const how = await copyBlob(route, blob)
    if (counts) counts[how]++
  }
  const { manifest } = artifact
  const put = await route.destination.putManifest(
    route.to,
    reference,
    manifest.mediaType,
    manifest.body
  )
  if (put.digest !== manifest.digest)
    throw new UserError(
      `${location(route.destination, route.to)}:${reference} was stored as ${put.digest}, ` +
        `not the source's ${manifest.digest}. Check the destination registry: it altered the manifest.`
    )
  return put.subject === undefined ? {} : { subject: put.subject }
}

/** One blob to the destination; says how it got there. */
async function copyBlob(
  route: Route,
  blob: OciDescriptor
): Promise<keyof CopyCounts> {
  const { source, from, destination, to } = route
  if (await destination.blobExists(to, blob.digest)) return 'present'
  if (
    oneRegistry(route) &&
    (await destination.mountBlob(to, blob.digest, from))
  )
    return 'mounted'
  // getBlob checks the bytes against the digest and bounds them.
  const bytes = await source.getBlob(from, blob.digest)
  if (bytes.length !== blob.size)
    throw new UserError(
      `The blob ${blob.digest} of ${location(source, from)} is ${bytes.length} bytes, ` +
        `but the manifest says ${blob.size}. The source's manifest is inconsistent; ask its maintainers.`
    )
  await destination.pushBlob(to, bytes)
  return 'uploaded'
}
