// Helm: an umbrella chart's Chart.yaml lists its `dependencies`, each a
// chart name, the repository that serves it and a `version`.
import { pinChartEntries } from '../../scan/chart-entries.js'
import type { PinTool } from '../../scan/tool.js'

/** The pin Helm holds: a dependency of an umbrella chart. */
export const HELM_KIND = 'helm-dependency'

export const helmDependencies: PinTool = {
  role: 'chart',
  markers: ['dependencies'],
  scan(scan, root) {
    pinChartEntries(scan, root.children('dependencies'), {
      urlKey: 'repository',
      kind: HELM_KIND,
      // Helm finds a dependency in charts/ by its name, which a path breaks.
      splitPath: false
    })
  }
}
