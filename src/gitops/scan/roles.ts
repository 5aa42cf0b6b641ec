// Which tools read a file, decided by its name, and the cheap text test that
// spares parsing the many files of a GitOps repository that pin nothing.
import { mentionsRegistry, type ChartMatcher } from './match.js'
import type { ScanContext } from './sources.js'
import type { FileRole, PinTool } from './tool.js'

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

/** The tools, of `tools`, that read a file of `role`, in their order. */
export function toolsFor(tools: readonly PinTool[], role: FileRole): PinTool[] {
  return tools.filter(tool => tool.role === role)
}

/** False when the text cannot hold a pin of the chart, without parsing it. */
export function mayPin(
  tools: readonly PinTool[],
  text: string,
  role: FileRole,
  matcher: ChartMatcher,
  context?: ScanContext
): boolean {
  // Cheap tests first: most files in a GitOps repository fail the first one.
  if (!text.includes(matcher.chart.name)) return false
  const markers = toolsFor(tools, role).flatMap(tool => tool.markers)
  if (!markers.some(marker => text.includes(marker))) return false
  if (mentionsRegistry(matcher, text)) return true
  // A pin may name a source of another file, which holds the registry (a
  // HelmRelease its HelmRepository).
  return tools.some(
    ({ sources: reader }) =>
      reader !== undefined &&
      (context?.sources.of(reader).length ?? 0) > 0 &&
      reader.namedBy.some(word => text.includes(word))
  )
}
