// Finds every place in one GitOps file that pins a chart's version: Argo CD
// Applications and ApplicationSets, Flux OCIRepository and HelmRelease,
// Kustomize helmCharts and Helm umbrella Chart.yaml dependencies (one file
// per tool). Pure: no I/O. Each pin carries the exact source span of its
// version scalar, so `edit.ts` can rewrite those bytes and nothing else.
import { Findings } from './findings.js'
import { HELM_REPOSITORY_MARKER, readHelmRepository } from './flux.js'
import { matcherFor, mentionsRegistry, type ChartMatcher } from './match.js'
import { budgetFor, ScanLimitError } from './merge-keys.js'
import { fileRole, mayPin, TOOLS } from './roles.js'
import type { DocumentScan, PinTool } from './tool.js'
import type {
  ChartRef,
  HelmRepositorySource,
  ParsedFile,
  Pin,
  ScanContext,
  ScanProblem,
  ScanResult
} from './types.js'
import { parseYaml, YamlDocument } from './yaml-cursor.js'

/** An empty context for `collectHelmRepositories` to fill. */
export function createScanContext(): ScanContext {
  return { helmRepositories: [], parsed: new Map() }
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
  const matcher = matcherFor(chart)
  if (fileRole(file) !== 'manifests') return
  if (!text.includes(HELM_REPOSITORY_MARKER)) return
  if (!mentionsRegistry(matcher, text)) return
  const parsed = parseYaml(file, text)
  context.parsed.set(file, parsed)
  if (parsed.problem) return
  const found = bounded(file, () =>
    repositoriesIn(matcher, documentsOf(file, parsed))
  )
  if (isProblem(found)) parsed.problem = found
  else context.helmRepositories.push(...found)
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
  const matcher = matcherFor(chart)
  const role = fileRole(file)
  if (!role || !mayPin(text, role, matcher, context))
    return { pins: [], problems: [] }
  const parsed = parseOnce(file, text, context)
  if (parsed.problem) return { pins: [], problems: [parsed.problem] }
  const findings = bounded(file, () =>
    scanFile(file, parsed, TOOLS[role], matcher, context)
  )
  if (isProblem(findings)) return { pins: [], problems: [findings] }
  return { pins: dedupe(findings.pins), problems: findings.problems }
}

/** The first pass's parse of the file, taken out of the context (used once). */
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
  return parseYaml(file, text)
}

/** The file's documents; their alias lookups share one budget. */
function documentsOf(file: string, parsed: ParsedFile): YamlDocument[] {
  const budget = budgetFor(parsed.text)
  return parsed.docs.map(doc => new YamlDocument(file, parsed, doc, budget))
}

function repositoriesIn(
  matcher: ChartMatcher,
  documents: YamlDocument[]
): HelmRepositorySource[] {
  const found: HelmRepositorySource[] = []
  for (const document of documents) {
    const root = document.root()
    const repository = root && readHelmRepository(matcher, root)
    if (repository) found.push(repository)
  }
  return found
}

function scanFile(
  file: string,
  parsed: ParsedFile,
  tools: readonly PinTool[],
  matcher: ChartMatcher,
  context?: ScanContext
): Findings {
  const documents = documentsOf(file, parsed)
  const scan: DocumentScan = {
    matcher,
    findings: new Findings(),
    // This file's own HelmRepositories come first.
    repositories: [
      ...repositoriesIn(matcher, documents),
      ...(context?.helmRepositories ?? [])
    ]
  }
  for (const document of documents) scanDocument(scan, document, tools)
  return scan.findings
}

function scanDocument(
  scan: DocumentScan,
  document: YamlDocument,
  tools: readonly PinTool[]
): void {
  const root = document.root()
  if (!root) return
  const header = {
    apiVersion: root.string('apiVersion'),
    kind: root.string('kind')
  }
  for (const tool of tools) tool.scan(scan, root, header)
}

/** Runs `scan`; a file whose aliases make too much work becomes a problem. */
function bounded<T extends object>(
  file: string,
  scan: () => T
): T | ScanProblem {
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

/** One pin per span: an aliased source repeats its anchor's pin. */
function dedupe(pins: Pin[]): Pin[] {
  const bySpan = new Map<number, Pin>()
  for (const pin of pins) {
    const seen = bySpan.get(pin.start)
    if (!seen || (seen.blocked && !pin.blocked)) bySpan.set(pin.start, pin)
  }
  return [...bySpan.values()].sort((a, b) => a.start - b.start)
}
