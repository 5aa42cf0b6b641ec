import type { GitopsResult } from '../gitops/step.js'

/** What one chart's release did (or, in a dry run, would do). */
export interface ChartResult {
  chartName: string
  chartVersion: string
  /** The OCI tag: the version with `+` turned into `_`, as Helm pushes it. */
  tag: string
  /** `oci://<registry>/<repository>/<name>` */
  chartRef: string
  digest: string
  pushed: boolean
  /** The packaged .tgz; empty when nothing was packaged (already published). */
  packagePath: string
  /** The GitOps pull request, when `gitops-repository` is set. */
  gitops?: GitopsResult
}

/** What the whole run did: the source of outputs and summary. */
export interface RunResult {
  charts: ChartResult[]
  helmVersion: string
  dryRun: boolean
  /** Steps that did not run, with the reason, for the summary. */
  skipped: string[]
}
