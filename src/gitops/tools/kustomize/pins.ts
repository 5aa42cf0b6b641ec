// Kustomize: `helmCharts` entries of a kustomization name a chart and the
// repository that serves it, Helm-style, and pin its `version`. Kustomize
// pulls `<repo>/<name>`, so the chart's path may be split between the two.
import { pinChartEntries } from '../../scan/chart-entries.js'
import type { PinTool } from '../../scan/tool.js'

/** The pin Kustomize holds: a `helmCharts` entry. */
export const KUSTOMIZE_KIND = 'kustomize-helmchart'

export const kustomize: PinTool = {
  role: 'kustomization',
  markers: ['helmCharts'],
  scan(scan, root, { apiVersion, kind }) {
    // A kustomization.yaml may leave out apiVersion and kind.
    const isKustomization =
      kind === undefined ||
      (kind === 'Kustomization' &&
        apiVersion?.startsWith('kustomize.config.k8s.io/'))
    if (!isKustomization) return
    pinChartEntries(scan, root.children('helmCharts'), {
      urlKey: 'repo',
      kind: KUSTOMIZE_KIND,
      splitPath: true
    })
  }
}
