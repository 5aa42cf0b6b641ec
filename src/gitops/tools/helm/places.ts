// An umbrella chart of the GitOps repository that depends on the chart: it
// is rendered itself, with the dependency at the old and the new version.
// Helm applies the umbrella's own values.yaml: no values file to add.
import type { RenderPlace } from '../../../render/place.js'
import {
  emptyPlace,
  type BumpedPin,
  type PinPlace,
  type PlaceContext,
  type PlaceTool
} from '../../places/context.js'
import type { ManifestDocument } from '../../places/documents.js'
import { pinnedEntry, stringAt } from '../../places/plain.js'
import { folderOf } from '../../places/repo-files.js'
import { HELM_KIND } from './pins.js'

export const umbrellaPlaces: PlaceTool = {
  kinds: [HELM_KIND],
  places: (pin, chartYaml, at, context) => [
    umbrellaPlace(chartYaml, pin, at, context)
  ]
}

function umbrellaPlace(
  chartYaml: ManifestDocument,
  pin: BumpedPin,
  at: PinPlace,
  context: PlaceContext
): RenderPlace {
  const dependency = pinnedEntry(chartYaml.value, pin.path)
  const chartName = stringAt(chartYaml.value, 'name') ?? ''
  const dependencyName = stringAt(dependency.entry, 'name') ?? ''
  const title = `chart ${chartName} (${dependency.path}: ${dependencyName})`
  const place = emptyPlace(at, title, context.chartRef, chartName)
  place.umbrella = { chartDir: folderOf(at.file), dependency: dependencyName }
  return place
}
