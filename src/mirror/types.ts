// The mirror's vocabulary, shared by its engine (versions.ts, oci-copy.ts,
// classic.ts) and its entry: what each version came to, and what the
// registries must offer. What a line of `charts` asks for is the input's
// (inputs/mirror-lines.ts). Types only: no logic, no I/O.
import type { RegistryReads, RegistryWrites } from '../registry/operations.js'

/**
 * What became of one version (or one signature or referrer of it):
 * - copied: written to the destination now;
 * - skipped: the destination already holds the same digest;
 * - refused: the destination holds something else, or the source cannot be
 *   copied as it is; nothing was written, `reason` says why;
 * - would-copy: a dry run found it missing at the destination.
 */
export type MirrorStatus = 'copied' | 'skipped' | 'refused' | 'would-copy'

/** A signature or attestation that travels with a chart version. */
export interface RelatedResult {
  /** cosign's `sha256-<hex>.sig` tag, a referrer, or the referrers tag. */
  kind: 'signature' | 'referrer' | 'referrers-tag'
  /** The tag or digest it is stored under at the destination. */
  reference: string
  status: MirrorStatus
  /** Digest at the source (the referrers tag: what was written, if any). */
  digest?: string
  /** Digest the destination held before (when it differs: refused). */
  destinationDigest?: string
  reason?: string
}

/** What became of one chart version: one element of the JSON output. */
export interface MirrorResult {
  /** The chart's name. */
  chart: string
  version: string
  /** `oci://host/repo:tag`, or `<repo url> <name>@<version>` for classic. */
  source: string
  /** `oci://host/repo:tag`. */
  destination: string
  status: MirrorStatus
  /** The manifest digest at the source (classic: the package's sha256). */
  digest?: string
  /** The digest the destination tag held before, when it differs. */
  destinationDigest?: string
  /** Why it was refused, or what went wrong beside it (e.g. a `.sig`). */
  reason?: string
  /** Signatures and referrers (OCI sources only). */
  related: RelatedResult[]
}

/** What the mirror reads from a source registry (RegistryWriter has it). */
export type SourceRegistry = Pick<
  RegistryReads,
  'baseUrl' | 'getManifest' | 'getBlob' | 'listTags'
> &
  Pick<RegistryWrites, 'referrers'>

/** What the mirror does at the destination (RegistryWriter has it). */
export type DestinationRegistry = SourceRegistry &
  Pick<RegistryReads, 'manifestDigest'> &
  Pick<RegistryWrites, 'blobExists' | 'pushBlob' | 'mountBlob' | 'putManifest'>
