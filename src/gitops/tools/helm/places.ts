// An umbrella chart of the GitOps repository that depends on the chart: it
// is rendered itself, with the dependency at the old and the new version.
// Helm applies the umbrella's own values.yaml: no values file to add.
import { emptyPlace, type PlaceTool } from '../../places/context.js'
import { pinnedEntry, stringAt } from '../../places/plain.js'
import { folderOf } from '../../places/repo-files.js'
import { HELM_KIND } from './pins.js'

export const umbrellaPlaces: PlaceTool = {
  kinds: [HELM_KIND],
  places(pin, chartYaml, at, context) {
    const dependency = pinnedEntry(chartYaml.value, pin.path)
    const chartName = stringAt(chartYaml.value, 'name') ?? ''
    const dependencyName = stringAt(dependency.entry, 'name') ?? ''
    const title = `chart ${chartName} (${dependency.path}: ${dependencyName})`
    const place = emptyPlace(at, title, context.chartRef, chartName)
    place.umbrella = { chartDir: folderOf(at.file), dependency: dependencyName }
    return [place]
  }
}
