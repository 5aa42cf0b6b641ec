// Flux HelmRelease `spec.valuesFrom`: ConfigMaps are looked up among the
// GitOps repository's manifests (one made by a generator, or applied from
// elsewhere, is not found: said in a note); Secrets are never shown.
import type { SetValue, ValuesFile } from '../../../render/place.js'
import type { PlaceContext } from '../../places/context.js'
import type { ManifestDocument } from '../../places/documents.js'
import { booleanAt, listAt, mapAt, stringAt } from '../../places/plain.js'

/** Flux reads this key of the ConfigMap when `valuesKey` is not set. */
const DEFAULT_VALUES_KEY = 'values.yaml'

/** valuesFrom entries looked at per HelmRelease at most. */
const MAX_VALUES_FROM = 50

export interface ValuesFromResult {
  valueFiles: ValuesFile[]
  /** `targetPath` entries: one value set at a path. */
  setValues: SetValue[]
  notes: string[]
}

export function valuesFrom(
  spec: unknown,
  releaseNamespace: string | undefined,
  context: PlaceContext
): ValuesFromResult {
  const result: ValuesFromResult = { valueFiles: [], setValues: [], notes: [] }
  const entries = listAt(spec, 'valuesFrom').slice(0, MAX_VALUES_FROM)
  for (const entry of entries) {
    addEntry(entry, releaseNamespace, context, result)
  }
  if (result.setValues.length > 0 && mapAt(spec, 'values'))
    result.notes.push(
      'valuesFrom targetPath values are applied after spec.values here; Flux applies them before'
    )
  return result
}

function addEntry(
  entry: unknown,
  namespace: string | undefined,
  context: PlaceContext,
  result: ValuesFromResult
): void {
  const kind = stringAt(entry, 'kind')
  const name = stringAt(entry, 'name') ?? ''
  if (kind === 'Secret') {
    result.notes.push(`values from Secret ${name} not shown`)
    return
  }
  if (kind !== 'ConfigMap') {
    result.notes.push(`valuesFrom ${kind ?? '(no kind)'} ${name} not read`)
    return
  }
  const key = stringAt(entry, 'valuesKey') ?? DEFAULT_VALUES_KEY
  const what = `valuesFrom ConfigMap ${name} (${key})`
  const optional = booleanAt(entry, 'optional') === true
  const text = configMapValue(context, name, namespace, key)
  if (text === undefined) {
    result.notes.push(
      optional
        ? `${what} not found in the repository; optional, left out`
        : `${what} not found in the repository`
    )
    return
  }
  const targetPath = stringAt(entry, 'targetPath')
  if (targetPath)
    result.setValues.push({ path: targetPath, value: text, forceString: false })
  else result.valueFiles.push({ name: what, text })
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
