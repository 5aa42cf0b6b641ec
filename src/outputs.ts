import * as core from '@actions/core'
import type { ReleaseResult } from './release.js'

/** Sets every output in one place. */
export function setOutputs(result: ReleaseResult): void {
  core.setOutput('chart-name', result.chartName)
  core.setOutput('chart-version', result.chartVersion)
  core.setOutput('chart-ref', result.chartRef)
  core.setOutput('digest', result.digest)
  core.setOutput('pushed', result.pushed ? 'true' : 'false')
  core.setOutput('package-path', result.packagePath)
}
