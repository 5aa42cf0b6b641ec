// Flux: how a HelmRelease renders the chart. A HelmRelease pins the chart
// itself (`spec.chart.spec.version`, via a HelmRepository); an
// OCIRepository pin (`spec.ref.tag`) is rendered through every HelmRelease
// whose `spec.chartRef` names it. The chart's defaults are its
// `spec.chart.spec.valuesFiles` merged (they replace its values.yaml); over
// them `spec.valuesFrom` in order, then `spec.values` (values.ts); the
// upgrade's settings and post-renderers in release.ts.
import type {
  ChartValues,
  HookFilter,
  RenderPlace
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
import { applyPostRenderers, applyUpgrade, releaseName } from './release.js'
import { releaseValues } from './values.js'

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
  const title = `HelmRelease ${name}${via}`
  const named = releaseName(spec, name)
  const place = emptyPlace(at, title, context.chartRef, named.name)
  if (named.note) place.notes.push(named.note)
  // HelmRelease.GetReleaseNamespace: targetNamespace, else its own.
  const namespace = stringAt(spec, 'targetNamespace') ?? ownNamespace
  if (namespace) place.namespace = namespace
  place.chartValues = chartValues(spec, place.notes)
  const values = releaseValues(spec, ownNamespace, context)
  place.valueFiles = values.valueFiles
  place.notes.push(...values.notes, ...templatedNote(release))
  if (values.refused) place.skipped = `not rendered: ${values.refused}`
  applyUpgrade(spec, place)
  applyPostRenderers(release, place)
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

/**
 * `spec.chart.spec.valuesFiles`: files inside the chart that replace its
 * values.yaml, merged in order (source-controller builds the chart so:
 * render/chart-values.ts); `ignoreMissingValuesFiles` leaves out a missing
 * one. None: the chart's own values.yaml.
 */
function chartValues(spec: unknown, notes: string[]): ChartValues | undefined {
  const chartSpec = mapAt(mapAt(spec, 'chart'), 'spec')
  const written = stringsAt(chartSpec, 'valuesFiles')
  const files = written.flatMap(path => {
    const inChart = repoPath('', path)
    if (!('refused' in inChart)) return [inChart.path]
    notes.push(`chart.spec.valuesFiles ${path} refused: ${inChart.refused}`)
    return []
  })
  if (files.length === 0) return undefined
  const ignoreMissing =
    booleanAt(chartSpec, 'ignoreMissingValuesFiles') === true
  return { files, ignoreMissing }
}
