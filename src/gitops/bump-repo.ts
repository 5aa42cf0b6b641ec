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
import { matcherFor } from './scan/match.js'
import type { ChartRef, ScanProblem, ScanResult } from './scan/types.js'
import { collectSources, findPins } from './tools/index.js'
import type { UnreadFile } from './files.js'
import { helmRepositories } from './tools/flux/pins.js'
import {
  buildAll,
  type BuildNote,
  type BuildReader
} from './tools/kustomize/build/tree.js'
import { namedRoots } from './tools/kustomize/build/named-roots.js'
import {
  adjustScan,
  overlayPlan,
  type OverlayPlan
} from './tools/kustomize/build/plan.js'
import {
  environmentChanges,
  type EnvironmentChange
} from './tools/kustomize/build/report.js'
import {
  helmChartEnvironments,
  type OutsidePins
} from './tools/kustomize/build/charts.js'
import type { ScanContext } from './scan/sources.js'

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
  /** Each Kustomize environment's effective version of the chart, moved or not. */
  environments?: EnvironmentChange[]
  /** What the Kustomize builds could not follow. */
  buildNotes?: BuildNote[]
}

/**
 * Two passes over the files: the sources that pins of other files name first
 * (Flux HelmRepositories: a HelmRelease may name one defined in another
 * file), then every pin. `texts` may leave out files of `paths` (the
 * gitops-paths files, in listing order) that cannot hold a pin
 * (scan/prefilter.ts); those a Kustomize build includes are read through
 * `reader` and scanned too, in their place.
 */
export function bumpRepository(
  texts: ReadonlyMap<string, string>,
  chart: ChartRef,
  version: BumpTarget,
  unread: readonly UnreadFile[] = [],
  reader: BuildReader = readerOf(texts),
  paths: readonly string[] = [...texts.keys()]
): RepoBump {
  const context = createScanContext()
  for (const [file, text] of texts) {
    collectSources(file, text, chart, context)
  }
  const inPaths = new Set(paths)
  const plan = planBuilds(reader, texts, chart, context, inPaths)
  const scanned = withBuildFiles(texts, paths, plan, reader)
  const result: RepoBump = {
    files: new Map(),
    changes: [],
    current: [],
    skipped: [],
    problems: [],
    notices: [],
    unread: [...unread],
    environments: [],
    buildNotes: plan.notes
  }
  for (const [file, text] of scanned) {
    const adjust = (scan: ScanResult): ScanResult =>
      adjustScan(plan, file, scan)
    const bump = bumpFile(file, text, chart, version, context, adjust)
    if (bump.changed) result.files.set(file, bump.text)
    result.changes.push(...bump.changes)
    result.current.push(...bump.current)
    result.skipped.push(...bump.skipped)
    result.problems.push(...bump.problems)
    result.notices.push(...bump.notices)
  }
  result.environments = [
    ...environmentChanges(plan.environments, result, inPaths),
    ...helmChartEnvironments(
      plan.roots,
      result,
      outsidePins(plan, reader, inPaths, chart, context)
    )
  ]
  return result
}

/**
 * The texts to scan for pins: `texts`, with the files of `paths` it left
 * out that a build reads (a patch may pin the chart without naming it),
 * in the order of `paths`.
 */
function withBuildFiles(
  texts: ReadonlyMap<string, string>,
  paths: readonly string[],
  plan: OverlayPlan & { filesRead: ReadonlySet<string> },
  reader: BuildReader
): ReadonlyMap<string, string> {
  if (paths.length === texts.size) return texts
  const built = new Set([
    ...plan.filesRead,
    ...plan.roots.flatMap(root => root.kustomizations)
  ])
  const scanned = new Map<string, string>()
  for (const file of paths) {
    const text =
      texts.get(file) ?? (built.has(file) ? reader.read(file) : undefined)
    if (text !== undefined) scanned.set(file, text)
  }
  return scanned
}

/**
 * The `helmCharts` pins of the builds' kustomizations outside gitops-paths:
 * read to name their environments, never edited.
 */
function outsidePins(
  plan: OverlayPlan,
  reader: BuildReader,
  inPaths: ReadonlySet<string>,
  chart: ChartRef,
  context: ScanContext
): OutsidePins {
  const files = new Set(plan.roots.flatMap(root => root.kustomizations))
  return [...files]
    .filter(file => !inPaths.has(file))
    .flatMap(file => {
      const text = reader.read(file)
      if (text === undefined) return []
      return findPins(file, text, chart, context).pins.map(pin => ({
        file: pin.file,
        line: pin.line,
        path: pin.path,
        kind: pin.kind,
        value: pin.current
      }))
    })
}

/** The files the globs matched, as the only files of the repository. */
function readerOf(texts: ReadonlyMap<string, string>): BuildReader {
  return { files: [...texts.keys()], read: file => texts.get(file) }
}

/**
 * The Kustomize builds of the whole repository (gitops-paths limits what is
 * edited, not what is read): the HelmRepositories of files read for them
 * that `texts` does not hold (outside the paths) join the scan's sources first.
 */
function planBuilds(
  reader: BuildReader,
  texts: ReadonlyMap<string, string>,
  chart: ChartRef,
  context: ScanContext,
  inPaths: ReadonlySet<string>
): OverlayPlan & { filesRead: ReadonlySet<string> } {
  // A file of the paths that `texts` left out cannot name a root (the
  // pre-filter keeps every one that may): it is not read again for them.
  const mayName = reader.files.filter(
    file => texts.has(file) || !inPaths.has(file)
  )
  const builds = buildAll(reader, namedRoots({ ...reader, files: mayName }))
  for (const file of builds.filesRead) {
    if (texts.has(file)) continue
    const text = reader.read(file)
    if (text !== undefined) collectSources(file, text, chart, context)
  }
  const plan = overlayPlan(builds, {
    repositories: context.sources.of(helmRepositories),
    matcher: matcherFor(chart)
  })
  return { ...plan, filesRead: builds.filesRead }
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
