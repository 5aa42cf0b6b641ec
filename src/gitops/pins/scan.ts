// Finds every place in one GitOps file that pins a chart's version: Argo CD
// Applications and ApplicationSets, Flux OCIRepository and HelmRelease,
// Kustomize helmCharts and Helm umbrella Chart.yaml dependencies. Pure: no
// I/O. Each pin carries the exact source span of its version scalar, so
// `edit.ts` can rewrite those bytes and nothing else.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Scalar,
  type YAMLMap
} from 'yaml'
import {
  budgetFor,
  Resolver,
  ScanLimitError,
  type Field
} from './merge-keys.js'

/** The chart being released: it lives at `oci://<registry>/<repository>/<name>`. */
export interface ChartRef {
  readonly name: string
  /** host[:port], e.g. `ghcr.io` (compared case-insensitively). */
  readonly registry: string
  /** Path inside the registry, e.g. `acme/charts`. */
  readonly repository: string
}

/** Which kind of resource holds a pin. */
export type PinKind =
  | 'argocd-application'
  | 'argocd-applicationset'
  | 'argocd-oci'
  | 'flux-ocirepository'
  | 'flux-helmrelease'
  | 'kustomize-helmchart'
  | 'helm-dependency'

/** How the version is written in the source: edits keep the same style. */
export type QuoteStyle = 'plain' | 'single' | 'double' | 'block' | 'alias'

/** One place that pins the chart's version. */
export interface Pin {
  file: string
  /** 1-based line and column of the version scalar. */
  line: number
  column: number
  kind: PinKind
  /** YAML path of the version, e.g. `spec.sources[1].targetRevision`. */
  path: string
  /** The pinned value as YAML reads it (without quotes). */
  current: string
  /** Offsets in the text (string indices) of the scalar's source, quotes included. */
  start: number
  end: number
  quote: QuoteStyle
  /** Extra detail for the report, e.g. which HelmRepository matched. */
  note?: string
  /** Set when the pin must be left alone whatever its value; says why. */
  blocked?: string
}

/** Something the user should know about a file: it was not (fully) scanned. */
export interface ScanProblem {
  file: string
  line: number
  message: string
}

/** Pins and problems found in one file. */
export interface ScanResult {
  pins: Pin[]
  problems: ScanProblem[]
}

/** A Flux HelmRepository (type oci) that serves the chart's repository. */
export interface HelmRepositorySource {
  file: string
  line: number
  name: string
  namespace?: string
}

/** A parsed file, kept between the two passes so no file is parsed twice. */
export interface ParsedFile {
  text: string
  docs: Document.Parsed[]
  lines: LineCounter
  problem?: ScanProblem
}

/** What the first pass learns about the whole repository. */
export interface ScanContext {
  readonly helmRepositories: HelmRepositorySource[]
  readonly parsed: Map<string, ParsedFile>
}

/** An empty context for `collectHelmRepositories` to fill. */
export function createScanContext(): ScanContext {
  return { helmRepositories: [], parsed: new Map() }
}

interface Matcher {
  chart: ChartRef
  host: string
  hostRe: RegExp
  /** `<repository>`: where classic Helm-style references point. */
  repoPath: string
  /** `<repository>/<name>`: where native OCI references point. */
  chartPath: string
}

const matchers = new WeakMap<ChartRef, Matcher>()

function matcherFor(chart: ChartRef): Matcher {
  let matcher = matchers.get(chart)
  if (!matcher) {
    const host = chart.registry.trim().replace(/\/+$/, '').toLowerCase()
    const repoPath = chart.repository.trim().replace(/^\/+|\/+$/g, '')
    const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    matcher = {
      chart,
      host,
      hostRe: new RegExp(escaped, 'i'),
      repoPath,
      chartPath: repoPath ? `${repoPath}/${chart.name}` : chart.name
    }
    matchers.set(chart, matcher)
  }
  return matcher
}

/** Host (lowercased) and path of an OCI reference; undefined for other schemes. */
function ociLocation(
  url: string,
  requireScheme: boolean
): { host: string; path: string } | undefined {
  let rest = url.trim()
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)
  if (scheme) {
    if (scheme[1].toLowerCase() !== 'oci') return undefined
    rest = rest.slice(scheme[0].length)
  } else if (requireScheme) {
    return undefined
  }
  rest = rest.replace(/\/+$/, '')
  const slash = rest.indexOf('/')
  if (slash < 0) return { host: rest.toLowerCase(), path: '' }
  return {
    host: rest.slice(0, slash).toLowerCase(),
    path: rest.slice(slash + 1)
  }
}

