import type { LoadedChart } from '../chart/load.js'
import type { GitopsResult } from '../gitops/step.js'
import type { GitHubReleaseResult } from '../ghrelease/step.js'
import type { SigningResult } from '../signing/step.js'

/** Where a chart goes: `oci://<registry>/<repository>/<name>:<tag>`. */
export interface Target {
  registry: string
  repository: string
  /** `repository/name`: the chart's repository path in the registry. */
  repositoryPath: string
  /** The OCI tag: the version with `+` turned into `_`, as Helm pushes it. */
  tag: string
  /** `oci://<registry>/<repository>/<name>` */
  ref: string
}

/**
 * One chart's release: the chart as read, where it goes, and what the run did
 * with it. Made once, when the tag has selected the chart; later steps fill in
 * what they learn (the digest, the package, the pull request), and outputs and
 * summary read it at the end.
 */
export interface ChartRelease extends LoadedChart, Target {
  /** The digest the registry serves ('' when nothing is there: dry run). */
  digest: string
  /** This run pushed it (false: already published, or dry run). */
  pushed: boolean
  /** The packaged .tgz; empty when nothing was packaged (already published). */
  packagePath: string
  /** Signatures and provenance, when `sign` or `provenance` is on. */
  signing?: SigningResult
  /** The GitOps pull request, when `gitops-repository` is set. */
  gitops?: GitopsResult
  /** The GitHub Release, when `github-release` is true. */
  githubRelease?: GitHubReleaseResult
}

/** What the whole run did: the source of outputs and summary. */
export interface RunResult {
  charts: ChartRelease[]
  helmVersion: string
  dryRun: boolean
  /** Steps that did not run, with the reason, for the summary. */
  skipped: string[]
}

/** A step that did not run, and why (for the summary's "Skipped" list). */
export type Note = string | undefined
