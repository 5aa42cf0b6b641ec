// The job summary: what was released, where, signed how, and the GitOps
// pull requests with their rendered preview. The runner drops a summary over
// 1 MiB whole (actions/runner, FileCommandManager.cs: "$GITHUB_STEP_SUMMARY
// upload aborted, supports content up to a size of 1024k"; @actions/core's
// summary.write writes whatever it is given): the GitOps sections take what
// the rest leaves of SUMMARY_LIMIT, fitted by fit.ts. Text goes through
// markdown.ts.
import * as core from '@actions/core'
import type { ChartRelease } from './record/chart-release.js'
import type { RunResult } from './record/run.js'
import { fitParts, utf8Bytes, type Part } from './fit.js'
import {
  escapeHtml,
  escapeMarkdown,
  htmlLiteral,
  htmlWithCode,
  inlineCode
} from './markdown.js'
import { verifyCommands } from './signing/commands.js'

/** UTF-8 bytes the summary may take: under the runner's 1 MiB (1,048,576). */
export const SUMMARY_LIMIT = 1_000_000
const SUMMARY_REASON = "to keep the job summary within the runner's 1 MiB limit"

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
  if (run.skipped.length)
    summary.addHeading('Skipped', 3).addList(run.skipped.map(escapeHtml))
  for (const chart of run.charts) addSigning(chart)
  addReleases(run.charts)
  const room = SUMMARY_LIMIT - utf8Bytes(summary.stringify())
  const gitops = gitopsSummary(run.charts, room)
  if (gitops) summary.addRaw(`\n${gitops}`, true)
  await summary.write()
}

/** The signatures and attestation of a chart, and how to verify them. */
function addSigning(chart: ChartRelease): void {
  const signing = chart.signing
  if (!signing) return
  const items = [
    ...signing.signatures.map(
      ref => `Signature: <code>${htmlLiteral(ref)}</code>`
    ),
    ...(signing.provenance
      ? [`Provenance: <code>${htmlLiteral(signing.provenance)}</code>`]
      : []),
    ...(signing.attestationUrl
      ? [
          `Attestation: <a href="${htmlLiteral(signing.attestationUrl)}">${htmlLiteral(signing.attestationUrl)}</a>`
        ]
      : []),
    `Identity: <code>${htmlLiteral(signing.identity)}</code> (issuer <code>${htmlLiteral(signing.issuer)}</code>, Sigstore ${escapeHtml(signing.sigstore)})`,
    ...signing.notes.map(note => `Note: ${htmlWithCode(note)}`),
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
        `<p>${title}</p><pre><code>${htmlLiteral(text)}</code></pre>`,
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
        `<a href="${htmlLiteral(url)}">${escapeHtml(tag)}</a> ${operation}` +
        (files.length ? ` (${files.join(', ')})` : '')
      )
    })
  )
}

/**
 * The GitOps sections of every chart (pull request, files, preview) as
 * markdown within `room` bytes; each part cut says what it left out.
 */
export function gitopsSummary(
  charts: readonly ChartRelease[],
  room: number
): string {
  const parts = charts.flatMap(gitopsParts)
  if (parts.length === 0) return ''
  return fitParts(parts, {
    budget: room,
    measure: utf8Bytes,
    reason: SUMMARY_REASON
  })
}

function gitopsParts(chart: ChartRelease): Part[] {
  if (!chart.gitops) return []
  const { operation, number, url, updatedFiles, preview } = chart.gitops
  const link =
    number && url
      ? `<p><a href="${htmlLiteral(url)}">#${number}</a>: ${operation}</p>`
      : `<p>${operation === 'none' ? 'No pull request' : operation}</p>`
  const files: Part = {
    head: `### GitOps pull request for ${escapeMarkdown(chart.name)}\n\n${link}\n\n`,
    items: updatedFiles.map(file => ({
      text: `- ${inlineCode(file)}\n`,
      unit: 'file'
    })),
    tail: '\n',
    elsewhere: 'the `updated-files` output lists every one'
  }
  // The whole preview as far as it fits (the pull request's is cut sooner).
  const cluster: Part[] = preview
    ? [{ head: '#### What changes in the cluster\n\n' }, ...preview]
    : []
  return [files, ...cluster]
}

function code(value: string): string {
  return /^(oci:|sha256:|\d)/.test(value)
    ? `<code>${htmlLiteral(value)}</code>`
    : escapeHtml(value)
}