function pointsAt(
  m: Matcher,
  url: string | undefined,
  path: string,
  requireScheme: boolean
): boolean {
  if (url === undefined) return false
  const location = ociLocation(url, requireScheme)
  return location?.host === m.host && location.path === path
}

type FileRole = 'chart' | 'kustomization' | 'manifests'

function fileRole(file: string): FileRole | undefined {
  const base = file.slice(
    Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1
  )
  if (base === 'Chart.yaml') return 'chart'
  if (/^(?:kustomization\.ya?ml|Kustomization)$/.test(base))
    return 'kustomization'
  return /\.ya?ml$/i.test(base) ? 'manifests' : undefined
}

function parseText(file: string, text: string): ParsedFile {
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines })
  const parsed: ParsedFile = { text, docs: Array.from(docs), lines }
  const error = parsed.docs.flatMap(doc => doc.errors)[0]
  if (error) {
    const line = error.linePos?.[0].line ?? lines.linePos(error.pos[0]).line
    const reason = error.message.split('\n')[0].replace(/ at line \d+.*$/, '')
    parsed.problem = {
      file,
      line,
      message: `YAML does not parse (${reason}); the file is left unchanged.`
    }
  }
  return parsed
}

function parseOnce(
  file: string,
  text: string,
  context?: ScanContext
): ParsedFile {
  const cached = context?.parsed.get(file)
  if (cached?.text === text) {
    context?.parsed.delete(file)
    return cached
  }
  return parseText(file, text)
}

// ---------------------------------------------------------------------------
// Reading the YAML tree. A `Loc` is a mapping plus its path; `alias` records
// that it was reached through an alias or merge key, so a version under it
// is shared with another place and must not be edited from here.

interface Loc {
  node: YAMLMap
  path: string
  alias: boolean
}

interface Walk {
  file: string
  text: string
  parsed: ParsedFile
  doc: Document.Parsed
  m: Matcher
  result: ScanResult
  repositories: HelmRepositorySource[]
  r: Resolver
}

function child(w: Walk, loc: Loc, key: string): Loc | undefined {
  const found = w.r.field(loc.node, key)
  const node = found && w.r.deref(found.value)
  if (!found || !isMap(node)) return undefined
  const alias = loc.alias || found.merged || isAlias(found.value)
  return { node, path: join(loc.path, key), alias }
}

function children(w: Walk, loc: Loc, key: string): Loc[] {
  const found = w.r.field(loc.node, key)
  const seq = found && w.r.deref(found.value)
  if (!found || !isSeq(seq)) return []
  const locs: Loc[] = []
  seq.items.forEach((item, index) => {
    const node = w.r.deref(item)
    const alias =
      loc.alias || found.merged || isAlias(found.value) || isAlias(item)
    if (isMap(node))
      locs.push({ node, path: `${join(loc.path, key)}[${index}]`, alias })
  })
  return locs
}

function str(w: Walk, loc: Loc, key: string): string | undefined {
  const found = w.r.field(loc.node, key)
  const node = found && w.r.deref(found.value)
  return isScalar(node) && typeof node.value === 'string'
    ? node.value
    : undefined
}

function has(w: Walk, loc: Loc, key: string): boolean {
  return w.r.field(loc.node, key) !== undefined
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key
}

function lineOf(
  w: Walk,
  node: { range?: [number, number, number] | null }
): number {
  return w.parsed.lines.linePos(node.range?.[0] ?? 0).line
}

function problem(w: Walk, loc: Loc, message: string): void {
  w.result.problems.push({ file: w.file, line: lineOf(w, loc.node), message })
}

// ---------------------------------------------------------------------------
// Pins.

const QUOTES: Record<string, QuoteStyle> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
  BLOCK_LITERAL: 'block',
  BLOCK_FOLDED: 'block'
}

/** Records the version at `loc.key` as a pin; a missing version is a problem. */
function addPin(
  w: Walk,
  loc: Loc,
  key: string,
  kind: PinKind,
  extra: { note?: string; blocked?: string } = {}
): void {
  const found = w.r.field(loc.node, key)
  const path = join(loc.path, key)
  if (!found) {
    problem(
      w,
      loc,
      `${path} is not set, so there is no version to bump; set it to an exact version to have releases bump it.`
    )
    return
  }
  const pin = pinOf(w, found.value, path, kind)
  if (!pin) {
    problem(w, loc, `${path} is not a single version value; it is left alone.`)
    return
  }
  const blocked = extra.blocked ?? sharedReason(w, loc, found, pin)
  w.result.pins.push({
    ...pin,
    ...stripUndefined({ note: extra.note, blocked })
  })
}

