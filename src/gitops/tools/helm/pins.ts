// Helm: an umbrella chart's Chart.yaml lists its `dependencies`, each a
// chart name, the repository that serves it and a `version`.
import type { MapCursor } from '../../../yaml/cursor.js'
import { pinChartEntries } from '../../scan/chart-entries.js'
import { namesChart, pointsAtRepository } from '../../scan/match.js'
import type { DocumentScan, PinTool } from '../../scan/tool.js'

/** The pin Helm holds: a dependency of an umbrella chart. */
export const HELM_KIND = 'helm-dependency'

export const helmDependencies: PinTool = {
  role: 'chart',
  markers: ['dependencies'],
  scan(scan, root) {
    const entries = root.children('dependencies')
    const pullable = entries.filter(entry => !endsWithSlash(entry))
    pinChartEntries(scan, pullable, {
      urlKey: 'repository',
      kind: HELM_KIND,
      // Helm finds a dependency in charts/ by its name, which a path breaks.
      splitPath: false
    })
    entries.forEach((entry, index) => {
      if (endsWithSlash(entry)) sayTrailingSlash(scan, entry, index)
    })
  }
}

// Helm pulls `fmt.Sprintf("%s/%s:%s", repoURL, name, version)`
// (pkg/downloader/manager.go, Manager.findChartURL, v3.17.3 and v4.2.3): a
// trailing slash makes `<repository>//<name>`, which Helm refuses ("invalid
// repository"; seen with Helm 3.17.3 and 4.2.3 `helm dependency update`).
function endsWithSlash(entry: MapCursor): boolean {
  return entry.string('repository')?.endsWith('/') ?? false
}

function sayTrailingSlash(
  scan: DocumentScan,
  entry: MapCursor,
  index: number
): void {
  if (!namesChart(scan.matcher, entry.string('name'))) return
  if (!pointsAtRepository(scan.matcher, entry.string('repository'))) return
  scan.findings.addProblem(
    entry,
    `dependencies[${index}].repository ends with '/': Helm pulls '<repository>/<name>' and refuses the double slash ('invalid repository'), so the version is not bumped; remove the trailing slash.`
  )
}
