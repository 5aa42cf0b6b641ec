import * as core from '@actions/core'
import type { ChartRelease, RunResult } from './publish/result.js'
import { verifyCommands } from './signing/commands.js'

const HEADER = ['Chart', 'Version', 'Reference', 'Digest', 'Pushed']

/** One row per chart; pure, so tests can read it. */
export function summaryRows(run: RunResult): string[][] {
  return run.charts.map(chart => [
    chart.name,
    chart.version,
    `${chart.ref}:${chart.tag}`,
    chart.digest || '(not pushed)',
    pushedText(chart, run.dryRun)
  ])
}

function pushedText(chart: ChartRelease, dryRun: boolean): string {
  if (chart.pushed) return 'yes'
  // A digest without a push: the version was there before this run.
  if (chart.digest) return 'no (already published)'
  return dryRun ? 'no (dry run)' : 'no'
}

export function summaryTitle(run: RunResult): string {
  const pushed = run.charts.filter(c => c.pushed)
  if (pushed.length === 1 && run.charts.length === 1) {
    return `Published ${pushed[0].name} ${pushed[0].version}`
  }
  if (pushed.length > 0)
    return `Published ${pushed.length} of ${run.charts.length} charts`
  if (run.charts.length === 1) {
    const only = run.charts[0]
    return `${only.name} ${only.version}: ${run.dryRun ? 'dry run, nothing pushed' : 'nothing pushed'}`
  }
  return `${run.charts.length} charts: ${run.dryRun ? 'dry run, nothing pushed' : 'nothing pushed'}`
}

/** Writes the job summary: what was released, where, and what was skipped. */
export async function writeSummary(run: RunResult): Promise<void> {
  const summary = core.summary
    .addHeading(escapeHtml(summaryTitle(run)), 2)
    .addTable([
      HEADER.map(data => ({ data, header: true })),
      ...summaryRows(run).map(row => row.map(code))
    ])
    .addRaw(`<p>Helm ${escapeHtml(run.helmVersion)}</p>`, true)
  for (const chart of run.charts) addSigning(chart)
  addReleases(run.charts)
  for (const chart of run.charts) addGitops(chart)
  if (run.skipped.length)
    summary.addHeading('Skipped', 3).addList(run.skipped.map(escapeHtml))
  await summary.write()
}

/** The signatures and attestation of a chart, and how to verify them. */
function addSigning(chart: ChartRelease): void {
  const signing = chart.signing
  if (!signing) return
  const items = [
    ...signing.signatures.map(
      ref => `Signature: <code>${escapeHtml(ref)}</code>`
    ),
    ...(signing.provenance
      ? [`Provenance: <code>${escapeHtml(signing.provenance)}</code>`]
      : []),
    ...(signing.attestationUrl
      ? [
          `Attestation: <a href="${escapeHtml(signing.attestationUrl)}">${escapeHtml(signing.attestationUrl)}</a>`
        ]
      : []),
    `Identity: <code>${escapeHtml(signing.identity)}</code> (issuer <code>${escapeHtml(signing.issuer)}</code>, Sigstore ${escapeHtml(signing.sigstore)})`,
    ...signing.notes.map(note => `Note: ${escapeHtml(note)}`),
    ...signing.kept.map(
      kept => `Kept: ${escapeHtml(kept)} (signed before by this workflow)`
    )
  ]
  core.summary.addHeading(
    `Signed: ${escapeHtml(chart.name)} ${escapeHtml(chart.version)}`,
    3
  )
  core.summary.addList(items)
  const commands = verifyCommands(chart, signing)
  const blocks: [string, string | undefined][] = [
    ['cosign', commands.cosign],
    ['GitHub CLI', commands.gh],
    ['Flux (OCIRepository)', commands.flux]
  ]
  for (const [title, text] of blocks)
    if (text)
      core.summary.addRaw(
        `<p>${title}</p><pre><code>${escapeHtml(text)}</code></pre>`,
        true
      )
}

/** The GitHub releases made or updated, and what happened to their assets. */
function addReleases(charts: ChartRelease[]): void {
  const made = charts.filter(c => c.githubRelease)
  if (!made.length) return
  core.summary.addHeading('GitHub releases', 3)
  core.summary.addList(
    made.map(chart => {
      const { url, tag, operation, assets } = chart.githubRelease!
      const files = assets.map(a => `${escapeHtml(a.name)} ${a.action}`)
      return (
        `${escapeHtml(chart.name)} ${escapeHtml(chart.version)}: ` +
        `<a href="${escapeHtml(url)}">${escapeHtml(tag)}</a> ${operation}` +
        (files.length ? ` (${files.join(', ')})` : '')
      )
    })
  )
}

function addGitops(chart: ChartRelease): void {
  if (!chart.gitops) return
  const { operation, number, url, updatedFiles } = chart.gitops
  core.summary.addHeading(
    `GitOps pull request for ${escapeHtml(chart.name)}`,
    3
  )
  core.summary.addRaw(
    number && url
      ? `<p><a href="${escapeHtml(url)}">#${number}</a>: ${operation}</p>`
      : `<p>${operation === 'none' ? 'No pull request' : operation}</p>`,
    true
  )
  if (updatedFiles.length) core.summary.addList(updatedFiles.map(escapeHtml))
  // The whole preview (the pull request's may be cut to fit GitHub's limit);
  // its text is escaped markdown, built in render/report.ts and changelog.ts.
  if (chart.gitops.preview) {
    core.summary.addHeading('What changes in the cluster', 4)
    core.summary.addRaw(`\n${chart.gitops.preview}\n`, true)
  }
}

function code(value: string): string {
  return /^(oci:|sha256:|\d)/.test(value)
    ? `<code>${escapeHtml(value)}</code>`
    : escapeHtml(value)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, c => `&#${c.charCodeAt(0)};`)
}