function pinOf(
  w: Walk,
  value: unknown,
  path: string,
  kind: PinKind
): Pin | undefined {
  const target = w.r.deref(value)
  const range = isAlias(value) || isScalar(value) ? value.range : undefined
  if (!isScalar(target) || !range) return undefined
  const [start, end] = range
  const { line, col } = w.parsed.lines.linePos(start)
  const quote = isAlias(value)
    ? 'alias'
    : (QUOTES[target.type ?? 'PLAIN'] ?? 'plain')
  return {
    file: w.file,
    line,
    column: col,
    kind,
    path,
    current: scalarText(w, target),
    start,
    end,
    quote
  }
}

/** The scalar as a string: a plain `1.10` stays `1.10`, not the number 1.1. */
function scalarText(w: Walk, node: Scalar): string {
  if (typeof node.value === 'string') return node.value
  if (node.value === null || !node.range) return ''
  return w.text.slice(node.range[0], node.range[1])
}

function sharedReason(
  w: Walk,
  loc: Loc,
  found: Field,
  pin: Pin
): string | undefined {
  if (isAlias(found.value)) {
    return `the value is the alias ${w.text.slice(pin.start, pin.end)}; it changes only with its anchor`
  }
  if (loc.alias || found.merged) {
    return 'the value is shared through a YAML alias or merge key; bump it where the anchor is defined'
  }
  if (pin.quote === 'block')
    return 'the version is a block scalar; edit it by hand'
  return undefined
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined)
  ) as Partial<T>
}

// ---------------------------------------------------------------------------
// Argo CD.

function argoSources(w: Walk, spec: Loc, kind: PinKind): void {
  const single = child(w, spec, 'source')
  if (single) argoSource(w, single, kind)
  for (const source of children(w, spec, 'sources')) argoSource(w, source, kind)
}

function argoSource(w: Walk, source: Loc, kind: PinKind): void {
  const repoURL = str(w, source, 'repoURL')
  const chart = str(w, source, 'chart')
  const classic =
    chart === w.m.chart.name && pointsAt(w.m, repoURL, w.m.repoPath, false)
  const native =
    !has(w, source, 'chart') && pointsAt(w.m, repoURL, w.m.chartPath, true)
  if (!classic && !native) return
  const pinKind = native && kind === 'argocd-application' ? 'argocd-oci' : kind
  if (has(w, source, 'ref')) {
    addPin(w, source, 'targetRevision', pinKind, {
      blocked:
        'the source has `ref:`, so other sources read files from it; it is left alone'
    })
    return
  }
  addPin(
    w,
    source,
    'targetRevision',
    pinKind,
    native ? { note: 'native OCI source' } : {}
  )
}

function argoApplication(w: Walk, root: Loc, kind: string | undefined): void {
  const spec = child(w, root, 'spec')
  if (!spec) return
  if (kind === 'Application') argoSources(w, spec, 'argocd-application')
  if (kind !== 'ApplicationSet') return
  // templatePatch is a Go-template string: its text is not a pin.
  const template = child(w, spec, 'template')
  const templateSpec = template && child(w, template, 'spec')
  if (templateSpec) argoSources(w, templateSpec, 'argocd-applicationset')
}

// ---------------------------------------------------------------------------
// Flux.

function fluxOciRepository(w: Walk, root: Loc): void {
  const spec = child(w, root, 'spec')
  if (!spec || !pointsAt(w.m, str(w, spec, 'url'), w.m.chartPath, true)) return
  const ref = child(w, spec, 'ref')
  if (!ref) {
    problem(
      w,
      spec,
      'spec.ref is not set, so Flux follows the `latest` tag; set spec.ref.tag to pin it.'
    )
    return
  }
  // Flux's precedence: digest, then semver, then tag.
  if (has(w, ref, 'digest')) {
    addPin(w, ref, 'digest', 'flux-ocirepository', {
      blocked:
        'Flux pins spec.ref.digest, which wins over a tag; it is left alone'
    })
  } else if (has(w, ref, 'semver')) {
    addPin(w, ref, 'semver', 'flux-ocirepository', {
      blocked: 'Flux resolves spec.ref.semver itself'
    })
  } else {
    addPin(w, ref, 'tag', 'flux-ocirepository')
  }
}

