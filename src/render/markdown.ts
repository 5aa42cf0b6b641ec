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

/** One line of markdown text: HTML escaped, and the characters markdown acts on backslashed. */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text).replace(/[\\`*_[\]|~#!]/g, '\\$&')
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
