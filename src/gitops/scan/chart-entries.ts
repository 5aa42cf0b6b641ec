// Lists whose entries each name a chart, the repository that serves it and a
// `version`: Helm's dependency shape (`name`, `repository`, `version`), which
// tools copy (Kustomize's helmCharts: `name`, `repo`, `version`). A tool says
// where its entry keeps the repository and whether the chart's path may be
// split between the two.
import type { MapCursor } from '../../yaml/cursor.js'
import {
  joinsToChart,
  namesChart,
  pointsAtRepository,
  type ChartMatcher
} from './match.js'
import type { DocumentScan } from './tool.js'
import type { PinKind } from './types.js'

/** Where an entry's chart is named, and whether its path may be split. */
export interface ChartEntryShape {
  urlKey: string
  kind: PinKind
  /** `name` may carry the start of the chart's path (`charts/web`). */
  splitPath: boolean
}

/** Pins the `version` of each entry that names the chart (`name`) in its repository (`urlKey`). */
export function pinChartEntries(
  scan: DocumentScan,
  entries: MapCursor[],
  shape: ChartEntryShape
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
  { urlKey, splitPath }: ChartEntryShape
): boolean {
  const url = entry.string(urlKey)
  const name = entry.string('name')
  if (splitPath) return joinsToChart(matcher, url, name)
  return namesChart(matcher, name) && pointsAtRepository(matcher, url)
}