function helmRepositoryOf(
  w: Walk,
  root: Loc
): HelmRepositorySource | undefined {
  const spec = child(w, root, 'spec')
  const metadata = child(w, root, 'metadata')
  const name = metadata && str(w, metadata, 'name')
  if (!spec || !name || str(w, spec, 'type') !== 'oci') return undefined
  if (!pointsAt(w.m, str(w, spec, 'url'), w.m.repoPath, true)) return undefined
  const namespace = str(w, metadata, 'namespace')
  return {
    file: w.file,
    line: lineOf(w, root.node),
    name,
    ...stripUndefined({ namespace })
  }
}

function fluxHelmRelease(w: Walk, root: Loc): void {
  const spec = child(w, root, 'spec')
  const chart = spec && child(w, spec, 'chart')
  const chartSpec = chart && child(w, chart, 'spec')
  const sourceRef = chartSpec && child(w, chartSpec, 'sourceRef')
  if (!chartSpec || !sourceRef) return
  if (str(w, chartSpec, 'chart') !== w.m.chart.name) return
  if (str(w, sourceRef, 'kind') !== 'HelmRepository') return
  const metadata = child(w, root, 'metadata')
  const namespace =
    str(w, sourceRef, 'namespace') ??
    (metadata && str(w, metadata, 'namespace'))
  const repository = findRepository(w, str(w, sourceRef, 'name'), namespace)
  if (!repository) return
  const where =
    repository.file === w.file
      ? `line ${repository.line}`
      : `${repository.file}:${repository.line}`
  addPin(w, chartSpec, 'version', 'flux-helmrelease', {
    note: `HelmRepository ${repository.name} (${where})`
  })
}

function findRepository(
  w: Walk,
  name: string | undefined,
  namespace: string | undefined
): HelmRepositorySource | undefined {
  // An unset namespace is filled in at apply time (kustomize, flux
  // targetNamespace), so it matches any namespace.
  return w.repositories.find(
    r =>
      r.name === name &&
      (!r.namespace || !namespace || r.namespace === namespace)
  )
}

// ---------------------------------------------------------------------------
// Kustomize and Helm.

function kustomizeHelmCharts(
  w: Walk,
  root: Loc,
  kind: string | undefined,
  apiVersion: string | undefined
): void {
  const isKustomization =
    kind === undefined ||
    (kind === 'Kustomization' &&
      apiVersion?.startsWith('kustomize.config.k8s.io/'))
  if (!isKustomization) return
  for (const entry of children(w, root, 'helmCharts')) {
    if (str(w, entry, 'name') !== w.m.chart.name) continue
    if (pointsAt(w.m, str(w, entry, 'repo'), w.m.repoPath, true)) {
      addPin(w, entry, 'version', 'kustomize-helmchart')
    }
  }
}

function helmDependencies(w: Walk, root: Loc): void {
  for (const dependency of children(w, root, 'dependencies')) {
    if (str(w, dependency, 'name') !== w.m.chart.name) continue
    if (pointsAt(w.m, str(w, dependency, 'repository'), w.m.repoPath, true)) {
      addPin(w, dependency, 'version', 'helm-dependency')
    }
  }
}

// ---------------------------------------------------------------------------
// Files.

function rootOf(w: Walk): Loc | undefined {
  const node = w.doc.contents
  return isMap(node) ? { node, path: '', alias: false } : undefined
}

function scanDocument(w: Walk, role: FileRole): void {
  const root = rootOf(w)
  if (!root) return
  const apiVersion = str(w, root, 'apiVersion')
  const kind = str(w, root, 'kind')
  if (role === 'chart') {
    helmDependencies(w, root)
  } else if (role === 'kustomization') {
    kustomizeHelmCharts(w, root, kind, apiVersion)
  } else if (apiVersion) {
    scanManifest(w, root, apiVersion.slice(0, apiVersion.indexOf('/')), kind)
  }
}

function scanManifest(
  w: Walk,
  root: Loc,
  group: string,
  kind: string | undefined
): void {
  if (group === 'argoproj.io') {
    argoApplication(w, root, kind)
  } else if (group === 'source.toolkit.fluxcd.io' && kind === 'OCIRepository') {
    fluxOciRepository(w, root)
  } else if (group === 'helm.toolkit.fluxcd.io' && kind === 'HelmRelease') {
    fluxHelmRelease(w, root)
  }
}

function isHelmRepository(w: Walk, root: Loc): boolean {
  return (
    str(w, root, 'kind') === 'HelmRepository' &&
    (str(w, root, 'apiVersion') ?? '').startsWith('source.toolkit.fluxcd.io/')
  )
}

