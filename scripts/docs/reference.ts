// The inputs and outputs reference of an action, written from its action.yml:
// the descriptions live there alone (GitHub shows them in the Marketplace and
// the workflow editor), and the README's lists are generated from them, so
// that the two cannot drift apart again. Pure: text in, Markdown out.
import { parse } from 'yaml'

/** Width the generated lists are wrapped at (the prose around them is 80). */
export const WRAP_WIDTH = 80

interface Entry {
  description?: unknown
  default?: unknown
  required?: unknown
}

interface ActionYml {
  inputs?: Record<string, Entry | null>
  outputs?: Record<string, Entry | null>
}

/** Which list to write: the action's inputs or its outputs. */
export type ReferenceKind = 'inputs' | 'outputs'

/**
 * The Markdown list of an action's inputs or outputs, in action.yml's order:
 * one item per name, with its default (or "required") and its description,
 * wrapped at {@link WRAP_WIDTH}.
 */
export function referenceList(actionYml: string, kind: ReferenceKind): string {
  const action = parse(actionYml) as ActionYml
  const entries = Object.entries(action[kind] ?? {})
  return entries
    .map(([name, entry]) => {
      const head = `\`${name}\`${kind === 'inputs' ? defaultText(entry) : ''}:`
      const text = markdownText(oneLine(entry?.description))
      return wrapItem(`**${head}** ${text}`.trimEnd())
    })
    .join('\n')
}

/** ` (required)`, ` (default: \`x\`)`, or nothing for an empty default. */
function defaultText(entry: Entry | null): string {
  if (entry?.required === true) return ' (required)'
  const value =
    entry?.default === undefined || entry.default === null
      ? ''
      : String(entry.default)
  const lines = value.split('\n').filter(line => line.trim() !== '')
  if (lines.length === 0) return ''
  return ` (default: ${lines.map(codeSpan).join(' and ')})`
}

function oneLine(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : ''
}

/** A code span that holds `text` whatever backticks it contains. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map(r => r.length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

// A code span, or a run of text up to the next one.
const SPANS = /(`+)[\s\S]*?\1|[^`]+|`+/g

/**
 * An action.yml description as Markdown: code spans kept as they are, and
 * outside them the characters Markdown would take for markup escaped, so that
 * `<name>` shows rather than vanishing as an HTML tag (`_` inside a word and
 * `>` inside a line are not markup: left as they are).
 */
export function markdownText(text: string): string {
  return (text.match(SPANS) ?? [])
    .map(part =>
      part.startsWith('`')
        ? part
        : part
            .replace(/[\\<*[\]]/g, '\\$&')
            .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    )
    .join('')
}

/**
 * `- text` wrapped at {@link WRAP_WIDTH}, continuation lines indented by two.
 * A code span is never broken, and no line starts with what Markdown would
 * read as the start of a block (`>`, `#`, `-`, `+`, `*`, `|`, `=`, `1.`).
 */
export function wrapItem(text: string): string {
  const words = text.match(/(?:`+[\s\S]*?`+|[^\s`])+|`+/g) ?? []
  const lines: string[] = []
  let line = '-'
  for (const word of words) {
    const fits = line.length + 1 + word.length <= WRAP_WIDTH
    if (fits || line === '-' || startsBlock(word)) line += ` ${word}`
    else {
      lines.push(line)
      line = `  ${word}`
    }
  }
  lines.push(line)
  return lines.join('\n')
}

function startsBlock(word: string): boolean {
  return /^([>#\-+*|=]|\d+[.)])/.test(word)
}
