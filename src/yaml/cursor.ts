// Walks parsed YAML the way Kubernetes reads it, through aliases and `<<`
// merge keys (`merge-keys.ts` bounds that work), while keeping each node's
// exact place in the text: the GitOps edit rewrites the bytes of a version scalar
// and nothing else, so a pin carries its offsets, quotes included.
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
import { Resolver, type Field, type ScanBudget } from './merge-keys.js'
import { findRepeatedKeys, repeatedKeyAround } from './repeated-keys.js'
import {
  blankTemplates,
  mayHoldTemplates,
  overlapping,
  type TextRange
} from './template-blanking.js'
import type { ParsedFile, QuoteStyle, ScalarSpan } from './types.js'

/**
 * Parses every document of a file; its first YAML error is its problem. A
 * file with template actions (a Helm chart's manifests) is read with them
 * blanked, offsets kept (`template-blanking.ts`); should that fail where the
 * file as written parses, it is read as written.
 */
export function parseYaml(file: string, text: string): ParsedFile {
  const blanked = mayHoldTemplates(text) ? blankTemplates(text) : undefined
  if (!blanked) return parseSource(file, text, text)
  const parsed = parseSource(file, text, blanked.text)
  if (parsed.problem) {
    const asWritten = parseSource(file, text, text)
    return asWritten.problem ? parsed : asWritten
  }
  const { actions } = blanked
  const isTemplated = (range: TextRange): boolean =>
    overlapping(actions, range.start, range.end) !== undefined
  const repeated = findRepeatedKeys(parsed.docs, parsed.lines, isTemplated)
  parsed.template = { actions, repeated }
  return parsed
}

/**
 * Parses `source`, which is `text` or `text` blanked (same length). Blanked,
 * the branches of a conditional may repeat a key: `repeated-keys.ts` decides
 * about those instead of the parser.
 */
function parseSource(file: string, text: string, source: string): ParsedFile {
  const blanked = source !== text
  const lines = new LineCounter()
  let docs: Document.Parsed[]
  try {
    docs = Array.from(
      parseAllDocuments(source, { lineCounter: lines, uniqueKeys: !blanked })
    )
  } catch (error) {
    // The parser itself gave up (a stack overflow on hostile nesting): the
    // file is reported like any that does not parse, never a crash.
    const reason = error instanceof Error ? error.message : String(error)
    return {
      text,
      docs: [],
      lines,
      problem: {
        file,
        line: 1,
        message: `YAML does not parse (${reason}); the file is left unchanged.`
      }
    }
  }
  const parsed: ParsedFile = { text, docs, lines }
  const error = parsed.docs.flatMap(doc => doc.errors)[0]
  if (error) {
    const line = error.linePos?.[0].line ?? lines.linePos(error.pos[0]).line
    const reason = error.message.split('\n')[0].replace(/ at line \d+.*$/, '')
    const aside = blanked ? ', even with its template actions set aside' : ''
    parsed.problem = {
      file,
      line,
      message: `YAML does not parse (${reason})${aside}; the file is left unchanged.`
    }
  }
  return parsed
}

const QUOTE_STYLES: Record<string, QuoteStyle> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
  BLOCK_LITERAL: 'block',
  BLOCK_FOLDED: 'block'
}

/** One document of a parsed file, with its own table of anchors. */
export class YamlDocument {
  private readonly resolver: Resolver

  constructor(
    readonly file: string,
    private readonly parsed: ParsedFile,
    private readonly doc: Document.Parsed,
    budget: ScanBudget
  ) {
    this.resolver = new Resolver(doc, budget)
  }

  get text(): string {
    return this.parsed.text
  }

  /** The top-level mapping; undefined for a list, a scalar or nothing. */
  root(): MapCursor | undefined {
    const node = this.doc.contents
    return isMap(node) ? new MapCursor(this, node, '', false) : undefined
  }

  /** The mappings of a top-level list (a JSON 6902 patch); [] otherwise. */
  listItems(): MapCursor[] {
    const node = this.doc.contents
    if (!isSeq(node)) return []
    return node.items.flatMap((item, index) =>
      isMap(item) ? [new MapCursor(this, item, `[${index}]`, false)] : []
    )
  }

