// Secrets out of the pull request: before anything is diffed, every value a
// Secret holds is replaced by a marker, so that no value can reach the diff
// while the keys added, removed or changed still show. The markers have one
// form on both sides (`<redacted, unchanged>` on both, `<redacted, changed,
// old value>` against `<redacted, changed, new value>`), written without a
// `: ` so that YAML never quotes one and not the other; none says anything
// of the value (its length, a hash) but whether it changed. What is a Secret is
// decided by what each document holds, not by how the manifest splitter
// named it:
// - a Secret: its `data` and `stringData`, and its own annotations
//   (`kubectl.kubernetes.io/last-applied-configuration` holds its data);
// - a Secret among the `items` of a `List` or any `*List` (kubectl applies
//   each item; in a `SecretList` an item without a kind is a Secret);
// - a document a strict YAML parser refuses (Helm renders a Secret whose key
//   repeats; this parser does not) or reads as more than JSON holds (a
//   `!!binary` tag): shown only when a text scan finds that it cannot be a
//   Secret, else redacted whole.
import { parseDocument, stringify } from 'yaml'
import { setOwn } from '../own-keys.js'

/** Past the depth bound: all of a side but its kind. */
export const REDACTED = '<redacted>'
/** The same value at both versions: the same line on both sides. */
export const REDACTED_UNCHANGED = '<redacted, unchanged>'
/** A value that changed: the old side's line and the new side's differ. */
export const REDACTED_CHANGED_OLD = '<redacted, changed, old value>'
export const REDACTED_CHANGED_NEW = '<redacted, changed, new value>'
/** A key (or a resource) at the new version only, or at the old only. */
export const REDACTED_ADDED = '<redacted, added>'
export const REDACTED_REMOVED = '<redacted, removed>'
const SECTIONS = ['data', 'stringData'] as const
/** Lists inside lists followed at most this deep. */
const MAX_DEPTH = 8
const UNREADABLE =
  '# not readable as YAML and may be a Secret: its whole text is redacted\n'

type YamlMap = Record<string, unknown>

/** A changed resource's text, old and new, with every Secret value in it replaced by markers. */
export function redactPair(
  oldText: string,
  newText: string
): { oldText: string; newText: string } {
  const before = readMap(oldText)
  const after = readMap(newText)
  if (!before || !after) {
    const risky = mayBeSecret(oldText) || mayBeSecret(newText)
    return risky ? unreadablePair(oldText, newText) : { oldText, newText }
  }
  if (!holdsSecret(before, 0) && !holdsSecret(after, 0))
    return { oldText, newText }
  redactObjects(before, after, 0)
  return { oldText: stringify(before), newText: stringify(after) }
}

/**
 * One side's text alone (an added or a removed resource, shown whole), with
 * every Secret value in it replaced by the marker of that side: `added` for
 * a new resource's, `removed` for an old one's.
 */
export function redactOne(text: string, side: 'added' | 'removed'): string {
  const map = readMap(text)
  if (!map) return mayBeSecret(text) ? UNREADABLE : text
  if (!holdsSecret(map, 0)) return text
  if (side === 'added') redactObjects(undefined, map, 0)
  else redactObjects(map, undefined, 0)
  return stringify(map)
}

/**
 * The document as one map, or undefined when it is not one that this parser
 * reads the way Kubernetes does: errors (a repeated key) or warnings (a tag
 * it does not know, such as `!!binary`).
 */
function readMap(text: string): YamlMap | undefined {
  const document = parseDocument(text)
  if (document.errors.length > 0 || document.warnings.length > 0)
    return undefined
  const value: unknown = document.toJS({ maxAliasCount: 100 })
  return isMap(value) && isPlainData(value) ? value : undefined
}

/**
 * Only what JSON holds: a tag that makes bytes or a date (`kind: !!binary
 * U2VjcmV0` is `Secret` to Kubernetes' YAML reader) is not read here.
 */
function isPlainData(value: unknown): boolean {
  const stack = [value]
  while (stack.length > 0) {
    const item = stack.pop()
    if (item === null || ['string', 'number', 'boolean'].includes(typeof item))
      continue
    const plain =
      Array.isArray(item) || Object.getPrototypeOf(item) === Object.prototype
    if (!plain) return false
    for (const child of Object.values(item as object)) stack.push(child)
  }
  return true
}

/**
 * Whether a text no parser read could be a Secret: it says `secret` in any
 * case, or holds what could spell it otherwise (a `\` escape in a quoted
 * string, a `!` tag such as `!!binary`).
 */
export function mayBeSecret(text: string): boolean {
  return /secret/i.test(text) || /[\\!]/.test(text)
}

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isSecret(value: unknown, listKind?: string): boolean {
  if (!isMap(value)) return false
  return (
    value.kind === 'Secret' ||
    (listKind === 'SecretList' && value.kind === undefined)
  )
}

/** The `items` of a `List` / `*List`, or undefined. */
function listItems(value: YamlMap): unknown[] | undefined {
  const kind = value.kind
  if (typeof kind !== 'string' || !kind.endsWith('List')) return undefined
  return Array.isArray(value.items) ? value.items : undefined
}

function holdsSecret(
  value: YamlMap,
  depth: number,
  listKind?: string
): boolean {
  if (isSecret(value, listKind)) return true
  const items = listItems(value)
  if (!items) return false
  // Past the depth bound, assume the worst.
  if (depth >= MAX_DEPTH) return true
  const kind = value.kind as string
  return items.some(item => isMap(item) && holdsSecret(item, depth + 1, kind))
}

