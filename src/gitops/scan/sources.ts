// What a first pass over the whole repository learns before any pin is
// looked for: the resources that pins in other files name to reach the chart
// (a Flux HelmRelease names its HelmRepository, which holds the registry).
// A tool that has such resources gives the scan a reader for them; the scan
// keeps what each reader found apart, and hands it back to that tool alone.
import type { MapCursor } from '../../yaml/cursor.js'
import type { ParsedFile } from '../../yaml/types.js'
import type { ChartMatcher } from './match.js'

/** How a tool finds the resources its pins in other files may name. */
export interface SourceReader<Source> {
  /** A file holding none of these words defines none (it is not parsed for them). */
  readonly markers: readonly string[]
  /**
   * A file holding one of these words may pin the chart through a source
   * found elsewhere, without naming the chart's registry itself.
   */
  readonly namedBy: readonly string[]
  /** The source a document defines, if it serves the chart. */
  read(matcher: ChartMatcher, root: MapCursor): Source | undefined
}

/** The sources found, by the reader that found them. */
export class SourceTable {
  private readonly found = new Map<SourceReader<unknown>, unknown[]>()

  add<Source>(reader: SourceReader<Source>, sources: readonly Source[]): void {
    const list = this.found.get(reader) ?? []
    list.push(...sources)
    this.found.set(reader, list)
  }

  /** What `reader` found, in the order it was added. */
  of<Source>(reader: SourceReader<Source>): readonly Source[] {
    // Only `add` fills the table, under the reader whose type the sources
    // have: the one place where that type is taken on trust.
    return (this.found.get(reader) ?? []) as Source[]
  }

  /** Adds all that `other` found, after what this table holds. */
  addAll(other: SourceTable): void {
    for (const [reader, sources] of other.found) this.add(reader, sources)
  }

  /** This table's sources, then `later`'s, reader by reader. */
  followedBy(later: SourceTable): SourceTable {
    const joined = new SourceTable()
    joined.addAll(this)
    joined.addAll(later)
    return joined
  }
}

/** What the first pass learns about the whole repository. */
export interface ScanContext {
  readonly sources: SourceTable
  /** The files it parsed, kept for the second pass: no file is parsed twice. */
  readonly parsed: Map<string, ParsedFile>
}

/** An empty context for the first pass to fill. */
export function createScanContext(): ScanContext {
  return { sources: new SourceTable(), parsed: new Map() }
}
