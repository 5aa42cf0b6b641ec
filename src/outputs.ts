import * as core from '@actions/core'
import type { GitopsResult } from './gitops/step.js'
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

/** The GitOps outputs; `none` and empty when there was no GitOps step. */
export function setGitopsOutputs(gitops: GitopsResult | undefined): void {
  core.setOutput('pull-request-number', gitops?.number ?? '')
  core.setOutput('pull-request-url', gitops?.url ?? '')
  core.setOutput('pull-request-operation', gitops?.operation ?? 'none')
  core.setOutput('updated-files', JSON.stringify(gitops?.updatedFiles ?? []))
}
