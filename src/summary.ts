import * as core from '@actions/core'
import type { ReleaseResult } from './release.js'

/** Rows of the job summary table; pure, so tests can read it. */
export function summaryRows(result: ReleaseResult): [string, string][] {
  const rows: [string, string][] = [
    ['Chart', result.chartName],
    ['Version', result.chartVersion]
  ]
  if (result.tag !== result.chartVersion) rows.push(['OCI tag', result.tag])
  rows.push(
    ['Reference', `${result.chartRef}:${result.tag}`],
    ['Digest', result.digest || '(not pushed)'],
    ['Pushed', result.pushed ? 'yes' : result.dryRun ? 'no (dry run)' : 'no'],
    ['Helm', result.helmVersion]
  )
  return rows
}

/** Writes the job summary: what was released, where, and what was skipped. */
export async function writeSummary(result: ReleaseResult): Promise<void> {
  const title = result.pushed
    ? `Published ${result.chartName} ${result.chartVersion}`
    : `${result.chartName} ${result.chartVersion}: ${result.dryRun ? 'dry run, nothing pushed' : 'nothing pushed'}`
  const summary = core.summary.addHeading(title, 2).addTable([
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ...summaryRows(result).map(([key, value]) => [key, code(value)])
  ])
  if (result.gitops) {
    const { operation, number, url, updatedFiles } = result.gitops
    summary.addHeading('GitOps pull request', 3)
    summary.addRaw(
      number && url
        ? `<p><a href="${escapeHtml(url)}">#${number}</a>: ${operation}</p>`
        : `<p>${operation === 'none' ? 'No pull request' : operation}</p>`,
      true
    )
    if (updatedFiles.length) summary.addList(updatedFiles.map(escapeHtml))
  }
  if (result.skipped.length) {
    summary.addHeading('Skipped', 3).addList(result.skipped)
  }
  await summary.write()
}

function code(value: string): string {
  return /^(oci:|sha256:|\d)/.test(value)
    ? `<code>${escapeHtml(value)}</code>`
    : escapeHtml(value)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, c => `&#${c.charCodeAt(0)};`)
}
