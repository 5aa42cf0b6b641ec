import * as core from '@actions/core'
import type { GitopsResult } from './gitops/step.js'
import type { ChartResult, RunResult } from './publish/result.js'

/**
 * Sets the outputs in one place: `charts` always; the single-chart outputs
 * from the chart when the run released one (empty with several, but `pushed`
 * says whether any was pushed).
 */
export function setOutputs(run: RunResult): void {
  const single: ChartResult | undefined =
    run.charts.length === 1 ? run.charts[0] : undefined
  core.setOutput('chart-name', single?.chartName ?? '')
  core.setOutput('chart-version', single?.chartVersion ?? '')
  core.setOutput('chart-ref', single?.chartRef ?? '')
  core.setOutput('digest', single?.digest ?? '')
  core.setOutput('pushed', run.charts.some(c => c.pushed) ? 'true' : 'false')
  core.setOutput('package-path', single?.packagePath ?? '')
  core.setOutput(
    'charts',
    JSON.stringify(
      run.charts.map(c => ({
        name: c.chartName,
        version: c.chartVersion,
        ref: c.chartRef,
        digest: c.digest,
        pushed: c.pushed
      }))
    )
  )
}

/**
 * The GitOps outputs: those of the single chart's pull request; with several
 * charts, `pull-request-operation` is the first that is not `none` and
 * `updated-files` lists every chart's files.
 */
export function setGitopsOutputs(results: (GitopsResult | undefined)[]): void {
  const done = results.filter((r): r is GitopsResult => r !== undefined)
  const first = done.find(r => r.operation !== 'none') ?? done[0]
  const single = done.length === 1 ? done[0] : undefined
  core.setOutput('pull-request-number', single?.number ?? '')
  core.setOutput('pull-request-url', single?.url ?? '')
  core.setOutput('pull-request-operation', first?.operation ?? 'none')
  core.setOutput(
    'updated-files',
    JSON.stringify([...new Set(done.flatMap(r => r.updatedFiles))])
  )
}
