// The mirror's job summary: one row per chart version, and each refusal
// spelled out under the table (both digests: someone must decide).
import * as core from '@actions/core'
import { escapeHtml, htmlLiteral, htmlWithCode } from '../markdown.js'
import { countResults } from './outputs.js'
import type { MirrorResult, RelatedResult } from './types.js'

const HEADER = ['Chart', 'Version', 'Result', 'Source', 'Destination', 'Digest']

/** One row per chart version; pure, so tests can read it. */
export function mirrorSummaryRows(
  results: readonly MirrorResult[]
): string[][] {
  return results.map(r => [
    r.chart,
    r.version,
    statusText(r),
    r.source,
    r.destination,
    r.digest ?? ''
  ])
}

/** The status, with the signatures and referrers that travelled with it. */
function statusText(result: MirrorResult): string {
  const count = (kind: RelatedResult['kind']): number =>
    result.related.filter(r => r.kind === kind && r.status !== 'refused').length
  const signatures = count('signature')
  const referrers = count('referrer')
  const extras = [
    signatures ? `${signatures} signature(s)` : '',
    referrers ? `${referrers} referrer(s)` : ''
  ].filter(Boolean)
  return extras.length
    ? `${result.status} (${extras.join(', ')})`
    : result.status
}

export function mirrorSummaryTitle(
  results: readonly MirrorResult[],
  dryRun: boolean
): string {
  const counts = countResults(results)
  const parts = [
    dryRun
      ? `${counts['would-copy']} to copy (dry run)`
      : `${counts.copied} copied`,
    `${counts.skipped} already there`,
    ...(counts.refused ? [`${counts.refused} refused`] : [])
  ]
  return `Mirror: ${parts.join(', ')}`
}

/**
 * One line per refusal, for the summary and the failure message: the chart,
 * why, and both digests when there are two. A chart copied whose signature or
 * referrer was refused counts too: something at the destination was not
 * overwritten, and someone must decide.
 */
export function refusalLines(results: readonly MirrorResult[]): string[] {
  const lines: string[] = []
  for (const r of results) {
    const what = `${r.chart} ${r.version} (${r.source} → ${r.destination})`
    if (r.status === 'refused')
      lines.push(
        `${what}: ${r.reason ?? 'refused'}${digests(r.digest, r.destinationDigest)}`
      )
    for (const related of r.related.filter(x => x.status === 'refused'))
      lines.push(
        `${what}, ${related.kind} ${related.reference}: ${related.reason ?? 'refused'}` +
          digests(related.digest, related.destinationDigest)
      )
  }
  return lines
}

function digests(source?: string, destination?: string): string {
  const both = [
    source ? `source ${source}` : '',
    destination ? `destination ${destination}` : ''
  ].filter(Boolean)
  return both.length ? ` [${both.join(', ')}]` : ''
}

/** Writes the job summary; `notes` are lines for under the table. */
export async function writeMirrorSummary(
  results: readonly MirrorResult[],
  dryRun: boolean,
  notes: readonly string[] = []
): Promise<void> {
  const summary = core.summary
    .addHeading(escapeHtml(mirrorSummaryTitle(results, dryRun)), 2)
    .addTable([
      HEADER.map(data => ({ data, header: true })),
      ...mirrorSummaryRows(results).map(row => row.map(code))
    ])
  const refused = refusalLines(results)
  if (refused.length)
    summary
      .addHeading('Refused', 3)
      .addList(refused.map(line => htmlWithCode(line)))
  if (notes.length)
    summary
      .addHeading('Notes', 3)
      .addList(notes.map(line => htmlWithCode(line)))
  await summary.write()
}

function code(value: string): string {
  return /^(oci:|https?:|sha256:|\d)/.test(value)
    ? `<code>${htmlLiteral(value)}</code>`
    : escapeHtml(value)
}
