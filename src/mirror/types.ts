// The mirror's vocabulary, shared by its engine (spec.ts, versions.ts,
// oci-copy.ts, classic.ts) and its entry: what one line of the `charts` input
// asks for, what the registries must offer, and what each version came to.
// Types only: no logic, no I/O.
import type { RegistryReads, RegistryWrites } from '../registry/operations.js'

/** Which versions of a chart a line asks for. */
export type VersionConstraint =
  /** The highest stable SemVer version (prereleases only by an exact pin). */
  | { kind: 'latest' }
  /** One version, as written (build metadata included: `1.2.3+build`). */
  | { kind: 'exact'; version: string }
  /** Every version in a SemVer range (`>=18.0.0 <19`, `^1.2`, `1.x`). */
  | { kind: 'range'; range: string }

/** A chart in an OCI registry: `oci://<registry>/<repository>`. */
export interface OciSource {
  kind: 'oci'
  /** host[:port]. */
  registry: string
  /** The chart's repository path; its last component is the chart's name. */
  repository: string
}

/** A chart in a classic Helm repository (an `index.yaml` over HTTP(S)). */
export interface ClassicSource {
  kind: 'classic'
  /** The repository's URL as written, without a trailing slash. */
  url: string
}

/** One line of the `charts` input, checked. */
export interface MirrorLine {
  /** 1-based line number in the input, for messages. */
  line: number
  /** The line as written (trimmed), for messages. */
  text: string
  source: OciSource | ClassicSource
  /** The chart's name: the destination repository's last component. */
  name: string
  constraint: VersionConstraint
}

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
