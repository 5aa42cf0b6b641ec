// Each chart version's result in words, one line: what the log says in the
// version's group (copied, skipped or refused, with its digest), and what the
// summary's status cell and refusal list reuse, so both read alike. Pure.
import type { MirrorResult, RelatedResult } from './types.js'

/**
 * One log line for a chart version: its status, where from and to, and its
 * digest; a refusal's reason with both digests when they differ. A classic
 * package's digest is the package's sha256 (the destination's manifest
 * digest is Helm's, logged by the push).
 */
export function resultLine(result: MirrorResult): string {
  const head = `${result.chart} ${result.version} ${statusText(result)}`
  if (result.status === 'refused')
    return (
      `${head}: ${result.reason ?? 'refused'}` +
      digestPair(result.digest, result.destinationDigest)
    )
  const digest = result.digest
    ? ` (${result.source.startsWith('oci://') ? '' : 'package '}${result.digest})`
    : ''
  const where =
    result.status === 'skipped'
      ? `${result.destination} already holds ${result.source}`
      : `${result.source} → ${result.destination}`
  const dry = result.status === 'would-copy' ? ' (dry run)' : ''
  const beside = result.reason ? `; not copied beside it: ${result.reason}` : ''
  return `${head}: ${where}${digest}${dry}${beside}`
}

/** The status, with the signatures and referrers that travelled with it. */
export function statusText(result: MirrorResult): string {
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

/** ` [source …, destination …]`, for what two digests tell apart. */
export function digestPair(source?: string, destination?: string): string {
  const both = [
    source ? `source ${source}` : '',
    destination ? `destination ${destination}` : ''
  ].filter(Boolean)
  return both.length ? ` [${both.join(', ')}]` : ''
}
