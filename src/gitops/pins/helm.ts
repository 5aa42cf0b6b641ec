// Helm: an umbrella chart's Chart.yaml lists its `dependencies`, each a
// chart name, the repository that serves it and a `version`.
import {
  joinsToChart,
  namesChart,
  pointsAtRepository,
  type ChartMatcher
} from './match.js'
import type { DocumentScan, PinTool } from './tool.js'
import type { PinKind } from './types.js'
import type { MapCursor } from '../../yaml/cursor.js'

export const helmDependencies: PinTool = {
  markers: ['dependencies'],
  scan(scan, root) {
    pinHelmStyleEntries(scan, root.children('dependencies'), {
      urlKey: 'repository',
      kind: 'helm-dependency',
      // Helm finds a dependency in charts/ by its name, which a path breaks.
      splitPath: false
    })
  }
}

/** Where an entry's chart is named, and whether its path may be split. */
export interface HelmStyleShape {
  urlKey: string
  kind: PinKind
  /** `name` may carry the start of the chart's path (`charts/web`). */
  splitPath: boolean
}

/**
 * Pins the `version` of each entry that names the chart (`name`) in its
 * repository (`urlKey`): Helm's dependency shape, which Kustomize's
 * helmCharts copies.
 */
export function pinHelmStyleEntries(
  scan: DocumentScan,
  entries: MapCursor[],
  shape: HelmStyleShape
): void {
  for (const entry of entries) {
    if (namesChartIn(scan.matcher, entry, shape)) {
      scan.findings.addPin(entry, 'version', shape.kind)
    }
  }
}

function namesChartIn(
  matcher: ChartMatcher,
  entry: MapCursor,
  { urlKey, splitPath }: HelmStyleShape
): boolean {
  const url = entry.string(urlKey)
  const name = entry.string('name')
  if (splitPath) return joinsToChart(matcher, url, name)
  return namesChart(matcher, name) && pointsAtRepository(matcher, url)
}
