// What the `github-release` step did for one chart, as the outputs and the
// summary read it. Types only: the step fills it.

/** What the step did for one chart: outputs and summary read it. */
export interface GitHubReleaseResult {
  url: string
  id: number
  tag: string
  operation: 'created' | 'updated' | 'unchanged'
  assets: AssetResult[]
}

/** What became of one asset of the release (the chart's package). */
export interface AssetResult {
  name: string
  /** uploaded; kept (byte-identical there already); conflict (a different file there, kept). */
  action: 'uploaded' | 'kept' | 'conflict'
}
