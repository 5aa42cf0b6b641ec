// What reading a YAML file byte for byte yields: its parsed documents with
// their text and lines, where each scalar is written (offsets and quotes,
// all an edit in place needs), and what kept the file from being read.
import type { Document, LineCounter } from 'yaml'
import type { RepeatedKey } from './repeated-keys.js'
import type { TextRange } from './template-blanking.js'

/** How a scalar is written in the source: edits keep the same style. */
export type QuoteStyle = 'plain' | 'single' | 'double' | 'block' | 'alias'

/** Where a scalar is written, and how: all an edit in place needs. */
export interface ScalarSpan {
  /** 1-based. */
  line: number
  column: number
  /** The value as YAML reads it (without quotes). */
  current: string
  /** Offsets in the text of the scalar's source, quotes included. */
  start: number
  end: number
  quote: QuoteStyle
}

/** Something the user should know about a file: it was not (fully) read. */
export interface FileProblem {
  file: string
  line: number
  message: string
}

/** A parsed file, kept between the scan's two passes so no file is parsed twice. */
export interface ParsedFile {
  text: string
  docs: Document.Parsed[]
  lines: LineCounter
  problem?: FileProblem
  /** Set when the file was read with its template actions blanked. */
  template?: TemplateLayout
}

/** A Helm-templated file as it was read (`template-blanking.ts`). */
export interface TemplateLayout {
  /** The template actions, in text order: a scalar touching one is opaque. */
  readonly actions: readonly TextRange[]
  /** Mappings that set a key twice (both branches of a conditional). */
  readonly repeated: readonly RepeatedKey[]
}