function walks(
  file: string,
  parsed: ParsedFile,
  m: Matcher,
  repositories: HelmRepositorySource[]
): Walk[] {
  const result: ScanResult = { pins: [], problems: [] }
  const budget = budgetFor(parsed.text)
  return parsed.docs.map(doc => ({
    file,
    text: parsed.text,
    parsed,
    doc,
    m,
    result,
    repositories,
    r: new Resolver(doc, budget)
  }))
}

/** Runs `scan`; a file whose aliases make too much work becomes a problem. */
function bounded<T>(file: string, scan: () => T): T | ScanProblem {
  try {
    return scan()
  } catch (error) {
    if (!(error instanceof ScanLimitError)) throw error
    return { file, line: 1, message: error.message }
  }
}

function isProblem(value: object): value is ScanProblem {
  return 'message' in value
}

function repositoriesIn(ws: Walk[]): HelmRepositorySource[] {
  const found: HelmRepositorySource[] = []
  for (const w of ws) {
    const root = rootOf(w)
    const repository =
      root && isHelmRepository(w, root) ? helmRepositoryOf(w, root) : undefined
    if (repository) found.push(repository)
  }
  return found
}

/**
 * First pass: records the Flux HelmRepositories (type oci) that serve the
 * chart's repository, so `findPins` can match HelmReleases in other files.
 * Files it parses are kept in `context` for `findPins`.
 */
export function collectHelmRepositories(
  file: string,
  text: string,
  chart: ChartRef,
  context: ScanContext
): void {
  const m = matcherFor(chart)
  if (fileRole(file) !== 'manifests') return
  if (!text.includes('HelmRepository') || !m.hostRe.test(text)) return
  const parsed = parseText(file, text)
  context.parsed.set(file, parsed)
  if (parsed.problem) return
  const found = bounded(file, () => repositoriesIn(walks(file, parsed, m, [])))
  if (isProblem(found)) parsed.problem = found
  else context.helmRepositories.push(...found)
}

// Words a file must contain to hold a pin, by role.
const MARKERS: Record<FileRole, string[]> = {
  chart: ['dependencies'],
  kustomization: ['helmCharts'],
  manifests: ['argoproj.io', 'OCIRepository', 'HelmRelease']
}

function mayPin(
  text: string,
  role: FileRole,
  m: Matcher,
  context?: ScanContext
): boolean {
  // Cheap tests first: most files in a GitOps repository fail the first one.
  if (!text.includes(m.chart.name)) return false
  if (!MARKERS[role].some(marker => text.includes(marker))) return false
  if (m.hostRe.test(text)) return true
  // A HelmRelease names its HelmRepository, which may hold the registry.
  return (
    Boolean(context?.helmRepositories.length) && text.includes('HelmRelease')
  )
}

/**
 * Second pass: every pin of `chart` in one file, in source order. A file
 * that does not parse yields one problem and no pins.
 */
export function findPins(
  file: string,
  text: string,
  chart: ChartRef,
  context?: ScanContext
): ScanResult {
  const m = matcherFor(chart)
  const role = fileRole(file)
  if (!role || !mayPin(text, role, m, context))
    return { pins: [], problems: [] }
  const parsed = parseOnce(file, text, context)
  if (parsed.problem) return { pins: [], problems: [parsed.problem] }
  const result = bounded(file, () => scanFile(file, parsed, role, m, context))
  if (isProblem(result)) return { pins: [], problems: [result] }
  return { pins: dedupe(result.pins), problems: result.problems }
}

function scanFile(
  file: string,
  parsed: ParsedFile,
  role: FileRole,
  m: Matcher,
  context?: ScanContext
): ScanResult {
  const repositories = [...(context?.helmRepositories ?? [])]
  const ws = walks(file, parsed, m, repositories)
  repositories.unshift(...repositoriesIn(ws))
  for (const w of ws) scanDocument(w, role)
  return ws[0]?.result ?? { pins: [], problems: [] }
}

/** One pin per span: an aliased source repeats its anchor's pin. */
function dedupe(pins: Pin[]): Pin[] {
  const bySpan = new Map<number, Pin>()
  for (const pin of pins) {
    const seen = bySpan.get(pin.start)
    if (!seen || (seen.blocked && !pin.blocked)) bySpan.set(pin.start, pin)
  }
  return [...bySpan.values()].sort((a, b) => a.start - b.start)
}
