// The one place where text from outside (GitOps files, charts, registries,
// Helm's errors) becomes GitHub markdown or HTML: the pull request body, the
// job summary, a release's notes. Nothing of it is read as markup, breaks
// out of code or a table cell, or becomes a live mention or reference.
//
// What GitHub links by itself ("Autolinked references and URLs" in GitHub's
// docs): @user and @org/team, which notify; #123, GH-123 and owner/repo#123,
// which link and cross-reference the issue. It finds them in the text of the
// rendered HTML, where `&#64;` is `@` again: a zero-width space after `@`,
// after `#` before a digit and after `GH` before `-digit` breaks them, as
// Renovate's sanitizeMarkdown does (lib/util/markdown.ts: `@&#8203;`,
// `#&#8203;`). Nothing is linked inside <code> and <pre>, so code keeps every
// character as it is.
//
// Tables: cmark-gfm splits a row into cells before it parses them, inside
// code spans too, with the longest match of `(escaped_char|[^|\r\n])+`
// where a backslash escapes the next character (ext_scanners.re): a `|`
// after a backslash stays in its cell, any other ends it. So a cell holds
// `<code>` with entities (`cellCode`: no `|` or `\` at all), or escaped text
// whose every `|` is written `\|` (`escapeMarkdown`), and the row adds a
// space before each `|` of its own.

/** Line breaks, other controls, and bidi overrides that reorder what is shown. */
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u
const ALL_UNPRINTABLE = new RegExp(UNPRINTABLE.source, 'gu')
/** What GitHub would turn into a mention or an issue link. */
const REFERENCE = /@|#(?=\d)|\bGH-(?=\d)/gi
const ZERO_WIDTH_SPACE = '\u200B'

/**
 * The references of raw `text` broken by a zero-width space after `@`, `#`
 * or `GH` (before any escaping, which writes `#` in entities of its own).
 */
function breakReferences(text: string): string {
  return text.replace(REFERENCE, found =>
    found.length === 3
      ? `${found.slice(0, 2)}${ZERO_WIDTH_SPACE}-`
      : `${found}${ZERO_WIDTH_SPACE}`
  )
}

/** The zero-width spaces as `&#8203;`: visible in the body's source. */
function zeroWidthEntities(escaped: string): string {
  return escaped.replaceAll(ZERO_WIDTH_SPACE, '&#8203;')
}

