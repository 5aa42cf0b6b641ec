// The step's outputs, set once from the run's record at the end of the run
// (also when it fails), so that every output tells what really happened.
import * as core from '@actions/core'
import type { ChartRelease } from './record/chart-release.js'
import type { GitopsResult } from './record/gitops.js'
import type { RunResult } from './record/run.js'

/**
 * Sets every output, once, at the end of the run: `charts` always; the
 * single-chart outputs from the chart when the run released one (empty with
 * several, but `pushed` says whether any was pushed); the GitOps outputs.
 */
export function setOutputs(run: RunResult): void {
  const single = run.charts.length === 1 ? run.charts[0] : undefined
  core.setOutput('chart-name', single?.name ?? '')
  core.setOutput('chart-version', single?.version ?? '')
  core.setOutput('chart-ref', single?.ref ?? '')
  core.setOutput('digest', single?.digest ?? '')
  core.setOutput('pushed', run.charts.some(c => c.pushed) ? 'true' : 'false')
  core.setOutput('package-path', single?.packagePath ?? '')
  core.setOutput(
    'charts',
    JSON.stringify(
      run.charts.map(c => ({
        name: c.name,
        version: c.version,
        ref: c.ref,
        digest: c.digest,
        pushed: c.pushed,
        ...signingFields(c),
        ...(c.githubRelease ? { 'release-url': c.githubRelease.url } : {})
      }))
    )
  )
  core.setOutput('release-url', single?.githubRelease?.url ?? '')
  setSigningOutputs(single)
  setGitopsOutputs(run.charts.flatMap(c => (c.gitops ? [c.gitops] : [])))
}

/**
 * The GitOps outputs: those of the single chart's pull request; with several
 * charts, `pull-request-operation` is the first that is not `none` and
 * `updated-files` lists every chart's files.
 */
function setGitopsOutputs(done: GitopsResult[]): void {
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

/** A chart's signing references in the `charts` JSON (absent when not signed). */
function signingFields(release: ChartRelease): Record<string, unknown> {
  const signing = release.signing
  if (!signing) return {}
  return {
    signatures: signing.signatures,
    ...(signing.provenance ? { attestation: signing.provenance } : {}),
    ...(signing.attestationUrl
      ? { 'attestation-url': signing.attestationUrl }
      : {})
  }
}

/** The single chart's signature and attestation references; empty otherwise. */
function setSigningOutputs(single: ChartRelease | undefined): void {
  const signing = single?.signing
  core.setOutput('signature', signing?.signatures[0] ?? '')
  core.setOutput('signatures', JSON.stringify(signing?.signatures ?? []))
  core.setOutput('attestation', signing?.provenance ?? '')
  core.setOutput('attestation-id', signing?.attestationId ?? '')
  core.setOutput('attestation-url', signing?.attestationUrl ?? '')
}
