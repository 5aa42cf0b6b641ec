// Flux HelmRelease `spec.valuesFrom`, composed as helm-controller composes
// it (fluxcd/pkg chartutil/values.go `ChartValuesFromReferences`): entries
// in list order, each merged over the ones before; an entry with a
// `targetPath` first merges `spec.values` in, then sets its one value with
// Helm's `--set` parser; `spec.values` is merged last. ConfigMaps are looked
// up among the GitOps repository's manifests (one made by a generator, or
// applied from elsewhere, is not found: said in a note, and left out);
// Secrets are never shown.
import { stringify } from 'yaml'
import type { ValuesFile } from '../../../render/place.js'
import {
  mergeMaps,
  readValues,
  unlessTooDeep,
  type PlainMap
} from '../../../render/values-merge.js'
import type { PlaceContext } from '../../places/context.js'
import type { ManifestDocument } from '../../places/documents.js'
import { booleanAt, listAt, mapAt, stringAt } from '../../places/plain.js'
import { replacePathValue } from './target-path.js'

/** Flux reads this key of the ConfigMap when `valuesKey` is not set. */
const DEFAULT_VALUES_KEY = 'values.yaml'

/** valuesFrom entries looked at per HelmRelease at most. */
const MAX_VALUES_FROM = 50

/** One entry read: a values text, or one value at a path. */
type Layer =
  | { name: string; text: string }
  | { name: string; targetPath: string; value: string; literal: boolean }

export interface ValuesFromResult {
  /** Lowest first: Helm merges them in order, as Flux does. */
  valueFiles: ValuesFile[]
  notes: string[]
  /** Flux cannot compose these values (it reports the HelmRelease failed). */
  refused?: string
}

/** The HelmRelease's values: `spec.valuesFrom`, then `spec.values`. */
export function releaseValues(
  spec: unknown,
  releaseNamespace: string | undefined,
  context: PlaceContext
): ValuesFromResult {
  const notes: string[] = []
  const layers = listAt(spec, 'valuesFrom')
    .slice(0, MAX_VALUES_FROM)
    .flatMap(entry => readEntry(entry, releaseNamespace, context, notes))
  const values = mapAt(spec, 'values')
  if (!layers.some(layer => 'targetPath' in layer)) {
    const own = values ? [{ name: 'values', text: stringify(values) }] : []
    const files = layers.flatMap(layer => ('text' in layer ? [layer] : []))
    return { valueFiles: [...files, ...own], notes }
  }
  const composed = unlessTooDeep(() => composeValues(layers, values ?? {}), {
    refused: 'the values are nested too deeply to compose here'
  })
  if ('refused' in composed) return { valueFiles: [], notes, ...composed }
  const name = 'spec.valuesFrom and spec.values, composed as Flux does'
  return {
    valueFiles: [{ name, text: JSON.stringify(composed.values) }],
    notes
  }
}

/** Values nested past what the action's own stack holds are not composed. */
/**
 * `ChartValuesFromReferences`. `values` is one object throughout and the
 * `--set` parser writes into maps in place, as in Go: a value set under a
 * map that came from `spec.values` outlives the final merge.
 */
function composeValues(
  layers: readonly Layer[],
  values: PlainMap
): { values: PlainMap } | { refused: string } {
  let result: PlainMap = {}
  for (const layer of layers) {
    if ('text' in layer) {
      const read = readValues(layer.text)
      if ('error' in read)
        return { refused: `${layer.name} is not YAML values: ${read.error}` }
      result = mergeMaps(result, read.values)
      continue
    }
    result = mergeMaps(result, values)
    const problem = replacePathValue(result, layer)
    if (problem)
      return {
        refused: `${layer.name}: Flux fails to merge the value at targetPath ${layer.targetPath}: ${problem}`
      }
  }
  return { values: mergeMaps(result, values) }
}

function readEntry(
  entry: unknown,
  namespace: string | undefined,
  context: PlaceContext,
  notes: string[]
): Layer[] {
  const kind = stringAt(entry, 'kind')
  const name = stringAt(entry, 'name') ?? ''
  if (kind === 'Secret') {
    notes.push(`values from Secret ${name} not shown`)
    return []
  }
  if (kind !== 'ConfigMap') {
    notes.push(`valuesFrom ${kind ?? '(no kind)'} ${name} not read`)
    return []
  }
  const key = stringAt(entry, 'valuesKey') ?? DEFAULT_VALUES_KEY
  const what = `valuesFrom ConfigMap ${name} (${key})`
  const text = configMapValue(context, name, namespace, key)
  if (text === undefined) {
    notes.push(
      booleanAt(entry, 'optional') === true
        ? `${what} not found in the repository; optional, left out`
        : `${what} not found in the repository`
    )
    return []
  }
  const targetPath = stringAt(entry, 'targetPath')
  if (!targetPath) return [{ name: what, text }]
  const literal = booleanAt(entry, 'literal') === true
  return [{ name: what, targetPath, value: text, literal }]
}

/** `data[key]` of the first ConfigMap with that name in that namespace. */
function configMapValue(
  context: PlaceContext,
  name: string,
  namespace: string | undefined,
  key: string
): string | undefined {
  const found = context.documents
    .ofKind('ConfigMap')
    .find(configMap => sameObject(configMap, name, namespace))
  const value = mapAt(found?.value, 'data')?.[key]
  return typeof value === 'string' ? value : undefined
}

/**
 * Named `name` in `namespace`. An unset namespace is filled in when applied
 * (Kustomize, Flux's targetNamespace), so it matches any.
 */
export function sameObject(
  manifest: ManifestDocument,
  name: string,
  namespace: string | undefined
): boolean {
  const metadata = mapAt(manifest.value, 'metadata')
  const own = stringAt(metadata, 'namespace')
  return (
    stringAt(metadata, 'name') === name &&
    (!own || !namespace || own === namespace)
  )
}