/** One line: controls, line breaks and runs of spaces become one space. */
function oneLine(text: string): string {
  return text.replace(ALL_UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim()
}

// Markdown text: backslash escapes for what starts inline markup; `&`, `<`
// and `>` as entities (no HTML, no autolink `<…>`).
const MARKDOWN_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;'
}
const INLINE_SPECIAL = /[&<>\\`*_[\]~|$!]/g
// What starts a block at the beginning of a line (heading, list item).
const BLOCK_START = /^(?:#{1,6}|[+-]|\d{1,9}[.)])(?=\s|$)/

/**
 * Outside text as one line of markdown that shows as written: no HTML, no
 * emphasis, links, code, math or table cell breaks, no mentions or issue
 * references, no block markers. Safe in a paragraph, a list item, a heading
 * and a table cell.
 */
export function escapeMarkdown(text: string): string {
  return zeroWidthEntities(unblock(escapeInline(oneLine(text))))
}

/** A line that would start a block (`# x`, `- x`, `1. x`) escaped to stay text. */
function unblock(line: string): string {
  // `1. x` stays text with the escape before its `.` or `)`.
  return line.replace(BLOCK_START, start =>
    /^\d/.test(start)
      ? `${start.slice(0, -1)}\\${start.slice(-1)}`
      : `\\${start}`
  )
}

/** Inline escapes of one line, its spaces kept (a piece between code spans). */
function escapeInline(line: string): string {
  return breakReferences(line).replace(
    INLINE_SPECIAL,
    special => MARKDOWN_ENTITIES[special] ?? `\\${special}`
  )
}

/**
 * A sentence of ours (a note, a reason) that quotes names from outside
 * between backticks, on one line: each quoted span as code (`cellCode` in a
 * table cell, else `inlineCode`), the rest escaped. Outside text may hold
 * backticks of its own and so move a span's edges, but every piece is
 * escaped as the one or the other: nothing of it is read as markup.
 */
export function markdownWithCode(text: string, inTable = false): string {
  const pieces = oneLine(text).split('`')
  const asCode = inTable ? cellCode : inlineCode
  const markdown = pieces
    .map((piece, index) =>
      index % 2 === 1 && index < pieces.length - 1
        ? asCode(piece)
        : escapeInline(index % 2 === 1 ? `\`${piece}` : piece)
    )
    .join('')
  return zeroWidthEntities(unblock(markdown))
}

/** Every character of `pattern` as a numeric character reference. */
function entities(text: string, pattern: RegExp): string {
  return text.replace(pattern, c => `&#${c.charCodeAt(0)};`)
}

// HTML text: what HTML reads, and what markdown would read if the HTML were
// inline rather than a block.
const HTML_SPECIAL = /[&<>"\\`*_[\]~|$]/g

/**
 * Outside text as the text of an HTML element (`<summary>`, `<li>`, `<p>`,
 * `<h3>`), on one line: no tag, no markdown, no mention or issue reference.
 * (An attribute value or a command is `htmlLiteral`: a zero-width space
 * would break a URL.)
 */
export function escapeHtml(text: string): string {
  return htmlText(oneLine(text))
}

/** `escapeHtml` of text already on one line (a piece of one). */
function htmlText(line: string): string {
  return zeroWidthEntities(entities(breakReferences(line), HTML_SPECIAL))
}

/**
 * Text shown as it is inside `<pre>`, `<code>` or a double-quoted attribute
 * value (a command, a URL): `&`, `<`, `>` and `"` as entities, lines kept.
 * Nothing is linked inside code, so nothing else changes.
 */
export function htmlLiteral(text: string): string {
  return entities(text, /[&<>"]/g)
}

/**
 * `markdownWithCode` for HTML text (a `<li>` of the job summary): each span
 * between backticks as `<code>` shown as it is, the rest `escapeHtml`. A name
 * in code keeps its characters (an `@refs/...` is not broken by a zero-width
 * space), and nothing inside an HTML block is linked.
 */
export function htmlWithCode(text: string): string {
  const pieces = oneLine(text).split('`')
  return pieces
    .map((piece, index) =>
      index % 2 === 1 && index < pieces.length - 1
        ? `<code>${htmlLiteral(piece)}</code>`
        : htmlText(index % 2 === 1 ? `\`${piece}` : piece)
    )
    .join('')
}

// Inside <code> in markdown, everything inline markup and cmark-gfm's
// autolinks start with: the `:` of `://`, `@` (an email address) and the `.`
// of `www.` too. (A digest's `sha256:` stays as it is: no scheme links it.)
const CODE_SPECIAL = /[&<>"'\\`*_[\]~|$!@]|:(?=\/\/)|(?<=www)\./gi
const VISIBLE_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t'
}

/** Controls and bidi overrides as escapes (`\n`, `\u202e`), the whole quoted. */
function visible(text: string): string {
  if (text !== '' && !UNPRINTABLE.test(text)) return text
  const escaped = text
    .replace(/["\\]/g, '\\$&')
    .replace(
      ALL_UNPRINTABLE,
      c =>
        VISIBLE_ESCAPES[c] ??
        `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    )
  return `"${escaped}"`
}

/**
 * Outside text as inline code that nothing can break out of, in a table
 * cell too: `<code>` with every character markdown, HTML or an autolink
 * could read written as an entity (a `|` among them, so the row is not
 * split: backslash escapes in a cell are ambiguous to cmark-gfm's scanner);
 * controls and line breaks shown as escapes (the value quoted), an empty
 * value as `""`.
 */
export function cellCode(text: string): string {
  return `<code>${entities(visible(text), CODE_SPECIAL)}</code>`
}

/**
 * Outside text as a code span, outside tables: a fence of one backtick more
 * than the longest run inside, padded with a space where the text starts or
 * ends with a backtick or a space (CommonMark takes one off each side);
 * controls and line breaks shown as escapes.
 */
export function inlineCode(text: string): string {
  const shown = visible(text)
  const fence = '`'.repeat(longestBacktickRun(shown) + 1)
  const pad = /^[` ]|[` ]$/.test(shown) && shown.trim() !== '' ? ' ' : ''
  return `${fence}${pad}${shown}${pad}${fence}`
}

/** `text` cut to `max` characters (whole code points) with `…` when longer. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let end = 0
  let count = 0
  for (const point of text) {
    if (count === max) break
    end += point.length
    count++
  }
  return end < text.length ? `${text.slice(0, end)}…` : text
}

/** The length of the longest run of backticks in `text` (a fence must be longer). */
function longestBacktickRun(text: string): number {
  let longest = 0
  for (const run of text.matchAll(/`+/g))
    longest = Math.max(longest, run[0].length)
  return longest
}

/** A fenced code block whose fence is longer than any run of backticks inside. */
export function fenced(language: string, content: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1))
  const body = content.endsWith('\n') ? content : `${content}\n`
  return `${fence}${language}\n${body}${fence}\n`
}

/**
 * Outside text (Helm's error, a rendered manifest) as a fenced block, `text`
 * unless another language is named, its lines kept: the fence longer than
 * any run of backticks inside, and controls other than tabs and line breaks,
 * and bidi overrides, shown as escapes (`\u001b`), so that what is shown is
 * what was written.
 */
export function preformatted(text: string, language = 'text'): string {
  const shown = text
    .replace(/\r\n/g, '\n')
    .replace(ALL_UNPRINTABLE, c =>
      c === '\n' || c === '\t'
        ? c
        : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    )
  return fenced(language, shown)
}

/**
 * A markdown table: a header row and rows whose cells are already markdown
 * made with `escapeMarkdown`, `cellCode`, `markdownWithCode(…, true)` or
 * numbers (none holds a `|` the row would be split at).
 */
export function tableLines(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[]
): string[] {
  return [
    tableRow(header),
    tableRow(header.map(() => '---')),
    ...rows.map(tableRow)
  ]
}

/** One row of a table (see `tableLines`). */
export function tableRow(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`
}
