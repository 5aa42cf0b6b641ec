import type { GitopsResult } from './gitops/step.js'

/** What one run did (or, in a dry run, would do): the source of outputs and summary. */
export interface ReleaseResult {
  chartName: string
  chartVersion: string
  /** The OCI tag: the version with `+` turned into `_`, as Helm pushes it. */
  tag: string
  /** `oci://<registry>/<repository>/<name>` */
  chartRef: string
  digest: string
  pushed: boolean
  packagePath: string
  helmVersion: string
  dryRun: boolean
  /** Steps that did not run, with the reason, for the summary. */
  skipped: string[]
  /** The GitOps pull request, when `gitops-repository` is set. */
  gitops?: GitopsResult
}
