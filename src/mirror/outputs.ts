// The mirror's outputs, from its results; set once, at the end of the run
// (also when it fails), so a later step sees what was and was not copied.
import * as core from '@actions/core'
import type { MirrorResult, MirrorStatus } from './types.js'

/**
 * The `mirrored` output: the results as the engine made them (types.ts's
 * MirrorResult), so the output's shape is documented in one place.
 */
export function mirroredJson(results: readonly MirrorResult[]): string {
  return JSON.stringify(results)
}

/** How many chart versions have each status. */
export function countResults(
  results: readonly MirrorResult[]
): Record<MirrorStatus, number> {
  const counts: Record<MirrorStatus, number> = {
    copied: 0,
    skipped: 0,
    refused: 0,
    'would-copy': 0
  }
  for (const result of results) counts[result.status]++
  return counts
}

export function setMirrorOutputs(results: readonly MirrorResult[]): void {
  const counts = countResults(results)
  core.setOutput('mirrored', mirroredJson(results))
  core.setOutput('copied', String(counts.copied))
  core.setOutput('skipped', String(counts.skipped))
  core.setOutput('refused', String(counts.refused))
}
