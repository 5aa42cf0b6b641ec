// From the builds to pins: in each environment (a root's build), every Flux
// HelmRelease and Argo CD Application whose effective chart (after all
// patches) is ours, and who wrote its effective version
// (`spec.chart.spec.version`, `spec.source.targetRevision`). A patch that writes it is a
// pin even without `sourceRef` or `repoURL` (the base it patches names the
// chart); a
// version in the base that every environment overrides applies nowhere and
// is left alone, so that the bump edits exactly what moves an environment.
// Pure.
import type { ChartMatcher } from '../../../scan/match.js'
import type {
  Pin,
  PinKind,
  ScanProblem,
  ScanResult
} from '../../../scan/types.js'
import { ARGOCD_KINDS, sourceReference } from '../../argocd/pins.js'
import {
  FLUX_KINDS,
  findRepository,
  type HelmRepositorySource
} from '../../flux/pins.js'
import type { Builds, BuildNote, BuildRoot } from './tree.js'
import { walkPath, type PlainMap } from '../../../places/plain.js'
import {
  VERSION_PATHS,
  isApplication,
  resourceName,
  versionPathOf,
  type BuiltResource,
  type TrackedPath,
  type Written
} from './resource.js'

/** One environment's HelmRelease or Application of the chart, and who writes its version. */
export interface EnvironmentPin {
  environment: string
  resource: string
  /** The kind of pin its version is (`flux-helmrelease`, `argocd-application`…). */
  kind: PinKind
  /** The YAML path of its version. */
  path: TrackedPath
  /** Where the resource is defined. */
  definedIn: { file: string; line: number }
  /** The effective version and who wrote it; unset when none is. */
  version?: Written
  /** Set when a patch makes this HelmRelease install another chart. */
  otherChart?: string
  /** The HelmRelease as the environment applies it (patches applied). */
  effective: PlainMap
}

/** What the builds change about a scan. */
export interface OverlayPlan {
  environments: EnvironmentPin[]
  /** Every root and the kustomizations it includes (their `helmCharts`). */
  roots: BuildRoot[]
  notes: BuildNote[]
  /** Pins written in patches, by file (the scan does not find them). */
  extraPins: Map<string, Pin[]>
  /** Base pins no environment reads, by file and offset: why they stay. */
  overridden: Map<string, Map<number, string>>
  /** Files whose HelmReleases get a version from a patch in every environment. */
  versionedByPatches: Set<string>
}

type Fields = BuiltResource['fields']

/** What tells whether a resource's chart is ours. */
export interface ChartSources {
  /** Flux HelmRepositories the scan found (a HelmRelease names one). */
  repositories: readonly HelmRepositorySource[]
  /** The chart's coordinates (an Application's source names them). */
  matcher: ChartMatcher
}

/** The resource as its own file, or a build, writes it. */
interface Identity {
  apiVersion: string
  kind: string
  namespace: string
  fields: Fields
}

/** The kind of pin the resource's version is when it installs our chart. */
export function pinKindOf(
  resource: Identity,
  sources: ChartSources
): PinKind | undefined {
  const value = (path: TrackedPath): string | undefined =>
    resource.fields[path]?.value
  if (isApplication(resource.apiVersion, resource.kind)) {
    // Matched as argocd/pins.ts matches an Application's source as written.
    const reference = sourceReference(
      sources.matcher,
      value('spec.source.repoURL'),
      value('spec.source.chart'),
      resource.fields['spec.source.chart'] !== undefined
    )
    if (reference === undefined) return undefined
    return reference === 'native' ? ARGOCD_KINDS.oci : ARGOCD_KINDS.application
  }
  if (value('spec.chart.spec.sourceRef.kind') !== 'HelmRepository')
    return undefined
  const repository = findRepository(sources.repositories, {
    name: value('spec.chart.spec.sourceRef.name'),
    namespace:
      value('spec.chart.spec.sourceRef.namespace') ??
      (resource.namespace || undefined),
    chart: value('spec.chart.spec.chart')
  })
  return repository !== undefined && !repository.servedOverHttp
    ? FLUX_KINDS.helmRelease
    : undefined
}

/**
 * An Application whose build sets `spec.sources`: Argo CD reads its sources
 * then, never `spec.source` (pkg/apis/application/v1alpha1/types.go,
 * `ApplicationSpec.HasMultipleSources`).
 */
function ignoresSource(resource: BuiltResource): boolean {
  if (!isApplication(resource.apiVersion, resource.kind)) return false
  const sources = walkPath(resource.value, 'spec.sources')
  return Array.isArray(sources) && sources.length > 0
}

/** The resource before any patch: its own file's fields. */
function asWritten(resource: BuiltResource): Identity {
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    namespace: resource.orgNamespace,
    fields: resource.original
  }
}

/** Every environment's resource whose own file or effective build pins the chart. */
export function environmentPins(
  builds: Builds,
  sources: ChartSources
): EnvironmentPin[] {
  const pins: EnvironmentPin[] = []
  for (const { root, resources } of builds.environments) {
    for (const resource of resources) {
      const ours = pinKindOf(resource, sources)
      const wasOurs = pinKindOf(asWritten(resource), sources)
      const kind = ours ?? wasOurs
      if (kind === undefined) continue
      const path = versionPathOf(resource)
      const pin: EnvironmentPin = {
        environment: root || '.',
        resource: resourceName(resource),
        kind,
        path,
        definedIn: { file: resource.file, line: resource.line },
        effective: resource.value
      }
      const version = resource.fields[path]
      if (version) pin.version = version
      if (!ours)
        pin.otherChart =
          'a patch makes it install another chart, or from another source'
      else if (ignoresSource(resource))
        pin.otherChart =
          'spec.sources is set, so Argo CD installs its sources and ignores spec.source; several sources are not followed through overlays'
      pins.push(pin)
    }
  }
  return pins
}

