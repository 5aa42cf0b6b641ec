// Helm: an umbrella chart's Chart.yaml lists its `dependencies`, each a
// chart name, the repository that serves it and a `version`.
import { namesChart, pointsAtRepository } from './match.js'
import type { DocumentScan, PinTool } from './tool.js'
import type { PinKind } from './types.js'
import type { MapCursor } from './yaml-cursor.js'

export const helmDependencies: PinTool = {
  markers: ['dependencies'],
  scan(scan, root) {
    pinHelmStyleEntries(scan, root.children('dependencies'), {
      urlKey: 'repository',
      kind: 'helm-dependency'
    })
  }
}

/**
 * Pins the `version` of each entry that names the chart (`name`) in its
 * repository (`urlKey`): Helm's dependency shape, which Kustomize's
 * helmCharts copies.
 */
export function pinHelmStyleEntries(
  scan: DocumentScan,
  entries: MapCursor[],
  { urlKey, kind }: { urlKey: string; kind: PinKind }
): void {
  for (const entry of entries) {
    if (!namesChart(scan.matcher, entry.string('name'))) continue
    if (pointsAtRepository(scan.matcher, entry.string(urlKey))) {
      scan.findings.addPin(entry, 'version', kind)
    }
  }
}
