// One chart's line in the run's record: the chart as read, where it goes, and
// what each step did with it. The step results are types of this folder, so
// the record imports no step, and a new step adds its type here.
import type { LoadedChart } from '../chart/load.js'
import type { Target } from '../registry/reference.js'
import type { GitHubReleaseResult } from './github-release.js'
import type { GitopsResult } from './gitops.js'
import type { SigningResult } from './signing.js'

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
