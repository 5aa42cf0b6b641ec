// Secrets out of the pull request: the values of a Secret's `data` and
// `stringData` are replaced by markers before anything is diffed, so that no
// value can reach the diff, while the keys added, removed or changed still show.
import { parseDocument, stringify } from 'yaml'

export const REDACTED = '<redacted>'
export const REDACTED_CHANGED = '<redacted: changed>'
export const REDACTED_ADDED = '<redacted: added>'
const SECTIONS = ['data', 'stringData'] as const

/** A Secret's text, old and new, with its values replaced by markers. */
export function redactSecretPair(
  oldText: string,
  newText: string
): { oldText: string; newText: string } {
  const before = parseSecret(oldText)
  const after = parseSecret(newText)
  if (!before || !after) return unreadablePair(oldText, newText)
  for (const section of SECTIONS) {
    const oldValues = before[section]
    const newValues = after[section]
    if (oldValues === undefined && newValues === undefined) continue
    const redacted = redactSection(oldValues, newValues)
    if (oldValues !== undefined) before[section] = redacted.old
    if (newValues !== undefined) after[section] = redacted.new
  }
  return { oldText: stringify(before), newText: stringify(after) }
}

type SecretObject = Record<string, unknown>

function parseSecret(text: string): SecretObject | undefined {
  const document = parseDocument(text)
  if (document.errors.length > 0) return undefined
  const value: unknown = document.toJS({ maxAliasCount: 100 })
  return isPlainObject(value) ? value : undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Per key: the same marker on both sides when unchanged, a telling one when not. */
function redactSection(
  oldValues: unknown,
  newValues: unknown
): { old: unknown; new: unknown } {
  if (!isPlainObject(oldValues) || !isPlainObject(newValues)) {
    // Not a map on one side (a templated string, null): no key to show.
    const changed = !sameValue(oldValues, newValues)
    return { old: REDACTED, new: changed ? REDACTED_CHANGED : REDACTED }
  }
  const oldMarkers: Record<string, string> = {}
  const newMarkers: Record<string, string> = {}
  for (const key of Object.keys(oldValues)) oldMarkers[key] = REDACTED
  for (const key of Object.keys(newValues)) {
    newMarkers[key] = !(key in oldValues)
      ? REDACTED_ADDED
      : sameValue(oldValues[key], newValues[key])
        ? REDACTED
        : REDACTED_CHANGED
  }
  return { old: oldMarkers, new: newMarkers }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * A Secret that does not parse as one YAML map: nothing of it is shown, only
 * whether it changed.
 */
function unreadablePair(
  oldText: string,
  newText: string
): { oldText: string; newText: string } {
  const marker = '# Secret not readable as YAML: its whole text is redacted\n'
  const changed = oldText === newText ? '' : `${REDACTED_CHANGED}\n`
  return { oldText: marker, newText: marker + changed }
}
