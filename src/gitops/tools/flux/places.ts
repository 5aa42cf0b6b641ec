// Flux: how a HelmRelease renders the chart. A HelmRelease pins the chart
// itself (`spec.chart.spec.version`, via a HelmRepository); an
// OCIRepository pin (`spec.ref.tag`) is rendered through every HelmRelease
// whose `spec.chartRef` names it. Values, lowest first: the chart's own
// `spec.chart.spec.valuesFiles`, then `spec.valuesFrom` in order, then
// `spec.values`.
import { stringify } from 'yaml'
import type {
  HookFilter,
  RenderPlace,
  ValuesFile
} from '../../../render/place.js'
import {
  emptyPlace,
  skippedPlace,
  type PinPlace,
  type PlaceContext,
  type PlaceTool
} from '../../places/context.js'
import { templatedNote, type ManifestDocument } from '../../places/documents.js'
import { booleanAt, mapAt, stringAt, stringsAt } from '../../places/plain.js'
import { repoPath } from '../../places/repo-files.js'
import { FLUX_KINDS } from './pins.js'
import { valuesFrom } from './values.js'

/** Helm's limit on a release name; Flux shortens longer ones with a hash. */
const MAX_RELEASE_NAME = 53

export const fluxPlaces: PlaceTool = {
  kinds: Object.values(FLUX_KINDS),
  places: (pin, manifest, at, context) =>
    pin.kind === FLUX_KINDS.helmRelease
      ? [helmReleasePlace(manifest, at, context)]
      : ociRepositoryPlaces(manifest, at, context)
}

function helmReleasePlace(
  release: ManifestDocument,
  at: PinPlace,
  context: PlaceContext,
  via = ''
): RenderPlace {
  const metadata = mapAt(release.value, 'metadata')
  const spec = mapAt(release.value, 'spec')
  const name = stringAt(metadata, 'name') ?? ''
  const ownNamespace = stringAt(metadata, 'namespace')
  const targetNamespace = stringAt(spec, 'targetNamespace')
  const releaseName =
    stringAt(spec, 'releaseName') ??
    (targetNamespace ? `${targetNamespace}-${name}` : name)
  const title = `HelmRelease ${name}${via}`
  const place = emptyPlace(at, title, context.chartRef, releaseName)
  const namespace = targetNamespace ?? ownNamespace
  if (namespace) place.namespace = namespace
  const fromConfigMaps = valuesFrom(spec, ownNamespace, context)
  place.valueFiles = [
    ...chartValuesFiles(spec, place.notes),
    ...fromConfigMaps.valueFiles,
    ...ownValues(spec)
  ]
  place.setValues = fromConfigMaps.setValues
  place.notes.push(...fromConfigMaps.notes, ...templatedNote(release))
  if (releaseName.length > MAX_RELEASE_NAME)
    place.notes.push(
      `release name ${releaseName} is longer than ${MAX_RELEASE_NAME} characters: Flux shortens it, rendered as written`
    )
  // Flux creates CRDs on install unless `install.crds: Skip`.
  place.includeCrds = stringAt(mapAt(spec, 'install'), 'crds') !== 'Skip'
  if (booleanAt(mapAt(spec, 'test'), 'enable') !== true)
    place.hooks = FLUX_NO_TESTS
  return place
}

/**
 * helm-controller runs Helm's test action only when `spec.test.enable` is
 * true (internal/reconcile/state.go: a release is "Untested" only then;
 * atomic_release.go then runs NewTest), and Helm's install and upgrade run
 * only their own hook events, never the test event.
 */
const FLUX_NO_TESTS: HookFilter = {
  which: 'tests',
  why: 'Flux runs them only with spec.test.enable: true'
}

/** The HelmReleases that take the chart from this OCIRepository. */
function ociRepositoryPlaces(
  repository: ManifestDocument,
  at: PinPlace,
  context: PlaceContext
): RenderPlace[] {
  const metadata = mapAt(repository.value, 'metadata')
  const name = stringAt(metadata, 'name') ?? ''
  const namespace = stringAt(metadata, 'namespace')
  const via = ` (via OCIRepository ${name})`
  const releases = context.documents.ofKind('HelmRelease').filter(release => {
    const chartRef = mapAt(mapAt(release.value, 'spec'), 'chartRef')
    if (stringAt(chartRef, 'kind') !== 'OCIRepository') return false
    // chartRef.namespace defaults to the HelmRelease's own.
    const releaseNamespace =
      stringAt(chartRef, 'namespace') ??
      stringAt(mapAt(release.value, 'metadata'), 'namespace')
    return (
      stringAt(chartRef, 'name') === name &&
      (!namespace || !releaseNamespace || namespace === releaseNamespace)
    )
  })
  if (releases.length === 0)
    return [
      skippedPlace(
        at,
        `OCIRepository ${name}`,
        context.chartRef,
        `not rendered: no HelmRelease in the repository has chartRef OCIRepository ${name}`
      )
    ]
  return releases.map(release => helmReleasePlace(release, at, context, via))
}

/** `spec.chart.spec.valuesFiles`: files inside the chart package. */
function chartValuesFiles(spec: unknown, notes: string[]): ValuesFile[] {
  const written = stringsAt(mapAt(mapAt(spec, 'chart'), 'spec'), 'valuesFiles')
  return written.flatMap(path => {
    const name = `chart.spec.valuesFiles ${path}`
    const inChart = repoPath('', path)
    if ('refused' in inChart) {
      notes.push(`${name} refused: ${inChart.refused}`)
      return []
    }
    return [{ name, text: '', fromChart: inChart.path }]
  })
}

function ownValues(spec: unknown): ValuesFile[] {
  const values = mapAt(spec, 'values')
  return values ? [{ name: 'values', text: stringify(values) }] : []
}