  /**
   * The document as plain values (`yaml`'s toJS, aliases bounded); undefined
   * when it cannot be converted.
   */
  plain(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 1_000 })
    } catch {
      return undefined
    }
  }

  /** The document is a top-level list. */
  isList(): boolean {
    return isSeq(this.doc.contents)
  }

  field(map: YAMLMap, key: string): Field | undefined {
    return this.resolver.field(map, key)
  }

  deref(node: unknown): unknown {
    return this.resolver.deref(node)
  }

  lineOf(node: { range?: [number, number, number] | null }): number {
    return this.parsed.lines.linePos(node.range?.[0] ?? 0).line
  }

  /**
   * The span of a scalar value, or of the alias written in its place (its
   * bytes are the `*name`, its value the anchor's); undefined for anything
   * else.
   */
  spanOf(value: unknown): ScalarSpan | undefined {
    const target = this.deref(value)
    const range = isAlias(value) || isScalar(value) ? value.range : undefined
    if (!isScalar(target) || !range) return undefined
    const [start, end] = range
    const { line, col } = this.parsed.lines.linePos(start)
    const quote = isAlias(value)
      ? 'alias'
      : (QUOTE_STYLES[target.type ?? 'PLAIN'] ?? 'plain')
    const current = this.templatedSource(target) ?? this.scalarText(target)
    return { line, column: col, current, start, end, quote }
  }

  /** A mapping (or one inside it) sets a key twice: see `repeated-keys.ts`. */
  setsAKeyTwice(node: YAMLMap): boolean {
    const repeated = this.parsed.template?.repeated
    if (!repeated?.length || !node.range) return false
    const [start, end] = node.range
    return repeatedKeyAround(repeated, start, end) !== undefined
  }

  /** The scalar holds a template action: its value is not known here. */
  isTemplated(node: Scalar): boolean {
    return this.templatedSource(node) !== undefined
  }

  /**
   * The source of a scalar that holds a template action, widened to whole
   * actions and without quotes, so it reads as the template it is; an empty
   * value followed by an action on its own line is that action (`key:` then
   * `{{ .Values.v }}` renders the value there).
   */
  private templatedSource(node: Scalar): string | undefined {
    const actions = this.parsed.template?.actions
    if (!actions || !node.range) return undefined
    const [start, end] = node.range
    const inside = overlapping(actions, start, end)
    if (!inside) {
      const after = node.value === null && this.actionAfter(actions, end)
      return after ? this.text.slice(after.start, after.end) : undefined
    }
    const from = Math.min(start, actions[inside[0]].start)
    const to = Math.max(end, actions[inside[1]].end)
    const source = this.text.slice(from, to)
    const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE'
    return quoted && from === start && to === end ? source.slice(1, -1) : source
  }

  /** The action that starts at the first non-space character at or after `at`. */
  private actionAfter(
    actions: readonly TextRange[],
    at: number
  ): TextRange | undefined {
    let next = at
    while (/\s/.test(this.text[next] ?? '')) next++
    const hit = overlapping(actions, next, next + 1)
    const action = hit && actions[hit[0]]
    return action && action.start === next ? action : undefined
  }

  /** The scalar as a string: a plain `1.10` stays `1.10`, not the number 1.1. */
  private scalarText(node: Scalar): string {
    if (typeof node.value === 'string') return node.value
    if (node.value === null || !node.range) return ''
    return this.text.slice(node.range[0], node.range[1])
  }
}

/**
 * A mapping and its YAML path. `viaAlias` records that it was reached
 * through an alias or a merge key: a version under it is shared with
 * another place and must not be edited from here.
 */
export class MapCursor {
  constructor(
    readonly document: YamlDocument,
    readonly node: YAMLMap,
    readonly path: string,
    readonly viaAlias: boolean
  ) {}

  get line(): number {
    return this.document.lineOf(this.node)
  }

  pathTo(key: string): string {
    return this.path ? `${this.path}.${key}` : key
  }

  field(key: string): Field | undefined {
    return this.document.field(this.node, key)
  }

  has(key: string): boolean {
    return this.field(key) !== undefined
  }

  /** The value of `key` if it is a string (`1.10` is a number, so not). */
  string(key: string): string | undefined {
    const found = this.field(key)
    const node = found && this.document.deref(found.value)
    if (!isScalar(node) || this.document.isTemplated(node)) return undefined
    return typeof node.value === 'string' ? node.value : undefined
  }

  /** The mapping under `key`; undefined when missing or not a mapping. */
  child(key: string): MapCursor | undefined {
    const found = this.field(key)
    const node = found && this.document.deref(found.value)
    if (!found || !isMap(node)) return undefined
    const viaAlias = this.viaAlias || found.merged || isAlias(found.value)
    return new MapCursor(this.document, node, this.pathTo(key), viaAlias)
  }

  /** The mappings in the list under `key`; other items are skipped. */
  children(key: string): MapCursor[] {
    const found = this.field(key)
    const seq = found && this.document.deref(found.value)
    if (!found || !isSeq(seq)) return []
    const listViaAlias = this.viaAlias || found.merged || isAlias(found.value)
    const cursors: MapCursor[] = []
    seq.items.forEach((item, index) => {
      const node = this.document.deref(item)
      const path = `${this.pathTo(key)}[${index}]`
      const viaAlias = listViaAlias || isAlias(item)
      if (isMap(node))
        cursors.push(new MapCursor(this.document, node, path, viaAlias))
    })
    return cursors
  }
}
