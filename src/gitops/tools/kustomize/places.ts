// Kustomize `helmCharts` entries, rendered the way Kustomize's Helm chart
// inflation generator runs `helm template` (see README.md for each rule and
// its source): one values file, the inline values merged into `valuesFile`
// or into the chart's own values.yaml (values.ts), then
// `additionalValuesFiles`; the entry's flags; the kustomization's namespace
// when the entry has none. Values files are paths of the repository
// relative to the kustomization's folder.
import type { RenderPlace, ValuesFile } from '../../../render/place.js'
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
import { mergedValuesText, valuesText, type ValuesMerge } from './values.js'

/** What `helm template` names a release when given none. */
const HELM_DEFAULT_RELEASE_NAME = 'release-name'

/** HelmChartInflationGenerator.go, legalMergeOptions. */
const MERGE_OPTIONS = ['merge', 'override', 'replace']

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
  const name = releaseName(entry, kustomization.templated)
  const place = emptyPlace(at, title, context.chartRef, name.releaseName)
  place.notes.push(...name.notes)
  // kusttarget_configplugin.go: the kustomization's namespace when the
  // entry has none (kustomize v5.8.0).
  const namespace =
    stringAt(entry, 'namespace') ?? stringAt(kustomization.value, 'namespace')
  if (namespace) place.namespace = namespace
  const values = kustomizeValues(
    entry,
    inlineValues(kustomization, pin, context),
    at.file,
    context,
    place.notes
  )
  if ('refused' in values) return { ...place, skipped: values.refused }
  place.valueFiles = values.files
  place.notes.push(...templatedNote(kustomization))
  // AsHelmArgs: --include-crds, --skip-tests, --no-hooks only when set.
  place.includeCrds = booleanAt(entry, 'includeCRDs') === true
  if (booleanAt(entry, 'skipTests') === true) place.skipTests = true
  if (booleanAt(entry, 'skipHooks') === true) place.noHooks = true
  readCapabilities(entry, place)
  if (name.refused) return { ...place, skipped: name.refused }
  return place
}

interface ReleaseName {
  releaseName: string
  notes: string[]
  refused?: string
}

/**
 * AsHelmArgs: `releaseName` is the name; without it `--generate-name`,
 * which `helm template` answers with `release-name`, or `--name-template`,
 * which Helm runs as a Go template (action.TemplateName; with a name too,
 * Helm refuses: action.Install.NameAndChart). A template with actions is
 * not run here (its functions read the environment and make random text);
 * the document reader blanks template actions, so any nameTemplate of a
 * templated kustomization is taken for one.
 */
function releaseName(
  entry: PlainMap | undefined,
  templated: boolean
): ReleaseName {
  const name = stringAt(entry, 'releaseName')
  const template = stringAt(entry, 'nameTemplate')
  if (name && template)
    return {
      releaseName: name,
      notes: [],
      refused:
        'Kustomize cannot render it: releaseName and nameTemplate are both set (Helm: "cannot set --name-template and also specify a name"); keep one'
    }
  if (name) return { releaseName: name, notes: [] }
  if (template && !templated) return { releaseName: template, notes: [] }
  const why = template
    ? 'nameTemplate holds template actions, which the preview does not run'
    : 'releaseName not set: Kustomize has Helm generate one'
  return {
    releaseName: HELM_DEFAULT_RELEASE_NAME,
    notes: [`${why}; rendered as ${HELM_DEFAULT_RELEASE_NAME}`]
  }
}

type KustomizeValues = { files: ValuesFile[] } | { refused: string }

/**
 * `valuesInline` as Kustomize reads it: the kustomization is YAML 1.1 to Go's
 * sigs.k8s.io/yaml (api/types/kustomization.go, Kustomization.Unmarshal:
 * yaml.YAMLToJSON, sigs.k8s.io/yaml v1.5.0), so a plain
 * `on` is true; `yaml` reads YAML 1.2 unless told.
 */
function inlineValues(
  kustomization: ManifestDocument,
  pin: BumpedPin,
  context: PlaceContext
): PlainMap | undefined {
  const asRead = context.documents.asYaml11(kustomization)
  const value = asRead ?? kustomization.value
  return mapAt(pinnedEntry(value, pin.path).entry, 'valuesInline')
}

function kustomizeValues(
  entry: PlainMap | undefined,
  inline: PlainMap | undefined,
  kustomizationFile: string,
  context: PlaceContext,
  notes: string[]
): KustomizeValues {
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
  const merge = stringAt(entry, 'valuesMerge') ?? 'override'
  if (!MERGE_OPTIONS.includes(merge))
    return {
      refused: `Kustomize cannot render it: valuesMerge ${JSON.stringify(merge)} must be one of merge, override, replace`
    }
  const valuesFile = stringAt(entry, 'valuesFile')
  const file = valuesFile ? read('valuesFile', valuesFile) : undefined
  const additional = stringsAt(entry, 'additionalValuesFiles').flatMap(path =>
    read('additionalValuesFiles', path)
  )
  const main = mainValues(file, inline, merge)
  if ('refused' in main) return main
  return { files: [...main.files, ...additional] }
}

/**
 * Generate: the one values file Kustomize passes first. Without inline
 * values, `valuesFile` as it is, or the chart's values.yaml (validateArgs
 * makes it the values file); with them, `replace` passes them alone, and
 * `override` and `merge` merge them into that file (createNewMergedValuesFile).
 * An unreadable `valuesFile` is noted; the inline values are then used alone.
 */
function mainValues(
  file: ValuesFile[] | undefined,
  inline: PlainMap | undefined,
  merge: string
): KustomizeValues {
  const chartValues: ValuesFile = {
    name: 'the chart values.yaml',
    text: '',
    fromChart: 'values.yaml'
  }
  if (!inline || Object.keys(inline).length === 0)
    return { files: file ?? [chartValues] }
  const inlineOnly = { name: 'valuesInline', text: valuesText(inline) }
  if (merge === 'replace' || file?.length === 0) return { files: [inlineOnly] }
  const mode = merge as ValuesMerge
  const derive = (text: string): { text: string } | { error: string } =>
    mergedValuesText(text, inline, mode)
  if (!file) {
    const name = `the chart values.yaml merged with valuesInline (${mode})`
    return { files: [{ ...chartValues, name, derive }] }
  }
  const merged = derive(file[0].text)
  if ('error' in merged)
    return {
      refused: `${file[0].name}: ${merged.error}`
    }
  const name = `${file[0].name} merged with valuesInline (${mode})`
  return { files: [{ name, text: merged.text }] }
}
