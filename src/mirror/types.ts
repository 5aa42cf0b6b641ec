/** Which versions to copy. */
export type Constraint =
  | { kind: 'exact'; version: string }
  | { kind: 'range'; range: string } // a node-semver range, e.g. '>=18.0.0 <19'
  | { kind: 'latest' } // the highest SemVer version (prereleases only if nothing else)

/** One line of the `charts` input. */
export type MirrorSource =
  | {
      kind: 'oci'
      line: number
      text: string
      registry: string
      repository: string
      name: string
      constraint: Constraint
    }
  //   oci://registry/path/name <constraint>; repository = 'path/name' (the repository path in the source registry), name = last path segment
  | {
      kind: 'http'
      line: number
      text: string
      url: string
      name: string
      constraint: Constraint
    }
//   https://charts.example.com[/path] name <constraint>; url without trailing slash

export type MirrorResult = 'copied' | 'skipped' | 'refused' | 'would-copy'

/** What happened to one chart version; the outputs JSON and the summary rows are made from these. */
export interface MirrorOutcome {
  chart: string // name
  version: string
  source: string // oci://registry/path/name:tag  or  https://…/name-version.tgz
  destination: string // oci://<registry>/<repository>/<name>:<tag>
  result: MirrorResult
  /** The source manifest digest (oci) — what the destination will serve. */
  sourceDigest?: string
  /** What the destination serves after the run (or before, for skipped/refused). */
  destinationDigest?: string
  /** Signature manifests (.sig tag) and referrers (bundles, attestations) copied with it. */
  signatures: number
  referrers: number
  /** Why refused / skipped, for people. */
  reason?: string
}
