// An umbrella chart of the GitOps repository that depends on the chart: it
// is rendered itself, with the dependency at the old and the new version.
// Helm applies the umbrella's own values.yaml: no values file to add.
import { posix } from 'node:path'
import type { RenderPlace } from '../place.js'
import { emptyPlace, type PinPlace, type PlaceContext } from './context.js'
import type { ManifestDocument } from './documents.js'
import { mapAtPath, parentPath, stringAt } from './plain.js'

export function umbrellaPlace(
  chartYaml: ManifestDocument,
  pinPath: string,
  at: PinPlace,
  context: PlaceContext
): RenderPlace {
  const entryPath = parentPath(pinPath)
  const dependency = mapAtPath(chartYaml.value, entryPath)
  const chartName = stringAt(chartYaml.value, 'name') ?? ''
  const dependencyName = stringAt(dependency, 'name') ?? ''
  const title = `chart ${chartName} (${entryPath}: ${dependencyName})`
  const place = emptyPlace(at, title, context.chartRef, chartName)
  const folder = posix.dirname(at.file)
  place.umbrella = {
    chartDir: folder === '.' ? '' : folder,
    dependency: dependencyName
  }
  return place
}
