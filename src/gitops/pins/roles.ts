// Which tools read a file, decided by its name, and the cheap text test that
// spares parsing the many files of a GitOps repository that pin nothing.
import { argoCd } from './argocd.js'
import { flux, HELM_RELEASE_MARKER } from './flux.js'
import { helmDependencies } from './helm.js'
import { kustomize } from './kustomize.js'
import { mentionsRegistry, type ChartMatcher } from './match.js'
import type { PinTool } from './tool.js'
import type { ScanContext } from './types.js'

export type FileRole = 'chart' | 'kustomization' | 'manifests'

/** The tools that may pin a chart in each kind of file. */
export const TOOLS: Record<FileRole, readonly PinTool[]> = {
  chart: [helmDependencies],
  kustomization: [kustomize],
  manifests: [argoCd, flux]
}

/** A Chart.yaml, a kustomization, any other YAML file, or not ours. */
export function fileRole(file: string): FileRole | undefined {
  const base = file.slice(
    Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1
  )
  if (base === 'Chart.yaml') return 'chart'
  if (/^(?:kustomization\.ya?ml|Kustomization)$/.test(base))
    return 'kustomization'
  return /\.ya?ml$/i.test(base) ? 'manifests' : undefined
}

/** False when the text cannot hold a pin of the chart, without parsing it. */
export function mayPin(
  text: string,
  role: FileRole,
  matcher: ChartMatcher,
  context?: ScanContext
): boolean {
  // Cheap tests first: most files in a GitOps repository fail the first one.
  if (!text.includes(matcher.chart.name)) return false
  const markers = TOOLS[role].flatMap(tool => tool.markers)
  if (!markers.some(marker => text.includes(marker))) return false
  if (mentionsRegistry(matcher, text)) return true
  // A HelmRelease names its HelmRepository, which may hold the registry.
  return (
    Boolean(context?.helmRepositories.length) &&
    text.includes(HELM_RELEASE_MARKER)
  )
}
