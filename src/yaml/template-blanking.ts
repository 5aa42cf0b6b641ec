// Helm renders a chart's manifests as text before any YAML reader sees them,
// so an app-of-apps chart's Applications are not YAML until rendered: lines
// such as `{{- if .Values.web.enabled }}` break the parse and every pin in the
// file is lost. This blanks the template actions out of the text, keeping
// every offset (one character for one character, newlines where they were),
// so a span found in the blanked text is the same span in the original bytes
// and a literal version can still be edited in place. Pure: no I/O.
//
// What is blanked, line by line (one pass, linear in the text):
// - a line holding only actions and whitespace (`{{- if … }}`, `{{- end }}`,
//   `{{/* … */}}`, `{{- toYaml . | nindent 4 }}`): all spaces, as an empty
//   line, which is what Helm's `{{-` idiom leaves of it;
// - an action sharing its line with YAML (`targetRevision: {{ .Values.v }}`):
//   a run of `x`, one plain word, so the YAML around it keeps its shape; the
//   reader treats such a value as opaque (see `overlapping`); a comment
//   there, which renders nothing, is spaces;
// - nothing inside a block scalar's content (`data: |` and the lines more
//   indented than its key): there the text is a value, `{{` included, and
//   blanking it could change where the block ends.
// A `{{` that Go's template lexer would not read as an action (no `}}`, a
// newline in a quoted string, a character no action holds) is left as text.

import { ActionLexer, isSpace, type ScanCounter } from './go-template-lexer.js'

/** `[start, end)` offsets in the text. */
export interface TextRange {
  readonly start: number
  readonly end: number
}

/** The text with its template actions blanked, and where they were. */
export interface BlankedTemplate {
  /** As long as the original; a character for a character. */
  readonly text: string
  /** The actions blanked, in order, not overlapping. */
  readonly actions: readonly TextRange[]
}

/** The cheap test: a file without `{{` holds no action and is parsed as it is. */
export function mayHoldTemplates(text: string): boolean {
  return text.includes('{{')
}

/**
 * The text with its template actions blanked; undefined when there is none.
 * `counter`, for tests, counts the characters looked at: each line once as
 * the loop walks it, plus what the lexer scans.
 */
export function blankTemplates(
  text: string,
  counter?: ScanCounter
): BlankedTemplate | undefined {
  const pieces: BlankPiece[] = []
  const actions: TextRange[] = []
  const lexer = new ActionLexer(text, counter)
  let blockIndent: number | undefined
  for (let at = 0; at < text.length;) {
    const lineEnd = endOfLine(text, at)
    if (
      blockIndent !== undefined &&
      inBlockContent(text, at, lineEnd, blockIndent)
    ) {
      lexer.count(lineEnd + 1 - at)
      at = lineEnd + 1
      continue
    }
    const group = lexLines(lexer, text, at, lineEnd)
    lexer.count(group.end + 1 - at)
    const templateOnly =
      group.actions.length > 0 && !group.lines.some(l => l.content)
    if (!templateOnly) blockIndent = blockHeaderIndent(text, group)
    // One by one: a spread of a huge line's actions could overflow the stack.
    for (const action of group.actions) actions.push(action)
    for (const piece of piecesOf(text, group)) pieces.push(piece)
    at = group.end + 1
  }
  if (actions.length === 0) return undefined
  return { text: assemble(text, pieces), actions }
}

/** Where a run of action characters goes, and what it becomes. */
interface BlankPiece extends TextRange {
  readonly fill: ' ' | 'x'
}

/** One line of a group: does it hold YAML besides actions? */
interface GroupLine extends TextRange {
  readonly content: boolean
}

/** Lines that belong together because an action runs across them. */
interface LineGroup {
  readonly actions: TextRange[]
  readonly lines: GroupLine[]
  /** The offset of the group's last newline, or the text's end. */
  readonly end: number
}

function endOfLine(text: string, at: number): number {
  const newline = text.indexOf('\n', at)
  return newline < 0 ? text.length : newline
}

function indentOf(text: string, start: number, end: number): number {
  let at = start
  while (at < end && text[at] === ' ') at++
  return at - start
}

// YAML reads a BOM at the start of the text as no character at all.
function isByteOrderMark(text: string, at: number): boolean {
  return at === 0 && text.charCodeAt(0) === 0xfeff
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++)
    if (!isSpace(text.charCodeAt(at))) return false
  return true
}

/** A blank line, or one more indented than the block scalar's key, is its content. */
function inBlockContent(
  text: string,
  start: number,
  end: number,
  blockIndent: number
): boolean {
  return isBlank(text, start, end) || indentOf(text, start, end) > blockIndent
}

