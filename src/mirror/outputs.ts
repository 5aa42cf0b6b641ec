// The mirror's outputs, from its outcomes; set once, at the end of the run
// (also when it fails), so a later step sees what was and was not copied.
import * as core from '@actions/core'
import type { MirrorOutcome, MirrorResult } from './types.js'

/** The `mirrored` output: every outcome, each with all its keys, in a fixed order. */
export function mirroredJson(outcomes: readonly MirrorOutcome[]): string {
  // Every key present (empty string for "none"): a workflow's fromJSON()
  // reads `.sourceDigest` the same way on every row.
  return JSON.stringify(
    outcomes.map(o => ({
      chart: o.chart,
      version: o.version,
      source: o.source,
      destination: o.destination,
      result: o.result,
      sourceDigest: o.sourceDigest ?? '',
      destinationDigest: o.destinationDigest ?? '',
      signatures: o.signatures,
      referrers: o.referrers,
      reason: o.reason ?? ''
    }))
  )
}

/** How many outcomes have each result. */
export function countResults(
  outcomes: readonly MirrorOutcome[]
): Record<MirrorResult, number> {
  const counts: Record<MirrorResult, number> = {
    copied: 0,
    skipped: 0,
    refused: 0,
    'would-copy': 0
  }
  for (const outcome of outcomes) counts[outcome.result]++
  return counts
}

export function setMirrorOutputs(outcomes: readonly MirrorOutcome[]): void {
  const counts = countResults(outcomes)
  core.setOutput('mirrored', mirroredJson(outcomes))
  core.setOutput('copied', String(counts.copied))
  core.setOutput('skipped', String(counts.skipped))
  core.setOutput('refused', String(counts.refused))
}
