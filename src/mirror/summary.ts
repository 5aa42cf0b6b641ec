// The mirror's job summary: one row per chart version, and each refusal
// spelled out under the table (both digests: someone must decide); a run
// stopped by an error says so, with the error.
import * as core from '@actions/core'
import { clip, escapeHtml, htmlLiteral, htmlWithCode } from '../markdown.js'
import { countResults } from './outputs.js'
import { digestPair, statusText } from './result-line.js'
import type { MirrorResult } from './types.js'

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

/** What the summary says beside the results. */
export interface SummaryExtras {
  /** Lines for under the table. */
  notes?: readonly string[]
  /** The error that stopped the run before its end. */
  stopped?: string
}

/** An error shown in the summary at most this long (characters). */
export const MAX_SHOWN_ERROR = 4000

/** The heading: what was copied, skipped, refused; `stopped` when cut short. */
export function mirrorSummaryTitle(
  results: readonly MirrorResult[],
  dryRun: boolean,
  stopped = false
): string {
  const counts = countResults(results)
  const parts = [
    dryRun
      ? `${counts['would-copy']} to copy (dry run)`
      : `${counts.copied} copied`,
    `${counts.skipped} already there`,
    ...(counts.refused ? [`${counts.refused} refused`] : [])
  ]
  return `Mirror${stopped ? ' stopped by an error' : ''}: ${parts.join(', ')}`
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
        `${what}: ${r.reason ?? 'refused'}${digestPair(r.digest, r.destinationDigest)}`
      )
    for (const related of r.related.filter(x => x.status === 'refused'))
      lines.push(
        `${what}, ${related.kind} ${related.reference}: ${related.reason ?? 'refused'}` +
          digestPair(related.digest, related.destinationDigest)
      )
  }
  return lines
}

/** Writes the job summary: the results, the refusals, then `extras`. */
export async function writeMirrorSummary(
  results: readonly MirrorResult[],
  dryRun: boolean,
  extras: SummaryExtras = {}
): Promise<void> {
  const { notes = [], stopped } = extras
  const title = mirrorSummaryTitle(results, dryRun, stopped !== undefined)
  const summary = core.summary
    .addHeading(escapeHtml(title), 2)
    .addTable([
      HEADER.map(data => ({ data, header: true })),
      ...mirrorSummaryRows(results).map(row => row.map(code))
    ])
  const refused = refusalLines(results)
  if (refused.length)
    summary
      .addHeading('Refused', 3)
      .addList(refused.map(line => htmlWithCode(line)))
  if (stopped !== undefined)
    summary
      .addHeading('Stopped', 3)
      .addRaw(`<p>${htmlWithCode(clip(stopped, MAX_SHOWN_ERROR))}</p>`, true)
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
