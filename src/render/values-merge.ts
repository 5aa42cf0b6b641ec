// Values merged the way Helm's Go code merges them before `helm template`
// sees them: a tool that builds one values map itself (Flux's
// source-controller for `chart.spec.valuesFiles`, helm-controller for
// `valuesFrom`) hands Helm the result, so the preview merges the same way
// and hands Helm one file. Pure: no I/O.
import { parse } from 'yaml'
import { ownValue, setOwn } from '../own-keys.js'

/** Values as plain data: what `yaml`'s parse gives. */
export type PlainMap = Record<string, unknown>

/** A values text larger than this is not read (Helm's values are small). */
const MAX_VALUES_BYTES = 4 * 1024 * 1024

/**
 * What `merge` returns, or `tooDeep` when the values nest deeper than the
 * stack allows: the merges recurse as Go's do, and a hostile values file
 * must end as a note on its place, not as a crash of the run.
 */
export function unlessTooDeep<T, R>(merge: () => T, tooDeep: R): T | R {
  try {
    return merge()
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    return tooDeep
  }
}

/**
 * `b` merged into `a`: maps merge key by key, anything else in `b` replaces
 * what `a` has. fluxcd/pkg `chartutil/merge.go` `MergeMaps` (and
 * `runtime/transform` `MergeMaps`), copied from Helm 3.3's
 * `pkg/cli/values/options.go` `mergeMaps`.
 */
export function mergeMaps(a: PlainMap, b: PlainMap): PlainMap {
  const out: PlainMap = { ...a }
  for (const [key, value] of Object.entries(b)) {
    const current = ownValue(out, key)
    setOwn(
      out,
      key,
      isPlainMap(value) && isPlainMap(current)
        ? mergeMaps(current, value)
        : value
    )
  }
  return out
}

/**
 * A values text read as Go's `sigs.k8s.io/yaml` reads it (YAML 1.1: `yes`
 * is a boolean; merge keys applied): a map, or why not. An empty text is an
 * empty map, as Helm's `ReadValues` gives.
 */
export function readValues(
  text: string
): { values: PlainMap } | { error: string } {
  if (Buffer.byteLength(text) > MAX_VALUES_BYTES)
    return { error: `larger than ${MAX_VALUES_BYTES} bytes` }
  let value: unknown
  try {
    value = parse(text, { version: '1.1', merge: true, uniqueKeys: false })
  } catch (error) {
    return { error: firstLine(error) }
  }
  if (value === null || value === undefined) return { values: {} }
  if (!isPlainMap(value)) return { error: 'not a map of values' }
  return { values: value }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]
}

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
