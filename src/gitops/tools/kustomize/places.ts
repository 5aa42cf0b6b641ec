// Kustomize `helmCharts` entries: values files are paths of the repository
// relative to the kustomization's folder. Kustomize merges `valuesInline`
// into `valuesFile` (by `valuesMerge`: override, the default, lets the inline
// values win; merge lets the file win; replace drops the file), then passes
// `additionalValuesFiles` after them.
import { stringify } from 'yaml'
import type {
  HookFilter,
  RenderPlace,
  ValuesFile
} from '../../../render/place.js'
import {
  emptyPlace,
  type BumpedPin,
  type PinPlace,
  type PlaceContext,
  type PlaceTool
} from '../../places/context.js'
import { templatedNote, type ManifestDocument } from '../../places/documents.js'
import {
  booleanAt,
  mapAt,
  pinnedEntry,
  readCapabilities,
  stringAt,
  stringsAt,
  type PlainMap
} from '../../places/plain.js'
import { folderOf, readValuesText } from '../../places/repo-files.js'
import { KUSTOMIZE_KIND } from './pins.js'

/** What `helm template` names a release when given none. */
const HELM_DEFAULT_RELEASE_NAME = 'release-name'

export const kustomizePlaces: PlaceTool = {
  kinds: [KUSTOMIZE_KIND],
  places: (pin, kustomization, at, context) => [
    kustomizePlace(kustomization, pin, at, context)
  ]
}

function kustomizePlace(
  kustomization: ManifestDocument,
  pin: BumpedPin,
  at: PinPlace,
  context: PlaceContext
): RenderPlace {
  const { path, entry } = pinnedEntry(kustomization.value, pin.path)
  const title = `kustomization helmCharts ${stringAt(entry, 'name') ?? ''} (${path})`
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
  const hooks = kustomizeHooks(entry)
  if (hooks) place.hooks = hooks
  return place
}

/**
 * Kustomize keeps what `helm template` prints, test hooks included, and the
 * tool that applies the build applies them as plain resources: they stay in
 * the preview unless the entry passes `--skip-tests` (`skipTests`) or
 * `--no-hooks` (`skipHooks`) (api/types/helmchartargs.go, AsHelmArgs;
 * api/internal/builtins/HelmChartInflationGenerator.go keeps the output).
 */
function kustomizeHooks(entry: PlainMap | undefined): HookFilter | undefined {
  if (booleanAt(entry, 'skipHooks') === true)
    return { which: 'no-hooks', why: 'skipHooks: true (helm --no-hooks)' }
  if (booleanAt(entry, 'skipTests') === true)
    return { which: 'skip-tests', why: 'skipTests: true (helm --skip-tests)' }
  return undefined
}

function kustomizeValues(
  entry: PlainMap | undefined,
  kustomizationFile: string,
  context: PlaceContext,
  notes: string[]
): ValuesFile[] {
  const base = folderOf(kustomizationFile)
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
