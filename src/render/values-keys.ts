// The values a place sets, one key each (`image.tag`, `ingress.hosts`), and
// the place with some of them changed: removed (`null`, which Helm's
// coalescing turns into "no such key", chart default included) or set to a
// marker no template could have expected. unread-values.ts renders those
// probes to learn which keys a chart version's rendering depends on. Also
// which keys a version declares (values.yaml, values.schema.json). Pure.
import { parse } from 'yaml'
import type { RenderPlace, SetValue, ValuesFile } from './place.js'

/** One key the place sets. */
export interface ValueKey {
  /** `image.tag`, as the user would write it with `--set`. */
  path: string
  /** Its map keys from the root; undefined for a `--set` path Helm parses itself (`a[0].b`, `a\.b`). */
  segments?: string[]
  /** Where the place sets it: a values file's name, or `--set`. */
  from: string
}

/** Keys read from the place at most: past it, the rest are counted, not checked. */
export const MAX_KEYS = 64
/** Deeper maps are taken as one key. */
const MAX_DEPTH = 16

/** How a probe changes the keys it tests. */
export type Probe = 'absent' | 'marker'

/**
 * The leaf keys the place sets, in order, each once: the keys of its values
 * files (a list, a scalar or an empty map is one key) and its `--set` paths.
 * Files read from the chart (`fromChart`) are the chart's own text: their keys
 * are not the place's. At most MAX_KEYS; `more` counts the rest.
 */
export function placeKeys(place: RenderPlace): {
  keys: ValueKey[]
  more: number
} {
  const found = new Map<string, ValueKey>()
  for (const file of place.valueFiles) {
    if (file.fromChart !== undefined) continue
    for (const segments of leafPaths(parseValues(file.text), [])) {
      const key = segments.join('.')
      found.set(key, { path: key, segments, from: file.name })
    }
  }
  for (const set of place.setValues) {
    const segments = plainSetPath(set.path)
    found.set(set.path, { path: set.path, segments, from: '--set' })
  }
  const keys = [...found.values()]
  return {
    keys: keys.slice(0, MAX_KEYS),
    more: Math.max(0, keys.length - MAX_KEYS)
  }
}

function parseValues(text: string): unknown {
  try {
    return parse(text, { maxAliasCount: 100 }) as unknown
  } catch {
    // A file that does not parse fails the render itself: Helm says why.
    return undefined
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function leafPaths(value: unknown, at: string[]): string[][] {
  if (!isMap(value)) return at.length ? [at] : []
  const entries = Object.entries(value)
  if (entries.length === 0 || at.length >= MAX_DEPTH)
    return at.length ? [at] : []
  return entries.flatMap(([key, child]) => leafPaths(child, [...at, key]))
}

/** A `--set` path of plain dotted names, as segments; undefined when Helm's parser is needed. */
function plainSetPath(path: string): string[] | undefined {
  if (/[[\]\\]/.test(path)) return undefined
  const segments = path.split('.')
  return segments.every(s => s !== '') ? segments : undefined
}

/** A marker value for the key at `index` that no chart expects. */
export function markerValue(index: number): string {
  return `helm-oci-release-probe-${index}`
}

/**
 * The place with `keys` removed or set to markers (and the markers): a last
 * values file holds them (`null`, or the marker), and a `--set` of the same
 * path (which Helm applies after every file) is left out or given the marker.
 */
export function probedPlace(
  place: RenderPlace,
  keys: readonly ValueKey[],
  probe: Probe
): { place: RenderPlace; markers: string[] } {
  const tree: Record<string, unknown> = {}
  const markers = new Map<string, string>()
  for (const [index, key] of keys.entries()) {
    const value = probe === 'absent' ? null : markerValue(index)
    if (typeof value === 'string') markers.set(key.path, value)
    if (key.segments) setIn(tree, key.segments, value)
  }
  const probeFile: ValuesFile = {
    name: 'values changed by the preview',
    text: JSON.stringify(tree)
  }
  const probed: RenderPlace = {
    ...place,
    valueFiles: [...place.valueFiles, probeFile],
    setValues: place.setValues.flatMap((set): SetValue[] => {
      if (!keys.some(key => key.path === set.path)) return [set]
      const marker = markers.get(set.path)
      return marker === undefined
        ? []
        : [{ path: set.path, value: marker, forceString: true }]
    })
  }
  return { place: probed, markers: [...markers.values()] }
}

function setIn(
  tree: Record<string, unknown>,
  segments: readonly string[],
  value: unknown
): void {
  let node = tree
  for (const segment of segments.slice(0, -1)) {
    const next = Object.hasOwn(node, segment) ? node[segment] : undefined
    if (isMap(next)) {
      node = next
      continue
    }
    const created: Record<string, unknown> = {}
    Object.defineProperty(node, segment, {
      value: created,
      enumerable: true,
      writable: true
    })
    node = created
  }
  Object.defineProperty(node, segments[segments.length - 1] ?? '', {
    value,
    enumerable: true,
    writable: true
  })
}

/**
 * Whether a chart version declares `segments`: its defaults (values.yaml,
 * subcharts' under their alias) hold the key, or hold an empty map or a
 * null on its way (a map the chart leaves open, like `podAnnotations: {}`),
 * or its schema lists it (`properties`), has `patternProperties` (not run: taken as an open map)
 * or gives a schema to any other key (`additionalProperties: {…}`).
 */
export function declares(
  defaults: unknown,
  schema: unknown,
  segments: readonly string[]
): boolean {
  return inDefaults(defaults, segments) || inSchema(schema, segments)
}

function inDefaults(defaults: unknown, segments: readonly string[]): boolean {
  let node = defaults
  for (const [index, segment] of segments.entries()) {
    if (!isMap(node)) return false
    if (!Object.hasOwn(node, segment)) return false
    node = node[segment]
    const last = index === segments.length - 1
    if (!last && (node === null || (isMap(node) && !Object.keys(node).length)))
      return true
  }
  return true
}

function inSchema(schema: unknown, segments: readonly string[]): boolean {
  let node = schema
  for (const segment of segments) {
    if (!isMap(node)) return false
    const properties = node.properties
    if (isMap(properties) && Object.hasOwn(properties, segment)) {
      node = properties[segment]
      continue
    }
    // An open map: a chart's pattern is not run (it could take exponential
    // time), and any `patternProperties` or `additionalProperties: {…}`
    // declares every key below, which only reports less.
    return isMap(node.patternProperties) || isMap(node.additionalProperties)
  }
  return true
}
