// Kustomize `helmCharts` entries: values files are paths of the repository
// relative to the kustomization's folder. Kustomize merges `valuesInline`
// into `valuesFile` (by `valuesMerge`: override, the default, lets the inline
// values win; merge lets the file win; replace drops the file), then passes
// `additionalValuesFiles` after them.
import { posix } from 'node:path'
import { stringify } from 'yaml'
import type { RenderPlace, ValuesFile } from '../place.js'
import { emptyPlace, type PinPlace, type PlaceContext } from './context.js'
import { templatedNote, type ManifestDocument } from './documents.js'
import {
  booleanAt,
  mapAt,
  readCapabilities,
  stringAt,
  stringsAt,
  mapAtPath,
  parentPath,
  type PlainMap
} from './plain.js'
import { readValuesText } from './repo-files.js'

/** What `helm template` names a release when given none. */
const HELM_DEFAULT_RELEASE_NAME = 'release-name'

export function kustomizePlace(
  kustomization: ManifestDocument,
  pinPath: string,
  at: PinPlace,
  context: PlaceContext
): RenderPlace {
  const entryPath = parentPath(pinPath)
  const entry = mapAtPath(kustomization.value, entryPath)
  const title = `kustomization helmCharts ${stringAt(entry, 'name') ?? ''} (${entryPath})`
  const releaseName = stringAt(entry, 'releaseName')
  const place = emptyPlace(
    at,
    title,
    context.chartRef,
    releaseName ?? HELM_DEFAULT_RELEASE_NAME
  )
  if (!releaseName)
    place.notes.push(
      `releaseName not set: Kustomize has Helm generate one; rendered as ${HELM_DEFAULT_RELEASE_NAME}`
    )
  const namespace = stringAt(entry, 'namespace')
  if (namespace) place.namespace = namespace
  place.valueFiles = kustomizeValues(entry, at.file, context, place.notes)
  place.notes.push(...templatedNote(kustomization))
  // Kustomize leaves CRDs out unless includeCRDs.
  place.includeCrds = booleanAt(entry, 'includeCRDs') === true
  readCapabilities(entry, place)
  return place
}

function kustomizeValues(
  entry: PlainMap | undefined,
  kustomizationFile: string,
  context: PlaceContext,
  notes: string[]
): ValuesFile[] {
  const folder = posix.dirname(kustomizationFile)
  const base = folder === '.' ? '' : folder
  const read = (what: string, path: string): ValuesFile[] => {
    const found = readValuesText(
      context.readRepoFile,
      `${what} ${path}`,
      base,
      path
    )
    if ('note' in found) {
      notes.push(found.note)
      return []
    }
    return [{ name: `${what} ${path}`, text: found.text }]
  }
  const valuesFile = stringAt(entry, 'valuesFile')
  const file = valuesFile ? read('valuesFile', valuesFile) : []
  const inlineValues = mapAt(entry, 'valuesInline')
  const inline = inlineValues
    ? [{ name: 'valuesInline', text: stringify(inlineValues) }]
    : []
  const additional = stringsAt(entry, 'additionalValuesFiles').flatMap(path =>
    read('additionalValuesFiles', path)
  )
  const merge = stringAt(entry, 'valuesMerge') ?? 'override'
  if (merge === 'replace' && inline.length > 0)
    return [...inline, ...additional]
  if (merge === 'merge') return [...inline, ...file, ...additional]
  return [...file, ...inline, ...additional]
}
