// The whole resource through its patches, as plain values, for rendering an
// environment with its effective values: a strategic merge
// (api/filters/patchstrategicmerge/patchstrategicmerge.go, `Filter.Filter`)
// merges mappings key by key, deletes a key set to null, honours `$patch:
// delete` and `$patch: replace`, and replaces lists (a custom resource's
// lists have no merge key: kyaml replaces them); JSON 6902 (RFC 6902, as
// api/filters/patchjson6902/patchjson6902.go applies it) adds, replaces
// and removes by pointer. Pure; the inputs are never changed.
import { isPlainMap, type PlainMap } from '../../../places/plain.js'
import { ownValue, setOwn } from '../../../../own-keys.js'

/** `base` with the strategic-merge `patch` applied; undefined when deleted. */
export function strategicMerge(
  base: PlainMap,
  patch: PlainMap
): PlainMap | undefined {
  const directive = patch.$patch
  if (directive === 'delete') return undefined
  if (directive === 'replace') return withoutDirective(patch)
  const result: PlainMap = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue
    if (value === null) {
      delete result[key]
      continue
    }
    const current = ownValue(result, key)
    if (isPlainMap(value) && isPlainMap(current)) {
      const merged = strategicMerge(current, value)
      if (merged === undefined) delete result[key]
      else setOwn(result, key, merged)
    } else
      setOwn(result, key, isPlainMap(value) ? withoutDirective(value) : value)
  }
  return result
}

function withoutDirective(map: PlainMap): PlainMap {
  const result: PlainMap = {}
  for (const [key, value] of Object.entries(map)) {
    if (key === '$patch') continue
    setOwn(result, key, isPlainMap(value) ? withoutDirective(value) : value)
  }
  return result
}

/** One JSON 6902 operation as plain values. */
export interface PlainOp {
  op: string
  path: string
  value?: unknown
}

/** `base` with the operations applied; an operation that does not apply is skipped. */
export function jsonPatch(base: PlainMap, ops: readonly PlainOp[]): PlainMap {
  let result: unknown = structuredClone(base)
  for (const op of ops) result = applyOne(result, op)
  return isPlainMap(result) ? result : base
}

function applyOne(root: unknown, { op, path, value }: PlainOp): unknown {
  const keys = path
    .split('/')
    .slice(1)
    .map(part => part.replaceAll('~1', '/').replaceAll('~0', '~'))
  if (keys.length === 0) return op === 'remove' ? root : value
  let parent: unknown = root
  for (const key of keys.slice(0, -1)) {
    parent = childOf(parent, key)
    if (parent === undefined) return root
  }
  const last = keys[keys.length - 1]
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last)
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      return root
    if (op === 'add') parent.splice(index, 0, structuredClone(value))
    else if (op === 'replace') parent[index] = structuredClone(value)
    else if (op === 'remove') parent.splice(index, 1)
  } else if (isPlainMap(parent)) {
    if (op === 'add' || op === 'replace')
      setOwn(parent, last, structuredClone(value))
    else if (op === 'remove') delete parent[last]
  }
  return root
}

function childOf(parent: unknown, key: string): unknown {
  if (Array.isArray(parent)) return parent[Number(key)] as unknown
  return isPlainMap(parent) ? ownValue(parent, key) : undefined
}