/** Redacts `before` and `after` (the same resource, old and new) in place. */
function redactObjects(
  before: YamlMap | undefined,
  after: YamlMap | undefined,
  depth: number,
  listKind?: string
): void {
  const sample = after ?? before
  if (!sample) return
  if (isSecret(sample, listKind)) return redactSecret(before, after)
  const oldItems = before && listItems(before)
  const newItems = after && listItems(after)
  if (!oldItems && !newItems) return
  if (depth >= MAX_DEPTH) return redactWhole(before, after)
  const kind = sample.kind as string
  const oldByName = new Map(
    (oldItems ?? []).filter(isMap).map(i => [itemKey(i), i])
  )
  const paired = new Set<YamlMap>()
  for (const item of (newItems ?? []).filter(isMap)) {
    const match = oldByName.get(itemKey(item))
    if (match) paired.add(match)
    redactObjects(match, item, depth + 1, kind)
  }
  for (const item of (oldItems ?? []).filter(isMap))
    if (!paired.has(item)) redactObjects(item, undefined, depth + 1, kind)
}

/** Kind, namespace and name of a list item: how an item is matched with its old self. */
function itemKey(item: YamlMap): string {
  const metadata = isMap(item.metadata) ? item.metadata : {}
  return JSON.stringify([item.kind, metadata.namespace, metadata.name])
}

/** A Secret's values (data, stringData, annotations) replaced, keys kept. */
function redactSecret(
  before: YamlMap | undefined,
  after: YamlMap | undefined
): void {
  for (const section of SECTIONS) redactSection(before, after, [section])
  redactSection(before, after, ['metadata', 'annotations'])
}

/** Past the depth bound: nothing of either side but that it is there. */
function redactWhole(before?: YamlMap, after?: YamlMap): void {
  for (const side of [before, after]) {
    if (!side) continue
    for (const key of Object.keys(side))
      if (key !== 'kind') side[key] = REDACTED
  }
}

/** The map at `path` of both sides, each value replaced by a marker. */
function redactSection(
  before: YamlMap | undefined,
  after: YamlMap | undefined,
  path: readonly string[]
): void {
  const oldValues = before && valueAt(before, path)
  const newValues = after && valueAt(after, path)
  if (oldValues === undefined && newValues === undefined) return
  const markers = sectionMarkers(oldValues, newValues)
  if (oldValues !== undefined && before) setAt(before, path, markers.old)
  if (newValues !== undefined && after) setAt(after, path, markers.new)
}

function valueAt(value: YamlMap, path: readonly string[]): unknown {
  let at: unknown = value
  for (const key of path) at = isMap(at) ? at[key] : undefined
  return at
}

function setAt(value: YamlMap, path: readonly string[], marker: unknown): void {
  const parent = valueAt(value, path.slice(0, -1))
  if (isMap(parent)) parent[path[path.length - 1]] = marker
}

/**
 * Per key: the same marker on both sides when unchanged, the old and the new
 * value's markers when changed, `added` or `removed` on its only side.
 */
function sectionMarkers(
  oldValues: unknown,
  newValues: unknown
): { old: unknown; new: unknown } {
  const keyed =
    (oldValues === undefined || isMap(oldValues)) &&
    (newValues === undefined || isMap(newValues))
  if (!keyed) {
    // Not a map on one side (a templated string, null): no key to show.
    if (newValues === undefined) return { old: REDACTED_REMOVED, new: null }
    if (oldValues === undefined) return { old: null, new: REDACTED_ADDED }
    return sameValue(oldValues, newValues)
      ? { old: REDACTED_UNCHANGED, new: REDACTED_UNCHANGED }
      : { old: REDACTED_CHANGED_OLD, new: REDACTED_CHANGED_NEW }
  }
  const old: YamlMap = isMap(oldValues) ? oldValues : {}
  const now: YamlMap = isMap(newValues) ? newValues : {}
  const oldMarkers: YamlMap = {}
  const newMarkers: YamlMap = {}
  for (const key of Object.keys(old))
    setOwn(oldMarkers, key, markerOf(key, old, now, 'old'))
  for (const key of Object.keys(now))
    setOwn(newMarkers, key, markerOf(key, old, now, 'new'))
  return { old: oldMarkers, new: newMarkers }
}

/** The marker of `key` on one side, from whether the other side has it and the same. */
function markerOf(
  key: string,
  old: YamlMap,
  now: YamlMap,
  side: 'old' | 'new'
): string {
  const other = side === 'old' ? now : old
  if (!Object.hasOwn(other, key))
    return side === 'old' ? REDACTED_REMOVED : REDACTED_ADDED
  if (sameValue(old[key], now[key])) return REDACTED_UNCHANGED
  return side === 'old' ? REDACTED_CHANGED_OLD : REDACTED_CHANGED_NEW
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** A document that may be a Secret and does not parse: only whether it changed. */
function unreadablePair(
  oldText: string,
  newText: string
): { oldText: string; newText: string } {
  if (oldText === newText) return { oldText: UNREADABLE, newText: UNREADABLE }
  return {
    oldText: `${UNREADABLE}${REDACTED_CHANGED_OLD}\n`,
    newText: `${UNREADABLE}${REDACTED_CHANGED_NEW}\n`
  }
}
