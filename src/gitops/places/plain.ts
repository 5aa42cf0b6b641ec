// Reading manifests as plain values (what `yaml`'s toJS gives): typed
// lookups that say "absent" for anything of the wrong shape, and `<<` merge
// keys applied as Kubernetes applies them.

export type PlainMap = Record<string, unknown>

/** Merge keys followed at most this deep; the documents are small. */
const MAX_DEPTH = 64

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function mapAt(value: unknown, key: string): PlainMap | undefined {
  const found = isPlainMap(value) ? value[key] : undefined
  return isPlainMap(found) ? found : undefined
}

/**
 * A field Kubernetes reads as a string. YAML reads `1.10` as a number and
 * `true` as a boolean; written in a string field they mean the text.
 */
export function stringAt(value: unknown, key: string): string | undefined {
  return isPlainMap(value) ? scalarText(value[key]) : undefined
}

export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value)
  return undefined
}

export function booleanAt(value: unknown, key: string): boolean | undefined {
  const found = isPlainMap(value) ? value[key] : undefined
  return typeof found === 'boolean' ? found : undefined
}

export function listAt(value: unknown, key: string): unknown[] {
  const found = isPlainMap(value) ? value[key] : undefined
  return Array.isArray(found) ? found : []
}

export function stringsAt(value: unknown, key: string): string[] {
  return listAt(value, key).flatMap(item => scalarText(item) ?? [])
}

/** Follows a pin's path, e.g. `spec.sources[1]`; undefined when it leads nowhere. */
export function walkPath(value: unknown, path: string): unknown {
  let at = value
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (key !== undefined) at = isPlainMap(at) ? at[key] : undefined
    else at = Array.isArray(at) ? at[Number(index)] : undefined
  }
  return at
}

/** The mapping at `path`; undefined when it is anything else. */
export function mapAtPath(value: unknown, path: string): PlainMap | undefined {
  const found = walkPath(value, path)
  return isPlainMap(found) ? found : undefined
}

/** A pin's path without its last field: `spec.sources[1].targetRevision` → `spec.sources[1]`. */
export function parentPath(path: string): string {
  const cut = path.lastIndexOf('.')
  return cut < 0 ? '' : path.slice(0, cut)
}

/**
 * The mapping that holds a pinned version (a list entry such as a
 * dependency), found by the pin's path, and that mapping's own path.
 */
export function pinnedEntry(
  value: unknown,
  pinPath: string
): { path: string; entry: PlainMap | undefined } {
  const path = parentPath(pinPath)
  return { path, entry: mapAtPath(value, path) }
}

/**
 * `<<: *base` (or a list of them) merged into the mapping: its own keys win,
 * then earlier merged mappings over later ones (YAML 1.1's merge key).
 */
export function withMergeKeys(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value
  if (Array.isArray(value))
    return value.map(item => withMergeKeys(item, depth + 1))
  if (!isPlainMap(value)) return value
  const merged: PlainMap = {}
  const sources = value['<<']
  const bases = Array.isArray(sources) ? sources : [sources]
  for (const base of bases.slice().reverse()) {
    const expanded = withMergeKeys(base, depth + 1)
    if (!isPlainMap(expanded)) continue
    for (const [key, item] of Object.entries(expanded))
      setOwn(merged, key, item)
  }
  for (const [key, item] of Object.entries(value)) {
    if (key !== '<<') setOwn(merged, key, withMergeKeys(item, depth + 1))
  }
  return merged
}

/** A key named `__proto__` is data in a manifest, never the prototype. */
function setOwn(map: PlainMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true
  })
}

/**
 * `kubeVersion` and `apiVersions` of a manifest's Helm settings (Argo CD's
 * `helm`, a Kustomize `helmCharts` entry: the same two keys) onto the place.
 */
export function readCapabilities(
  settings: PlainMap | undefined,
  place: { kubeVersion?: string; apiVersions: string[] }
): void {
  const kubeVersion = stringAt(settings, 'kubeVersion')
  if (kubeVersion) place.kubeVersion = kubeVersion
  place.apiVersions = stringsAt(settings, 'apiVersions')
}
