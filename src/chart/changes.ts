// Artifact Hub's `artifacthub.io/changes` annotation, read from Chart.yaml or
// a chart's config blob: what changed in a version, as the GitOps changelog
// and a GitHub release's notes both show it. Written by anyone who publishes
// a chart, so it is read bounded: its size, its aliases, the length of each
// text and the number of changes. Pure: no I/O.
import { parse as parseYaml } from 'yaml'
import { CHANGES_ANNOTATION } from './metadata.js'

/** At most this many changes per version. */
export const MAX_CHANGES = 100
/** A description, appVersion or note longer than this is cut. */
const MAX_TEXT = 500
/** An annotation longer than this is not parsed (Helm allows big Chart.yaml files). */
const MAX_ANNOTATION = 64 * 1024
/** YAML aliases expanded at most: a few bytes must not become gigabytes. */
const MAX_ALIASES = 50

/** One change of a version: Artifact Hub's `kind` (added, fixed…) when given. */
export interface Change {
  kind?: string
  description: string
}

/** `text` trimmed and cut to MAX_TEXT characters. */
export function boundedText(text: string): string {
  const trimmed = text.trim()
  return trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT)}…` : trimmed
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The annotation's YAML list, or a note saying why it is not one. */
function changeList(annotation: unknown): unknown[] | string {
  const name = `\`${CHANGES_ANNOTATION}\``
  if (typeof annotation !== 'string') return `${name} is not a string`
  if (annotation.length > MAX_ANNOTATION)
    return `${name} is longer than ${MAX_ANNOTATION} characters: not read`
  let parsed: unknown
  try {
    parsed = parseYaml(annotation, {
      maxAliasCount: MAX_ALIASES,
      prettyErrors: false
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : ''
    return `${name} is not valid YAML (${boundedText(reason)})`
  }
  return Array.isArray(parsed) ? parsed : `${name} is not a YAML list`
}

/**
 * The changes of an `artifacthub.io/changes` annotation in either form
 * Artifact Hub accepts: a list of strings, or a list of objects with `kind`
 * and `description` (`links` are not shown). What cannot be read is a note.
 */
export function parseChanges(annotation: unknown): {
  changes: Change[]
  notes: string[]
} {
  if (annotation === undefined) return { changes: [], notes: [] }
  const list = changeList(annotation)
  if (typeof list === 'string') return { changes: [], notes: [list] }
  const notes: string[] = []
  const read = list.map(changeOf)
  const changes = read.filter((change): change is Change => !!change)
  const unread = read.length - changes.length
  if (unread > 0)
    notes.push(
      `${unread} item(s) of \`${CHANGES_ANNOTATION}\` have no description: not shown`
    )
  if (changes.length > MAX_CHANGES)
    notes.push(`${changes.length - MAX_CHANGES} more change(s) not shown`)
  return { changes: changes.slice(0, MAX_CHANGES), notes }
}

/** One item of the list: a string, or `{ kind, description }`. */
function changeOf(item: unknown): Change | undefined {
  if (typeof item === 'string')
    return item.trim() === '' ? undefined : { description: boundedText(item) }
  if (!isRecord(item) || typeof item.description !== 'string') return undefined
  if (item.description.trim() === '') return undefined
  const kind =
    typeof item.kind === 'string' && item.kind.trim() !== ''
      ? boundedText(item.kind)
      : undefined
  return {
    ...(kind === undefined ? {} : { kind }),
    description: boundedText(item.description)
  }
}
