// Finds every place in one GitOps file that pins a chart's version, with the
// tools it is given (gitops/tools/index.ts gives all of them: Argo CD, Flux,
// Kustomize, Helm umbrella charts). Pure: no I/O. Each pin carries the exact
// source span of its version scalar, so `edit.ts` can rewrite those bytes
// and nothing else. Two passes: the resources that pins in other files name
// (a tool's source reader) first, then the pins.
import { parseYaml, YamlDocument } from '../../yaml/cursor.js'
import { budgetFor, ScanLimitError } from '../../yaml/merge-keys.js'
import {
  repeatedKeyAround,
  type RepeatedKey
} from '../../yaml/repeated-keys.js'
import type { ParsedFile } from '../../yaml/types.js'
import { Findings } from './findings.js'
import { matcherFor, mentionsRegistry, type ChartMatcher } from './match.js'
import { fileRole, mayPin, toolsFor } from './roles.js'
import { SourceTable, type ScanContext, type SourceReader } from './sources.js'
import type { DocumentScan, PinTool } from './tool.js'
import type { ChartRef, Pin, ScanProblem, ScanResult } from './types.js'

/**
 * First pass: records the sources (resources that pins in other files name)
 * of the tools that read this file and have a source reader, so
 * `findPins` can match the pins that name them in other files. Files it
 * parses are kept in `context` for `findPins`.
 */
export function collectSources(
  tools: readonly PinTool[],
  file: string,
  text: string,
  chart: ChartRef,
  context: ScanContext
): void {
  const matcher = matcherFor(chart)
  const role = fileRole(file)
  const readers = role ? readersOf(toolsFor(tools, role)) : []
  const wanted = readers.filter(reader =>
    reader.markers.some(marker => text.includes(marker))
  )
  if (wanted.length === 0) return
  if (!mentionsRegistry(matcher, text)) return
  const parsed = parseYaml(file, text)
  context.parsed.set(file, parsed)
  if (parsed.problem) return
  const found = bounded(file, () =>
    sourcesIn(wanted, matcher, documentsOf(file, parsed))
  )
  if (isProblem(found)) parsed.problem = found
  else context.sources.addAll(found)
}

/**
 * Second pass: every pin of `chart` in one file, in source order. A file
 * that does not parse yields one problem and no pins.
 */
export function findPins(
  tools: readonly PinTool[],
  file: string,
  text: string,
  chart: ChartRef,
  context?: ScanContext
): ScanResult {
  const matcher = matcherFor(chart)
  const role = fileRole(file)
  if (!role || !mayPin(tools, text, role, matcher, context))
    return { pins: [], problems: [] }
  const parsed = parseOnce(file, text, context)
  if (parsed.problem) return notRead(parsed.problem)
  const findings = bounded(file, () =>
    scanFile(file, parsed, tools, toolsFor(tools, role), matcher, context)
  )
  if (isProblem(findings)) return notRead(findings)
  const repeated = parsed.template?.repeated ?? []
  const pins = blockAmbiguous(dedupe(findings.pins), repeated)
  const problems = [
    ...findings.problems,
    ...unpinnedAmbiguity(file, text, matcher, repeated, pins)
  ]
  return { pins, problems }
}

/** A file that was not read at all: its one problem says why. */
function notRead(problem: ScanProblem): ScanResult {
  return { pins: [], problems: [{ ...problem, notRead: true }] }
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

function readersOf(tools: readonly PinTool[]): SourceReader<unknown>[] {
  return tools.flatMap(tool => (tool.sources ? [tool.sources] : []))
}

/** What `readers` find in the documents, document by document. */
function sourcesIn(
  readers: readonly SourceReader<unknown>[],
  matcher: ChartMatcher,
  documents: YamlDocument[]
): SourceTable {
  const found = new SourceTable()
  for (const document of documents) {
    const root = document.root()
    // A source whose keys differ between template branches may serve
    // another registry once rendered: it vouches for no pin.
    if (!root || document.setsAKeyTwice(root.node)) continue
    for (const reader of readers) {
      const source = reader.read(matcher, root)
      if (source !== undefined) found.add(reader, [source])
    }
  }
  return found
}

/**
 * The pins `tools` find in the file. Every reader of `all` the tools reads
 * the file's own sources, which come before the repository's.
 */
function scanFile(
  file: string,
  parsed: ParsedFile,
  all: readonly PinTool[],
  tools: readonly PinTool[],
  matcher: ChartMatcher,
  context?: ScanContext
): Findings {
  const documents = documentsOf(file, parsed)
  const own = sourcesIn(readersOf(all), matcher, documents)
  const scan: DocumentScan = {
    matcher,
    findings: new Findings(),
    sources: context ? own.followedBy(context.sources) : own
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

const BRANCHES =
  'as the branches of a template conditional ({{ if }} … {{ else }}) do; ' +
  'which value applies depends on how the chart is rendered'

/** Leaves alone every pin under a mapping that sets a key twice. */
function blockAmbiguous(pins: Pin[], repeated: readonly RepeatedKey[]): Pin[] {
  if (repeated.length === 0) return pins
  return pins.map(pin => {
    const around = repeatedKeyAround(repeated, pin.start)
    if (!around) return pin
    const blocked = `'${around.key}' is set again at line ${around.line} in the same mapping, ${BRANCHES}, so it is left alone`
    return { ...pin, blocked }
  })
}

/**
 * A mapping that sets a key twice, names the chart and its registry, and
 * holds no pin found: the branch read first may have named another chart
 * (`chart: other` / `chart: webapp`), so the user hears of it.
 * `pins` and `repeated` are in text order.
 */
function unpinnedAmbiguity(
  file: string,
  text: string,
  matcher: ChartMatcher,
  repeated: readonly RepeatedKey[],
  pins: readonly Pin[]
): ScanProblem[] {
  const problems: ScanProblem[] = []
  let next = 0
  for (const range of repeated) {
    while (next < pins.length && pins[next].start < range.start) next++
    if (next < pins.length && pins[next].start < range.end) continue
    const source = text.slice(range.start, range.end)
    if (!source.includes(matcher.chart.name)) continue
    if (!mentionsRegistry(matcher, source)) continue
    const message = `'${range.key}' is set again here in a mapping that may pin the chart, ${BRANCHES}, so nothing in it is bumped.`
    problems.push({ file, line: range.line, message })
  }
  return problems
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
