// Bumps every pin of a chart across a repository's files. Pure: the caller
// reads the files; this decides what changes.
import { withoutDigest } from './digest-pin.js'
import {
  bumpFile,
  type BumpTarget,
  type PinChange,
  type PinCurrent,
  type PinSkip
} from './edit.js'
import { classifyVersion, precedence } from './version-range.js'
import { createScanContext } from './scan/sources.js'
import type { ChartRef, ScanProblem } from './scan/types.js'
import { collectSources } from './tools/index.js'
import type { UnreadFile } from './files.js'

export interface RepoBump {
  /** New texts of the files that change, by repository path. */
  files: Map<string, string>
  changes: PinChange[]
  current: PinCurrent[]
  skipped: PinSkip[]
  problems: ScanProblem[]
  notices: string[]
  /** Files that match the globs but were not scanned (too large, unsafe name or encoding). */
  unread: UnreadFile[]
  /** What happened to the umbrella charts' Chart.lock (lock/umbrella.ts): updated, or left alone and why. */
  lockfiles?: string[]
}

/**
 * Two passes over the files: the sources that pins of other files name first
 * (Flux HelmRepositories: a HelmRelease may name one defined in another
 * file), then every pin.
 */
export function bumpRepository(
  texts: ReadonlyMap<string, string>,
  chart: ChartRef,
  version: BumpTarget,
  unread: readonly UnreadFile[] = []
): RepoBump {
  const context = createScanContext()
  for (const [file, text] of texts) {
    collectSources(file, text, chart, context)
  }
  const result: RepoBump = {
    files: new Map(),
    changes: [],
    current: [],
    skipped: [],
    problems: [],
    notices: [],
    unread: [...unread]
  }
  for (const [file, text] of texts) {
    const bump = bumpFile(file, text, chart, version, context)
    if (bump.changed) result.files.set(file, bump.text)
    result.changes.push(...bump.changes)
    result.current.push(...bump.current)
    result.skipped.push(...bump.skipped)
    result.problems.push(...bump.problems)
    result.notices.push(...bump.notices)
  }
  return result
}

/**
 * The pins left alone because they are newer than `version` (never
 * downgraded): a branch holding one was bumped by a later release.
 */
export function newerPins(bump: RepoBump, version: string): PinSkip[] {
  return bump.skipped.filter(skip => {
    // `1.4.0@sha256:…` is a newer pin too.
    const value = classifyVersion(withoutDigest(skip.value))
    return value.kind === 'exact' && precedence(value.version, version) > 0
  })
}
