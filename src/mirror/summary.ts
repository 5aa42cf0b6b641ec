// The mirror's job summary: one row per chart version, and each refusal
// spelled out under the table (both digests: someone must decide).
import * as core from '@actions/core'
import { countResults } from './outputs.js'
import type { MirrorOutcome } from './types.js'

const HEADER = ['Chart', 'Version', 'Result', 'Source', 'Destination', 'Digest']

/** One row per chart version; pure, so tests can read it. */
export function mirrorSummaryRows(
  outcomes: readonly MirrorOutcome[]
): string[][] {
  return outcomes.map(o => [
    o.chart,
    o.version,
    resultText(o),
    o.source,
    o.destination,
    o.destinationDigest ?? o.sourceDigest ?? ''
  ])
}

function resultText(outcome: MirrorOutcome): string {
  const extras = [
    outcome.signatures ? `${outcome.signatures} signature(s)` : '',
    outcome.referrers ? `${outcome.referrers} referrer(s)` : ''
  ].filter(Boolean)
  return extras.length
    ? `${outcome.result} (${extras.join(', ')})`
    : outcome.result
}

export function mirrorSummaryTitle(
  outcomes: readonly MirrorOutcome[],
  dryRun: boolean
): string {
  const counts = countResults(outcomes)
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
 * why, and both digests when there are two.
 */
export function refusalLines(outcomes: readonly MirrorOutcome[]): string[] {
  return outcomes
    .filter(o => o.result === 'refused')
    .map(o => {
      const digests = [
        o.sourceDigest ? `source ${o.sourceDigest}` : '',
        o.destinationDigest ? `destination ${o.destinationDigest}` : ''
      ].filter(Boolean)
      const what = `${o.chart} ${o.version} (${o.source} → ${o.destination})`
      return `${what}: ${o.reason ?? 'refused'}${digests.length ? ` [${digests.join(', ')}]` : ''}`
    })
}

/** Writes the job summary; `notes` are lines for under the table. */
export async function writeMirrorSummary(
  outcomes: readonly MirrorOutcome[],
  dryRun: boolean,
  notes: readonly string[] = []
): Promise<void> {
  const summary = core.summary
    .addHeading(escapeHtml(mirrorSummaryTitle(outcomes, dryRun)), 2)
    .addTable([
      HEADER.map(data => ({ data, header: true })),
      ...mirrorSummaryRows(outcomes).map(row => row.map(code))
    ])
  const refused = refusalLines(outcomes)
  if (refused.length)
    summary.addHeading('Refused', 3).addList(refused.map(escapeHtml))
  if (notes.length)
    summary.addHeading('Notes', 3).addList(notes.map(escapeHtml))
  await summary.write()
}

function code(value: string): string {
  return /^(oci:|https?:|sha256:|\d)/.test(value)
    ? `<code>${escapeHtml(value)}</code>`
    : escapeHtml(value)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, c => `&#${c.charCodeAt(0)};`)
}
