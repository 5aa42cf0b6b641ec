// Kustomize: `helmCharts` entries of a kustomization name a chart and the
// repository that serves it, Helm-style, and pin its `version`. Kustomize
// pulls `<repo>/<name>`, so the chart's path may be split between the two.
import { pinHelmStyleEntries } from './helm.js'
import type { PinTool } from './tool.js'

export const kustomize: PinTool = {
  markers: ['helmCharts'],
  scan(scan, root, { apiVersion, kind }) {
    // A kustomization.yaml may leave out apiVersion and kind.
    const isKustomization =
      kind === undefined ||
      (kind === 'Kustomization' &&
        apiVersion?.startsWith('kustomize.config.k8s.io/'))
    if (!isKustomization) return
    pinHelmStyleEntries(scan, root.children('helmCharts'), {
      urlKey: 'repo',
      kind: 'kustomize-helmchart',
      splitPath: true
    })
  }
}
