// Text from outside (charts, GitOps files, Helm's errors) made safe for a
// pull request body: no HTML can be injected, no code block broken out of.

/** `&`, `<` and `>` as entities: for HTML blocks such as `<summary>`. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ')
}

// HTML and markdown that outside text must not bring into the pull request.
// `@` and `#<digits>` get a zero-width space, as Renovate does in release
// notes: in the GitOps repository they would ping people and link its issues.
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '@': '@&#8203;',
  '#': '#&#8203;'
}
const INLINE_SPECIAL = /[&<>@\\`*_[\]~|$!]|#(?=\d)/g
// Line breaks and other controls, and bidi overrides that reorder what is shown.
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]+/gu
// What starts a block at the beginning of a line (heading, list item).
const BLOCK_START = /^(?:#{1,6}|[+-]|\d{1,9}[.)])(?=\s|$)/

/**
 * Outside text as one line of markdown that shows as written: no HTML, no
 * emphasis, links, code, math or tables, no mentions, no block markers.
 */
export function escapeMarkdown(text: string): string {
  const line = text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim()
  const escaped = line.replace(
    INLINE_SPECIAL,
    special => ESCAPES[special] ?? `\\${special}`
  )
  // `1. x` stays text with the escape before its `.` or `)`.
  return escaped.replace(BLOCK_START, start =>
    /^\d/.test(start)
      ? `${start.slice(0, -1)}\\${start.slice(-1)}`
      : `\\${start}`
  )
}

/** A fenced code block whose fence is longer than any run of backticks inside. */
export function fenced(language: string, content: string): string {
  const longestRun = Math.max(
    0,
    ...[...content.matchAll(/`+/g)].map(match => match[0].length)
  )
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  const body = content.endsWith('\n') ? content : `${content}\n`
  return `${fence}${language}\n${body}${fence}\n`
}
