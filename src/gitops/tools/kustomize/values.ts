// How Kustomize merges a helmCharts entry's `valuesInline` into its values
// file before Helm sees either: with kyaml's merge2.Merge, not Helm's
// coalescing, so the two differ. A `null` in the source removes the key
// from the merged file (the chart's default comes back, where Helm would
// delete it), lists are replaced whole, and two values of different kinds
// (a map and a string) fail the build. Pure: no I/O.
//
// kubernetes-sigs/kustomize (kustomize/v5.8.1):
// plugin/builtin/helmchartinflationgenerator/HelmChartInflationGenerator.go
// replaceValuesInline calls merge2.Merge(src, dest): `override` passes the
// inline values as src (they win), `merge` passes the file as src (it wins).
// kyaml/yaml/merge2/merge2.go (Merger.VisitMap, VisitList, VisitScalar) and
// kyaml/yaml/walk (Walker.Kind, walkMap; yaml.FieldSetter clears a field set
// to a tagged null). Without a schema, and values have none, no list is
// associative (kyaml/yaml/schema IsAssociative with infer false).
import { parse } from 'yaml'
import { errorMessage } from '../../../errors.js'
import { isPlainMap, type PlainMap } from '../../places/plain.js'
import { ownValue, setOwn } from '../../../own-keys.js'

/** Where merge2 met two kinds (a map and a list): Kustomize fails the build. */
export interface KindConflict {
  /** The keys down to it, `the top level` at the top. */
  at: string
  src: string
  dest: string
}

/** merge2's answer: the merged value, or where it fails. */
export type MergeResult = { value: unknown } | { conflict: KindConflict }

/** A field set to this is removed (merge2's walk.ClearNode / a tagged null). */
const CLEAR = Symbol('clear')

class KindError extends Error {
  constructor(readonly conflict: KindConflict) {
    super(conflict.at)
  }
}

type Kind = 'map' | 'list' | 'scalar'

function kindOf(value: unknown): Kind | undefined {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value)) return 'list'
  return isPlainMap(value) ? 'map' : 'scalar'
}

const KIND_NAMES: Record<Kind, string> = {
  map: 'a mapping',
  list: 'a list',
  scalar: 'a single value'
}

/**
 * `merge2.Merge(src, dest)` on plain values: `src` wins. `undefined` is a
 * key that is absent, `null` one set to null.
 */
export function merge2(src: unknown, dest: unknown): MergeResult {
  try {
    const value = walk(src, dest, [])
    return { value: value === CLEAR ? {} : value }
  } catch (error) {
    if (error instanceof KindError) return { conflict: error.conflict }
    throw error
  }
}

function walk(src: unknown, dest: unknown, path: readonly string[]): unknown {
  // Walker.Kind: the first of (dest, src) that is neither absent nor null.
  const kind = kindOf(dest) ?? kindOf(src)
  const other = kindOf(dest) ? kindOf(src) : undefined
  if (kind && other && other !== kind) {
    throw new KindError({
      at: path.length ? path.join('.') : 'the top level',
      src: KIND_NAMES[other],
      dest: KIND_NAMES[kind]
    })
  }
  if (kind === 'list' || kind === 'scalar') {
    // VisitList (not associative) and VisitScalar: src, when present, wins.
    if (src === undefined) return dest
    return src === null ? CLEAR : src
  }
  return walkMap(src, dest, path)
}

function walkMap(
  src: unknown,
  dest: unknown,
  path: readonly string[]
): unknown {
  // VisitMap: into an absent or null dest, src is added as it is (a null
  // src clears); a null dest with no src stays null ("persistent null").
  if (dest === null || dest === undefined) {
    if (src === undefined) return dest
    if (src === null) return CLEAR
  } else if (src === null) return CLEAR
  const into = isPlainMap(dest) ? dest : {}
  const from = isPlainMap(src) ? src : {}
  const merged: PlainMap = {}
  for (const key of new Set([...Object.keys(into), ...Object.keys(from)])) {
    const value = walk(ownValue(from, key), ownValue(into, key), [...path, key])
    // yaml.FieldSetter: a field set to a tagged null is cleared.
    if (value !== CLEAR && value !== undefined) setOwn(merged, key, value)
  }
  return merged
}

/** The two ways Kustomize merges inline values into the values file. */
export type ValuesMerge = 'override' | 'merge'

/**
 * The values file Kustomize hands Helm for `valuesInline` and the values
 * file's text (`valuesFile`, or the chart's own values.yaml): the merge,
 * written as JSON (YAML that every YAML reader takes the same way).
 */
export function mergedValuesText(
  fileText: string,
  inline: PlainMap,
  mode: ValuesMerge
): { text: string } | { error: string } {
  let file: unknown
  try {
    file = parse(fileText)
  } catch (error) {
    return { error: `it is not YAML: ${errorMessage(error)}` }
  }
  const result =
    mode === 'override' ? merge2(inline, file) : merge2(file, inline)
  if ('conflict' in result) {
    const { at, src, dest } = result.conflict
    const [inlineKind, fileKind] =
      mode === 'override' ? [src, dest] : [dest, src]
    return {
      error: `Kustomize cannot merge valuesInline into it (merge2): at ${at}, valuesInline has ${inlineKind} and the file ${fileKind}`
    }
  }
  return { text: valuesText(result.value) }
}

/**
 * Values as the text of a values file: JSON, which Helm's YAML 1.1 reader
 * takes as meant (a plain `yes` written as YAML would become `true`).
 */
export function valuesText(values: unknown): string {
  return JSON.stringify(values, null, 2) + '\n'
}