const key = (file: string, start: number): string => `${file}\0${start}`

/** The plan: extra pins in patches, base pins overridden everywhere. */
export function overlayPlan(
  builds: Builds,
  sources: ChartSources
): OverlayPlan {
  const environments = environmentPins(builds, sources)
  const writers = new Map<string, EnvironmentPin[]>()
  for (const pin of environments) {
    const span = !pin.otherChart && pin.version?.span
    if (!span || !pin.version) continue
    const k = key(pin.version.file, span.start)
    writers.set(k, [...(writers.get(k) ?? []), pin])
  }
  return {
    environments,
    roots: builds.roots,
    notes: dedupeNotes(builds.notes),
    extraPins: extraPins(writers),
    overridden: overriddenBases(builds, sources, writers),
    versionedByPatches: versionedByPatches(environments)
  }
}

function extraPins(writers: Map<string, EnvironmentPin[]>): Map<string, Pin[]> {
  const byFile = new Map<string, Pin[]>()
  for (const pins of writers.values()) {
    const written = pins[0].version
    const span = written?.span
    if (!written || !span) continue
    const names = pins.map(pin => pin.environment).join(', ')
    const { kind, path } = pins[0]
    const pin: Pin = {
      file: written.file,
      line: span.line,
      column: span.column,
      kind,
      path,
      current: span.current,
      start: span.start,
      end: span.end,
      quote: span.quote,
      note: `${pins[0].resource}, effective in ${names}`
    }
    // argocd/pins.ts: a native OCI source's revision may carry a digest.
    if (kind === ARGOCD_KINDS.oci) pin.digest = { form: 'suffix' }
    if (span.quote === 'block')
      pin.blocked = 'the version is a block scalar; edit it by hand'
    byFile.set(written.file, [...(byFile.get(written.file) ?? []), pin])
  }
  return byFile
}

/** A base version every build including it overrides: no environment reads it. */
function overriddenBases(
  builds: Builds,
  sources: ChartSources,
  writers: Map<string, EnvironmentPin[]>
): Map<string, Map<number, string>> {
  const result = new Map<string, Map<number, string>>()
  const byBase = new Map<string, { span: number; file: string; by: string[] }>()
  for (const { root, resources } of builds.environments) {
    for (const resource of resources) {
      const path = versionPathOf(resource)
      const base = resource.original[path]
      if (!base?.span || !pinKindOf(asWritten(resource), sources)) continue
      const k = key(base.file, base.span.start)
      const entry = byBase.get(k) ?? {
        span: base.span.start,
        file: base.file,
        by: []
      }
      const now = resource.fields[path]
      if (!writers.has(k)) {
        const where = now
          ? `${now.file} line ${now.line}`
          : 'a patch that deletes it'
        entry.by.push(`${root || '.'} (${where})`)
      } else entry.by.push('')
      byBase.set(k, entry)
    }
  }
  for (const { file, span, by } of byBase.values()) {
    if (by.some(reason => reason === '')) continue
    const reason = `every Kustomize build that includes it overrides it with a patch: ${by.join(', ')}; this value applies nowhere, so it is left alone`
    const inFile = result.get(file) ?? new Map<number, string>()
    inFile.set(span, reason)
    result.set(file, inFile)
  }
  return result
}

function versionedByPatches(pins: readonly EnvironmentPin[]): Set<string> {
  const files = new Set(pins.map(pin => pin.definedIn.file))
  for (const pin of pins) if (!pin.version) files.delete(pin.definedIn.file)
  return files
}

function dedupeNotes(notes: readonly BuildNote[]): BuildNote[] {
  const seen = new Set<string>()
  return notes.filter(note => {
    const k = `${note.file}\0${note.line}\0${note.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** The scan of one file with the plan applied: patch pins added, overridden base pins blocked. */
export function adjustScan(
  plan: OverlayPlan,
  file: string,
  scan: ScanResult
): ScanResult {
  const overridden = plan.overridden.get(file)
  const pins = scan.pins.map(pin => {
    const reason = overridden?.get(pin.start)
    return reason && !pin.blocked ? { ...pin, blocked: reason } : pin
  })
  const starts = new Set(pins.map(pin => pin.start))
  for (const extra of plan.extraPins.get(file) ?? [])
    if (!starts.has(extra.start)) pins.push(extra)
  pins.sort((a, b) => a.start - b.start)
  const problems = scan.problems.filter(problem => !covered(plan, problem))
  return { pins, problems }
}

/** "version is not set" in a base whose every environment sets it in a patch. */
function covered(plan: OverlayPlan, problem: ScanProblem): boolean {
  return (
    plan.versionedByPatches.has(problem.file) &&
    [...VERSION_PATHS].some(path =>
      problem.message.startsWith(`${path} is not set`)
    )
  )
}