/** Lexes the actions that start on the line at `start`, and the lines they run onto. */
function lexLines(
  lexer: ActionLexer,
  text: string,
  start: number,
  lineEnd: number
): LineGroup {
  const actions: TextRange[] = []
  let end = lineEnd
  // Remembered searches: a line without `{{` must not look to the far end
  // of the text again for each line.
  for (let at = lexer.next('{{', start); at >= 0 && at < end;) {
    const close = lexer.end(at)
    if (close === undefined) {
      at = lexer.next('{{', at + 2)
      continue
    }
    actions.push({ start: at, end: close })
    if (close > end) end = endOfLine(text, close)
    at = lexer.next('{{', close)
  }
  return { actions, lines: groupLines(text, start, end, actions), end }
}

/** Each line of `[start, end)` and whether it holds anything outside `actions`. */
function groupLines(
  text: string,
  start: number,
  end: number,
  actions: readonly TextRange[]
): GroupLine[] {
  const lines: GroupLine[] = []
  let lineStart = start
  let content = false
  let next = 0
  for (let at = start; at <= end; at++) {
    if (at === end || text[at] === '\n') {
      lines.push({ start: lineStart, end: at, content })
      lineStart = at + 1
      content = false
    } else if (next < actions.length && at >= actions[next].start) {
      const action = actions[next++]
      // The action may end on a later line: the lines it covers hold only it.
      for (let k = action.start; k < action.end; k++) {
        if (text[k] !== '\n') continue
        lines.push({ start: lineStart, end: k, content })
        lineStart = k + 1
        content = false
      }
      at = action.end - 1
    } else if (!isSpace(text.charCodeAt(at)) && !isByteOrderMark(text, at)) {
      content = true
    }
  }
  return lines
}

/**
 * Each action cut at line ends, filled as its line asks; a comment renders
 * nothing, so it is spaces wherever it is: one after a version on its line
 * leaves the version literal.
 */
function piecesOf(text: string, group: LineGroup): BlankPiece[] {
  const pieces: BlankPiece[] = []
  let line = 0
  for (const action of group.actions) {
    while (group.lines[line].end < action.start) line++
    const comment = isComment(text, action)
    for (let start = action.start; ;) {
      const current = group.lines[line]
      const end = Math.min(action.end, current.end)
      const fill = current.content && !comment ? 'x' : ' '
      if (end > start) pieces.push({ start, end, fill })
      if (action.end <= current.end) break
      start = group.lines[++line].start
    }
  }
  return pieces
}

function isComment(text: string, action: TextRange): boolean {
  const trim = text[action.start + 2] === '-' ? 2 : 0
  return text.startsWith('/*', action.start + 2 + trim)
}

// `key: |`, `- >-`, `key: !!str |2 # note`; a tag or an anchor may come first.
const BLOCK_HEADER =
  /(?:^|[:-])[ \t]+(?:[!&][^ \t]*[ \t]+)?[|>][-+1-9]{0,2}(?:[ \t]+#.*)?[ \t]*\r?$/

/**
 * When the group's last line opens a block scalar (`key: |`, `- >-`), the
 * column of its key: lines indented past it are the block's content.
 */
function blockHeaderIndent(text: string, group: LineGroup): number | undefined {
  const last = group.lines[group.lines.length - 1]
  const line = text.slice(last.start, last.end)
  if (!line.includes('|') && !line.includes('>')) return undefined
  if (!BLOCK_HEADER.test(line)) return undefined
  let column = indentOf(line, 0, line.length)
  while (line[column] === '-' && line[column + 1] === ' ')
    column += 2 + indentOf(line, column + 2, line.length)
  return column
}

/** The text with each piece's characters filled; line breaks kept. */
function assemble(text: string, pieces: readonly BlankPiece[]): string {
  const parts: string[] = []
  let at = 0
  for (const piece of pieces) {
    parts.push(text.slice(at, piece.start))
    let run = ''
    for (let k = piece.start; k < piece.end; k++) {
      const code = text.charCodeAt(k)
      run += code === 13 ? '\r' : isSpace(code) ? ' ' : piece.fill
    }
    parts.push(run)
    at = piece.end
  }
  parts.push(text.slice(at))
  return parts.join('')
}

/**
 * The actions that overlap `[start, end)`, as the index range
 * `[first, last]` in `actions`; undefined when none does.
 */
export function overlapping(
  actions: readonly TextRange[],
  start: number,
  end: number
): [number, number] | undefined {
  let low = 0
  let high = actions.length
  // The first action that ends after `start`.
  while (low < high) {
    const middle = (low + high) >>> 1
    if (actions[middle].end <= start) low = middle + 1
    else high = middle
  }
  let last = low
  while (last < actions.length && actions[last].start < end) last++
  return last > low ? [low, last - 1] : undefined
}
