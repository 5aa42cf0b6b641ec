// The test each file of the clone passes, as it is read, for the scan to keep
// its text (gitops/files.ts drops the others at once: a 100,000-file clone
// is never held whole). It must never let go of a file the scan would read,
// so it is the scan's own cheap tests, without what only the whole
// repository can tell: `mayPin` (roles.ts) reads a file for pins only when
// it names the chart and holds a marker of a tool of its role (the chart's
// name is there however its path is split between a repository URL and a
// chart name); `collectSources` (scan.ts) reads a file for sources only when
// it holds a source reader's marker and names the registry (a Flux
// HelmRepository). A kustomization and a Chart.yaml are kept whatever they
// hold (few, and a build or an umbrella's Chart.lock starts there). A
// Kustomize patch may hold neither name (a JSON 6902 patch of
// `/spec/chart/spec/version`): `bumpRepository` reads the files a build
// includes again from the checkout.
import { matcherFor, mentionsRegistry } from './match.js'
import { fileRole, toolsFor } from './roles.js'
import type { PinTool } from './tool.js'
import type { ChartRef } from './types.js'

/** Whether the scan for `chart` with `tools` may need a file's text: false only when it cannot. */
export function mayMatter(
  tools: readonly PinTool[],
  chart: ChartRef
): (file: string, text: string) => boolean {
  const matcher = matcherFor(chart)
  const has = (text: string, words: readonly string[]): boolean =>
    words.some(word => text.includes(word))
  return (file, text) => {
    const role = fileRole(file)
    if (role === undefined) return false
    if (role !== 'manifests') return true
    const own = toolsFor(tools, role)
    if (
      text.includes(chart.name) &&
      has(
        text,
        own.flatMap(tool => tool.markers)
      )
    )
      return true
    const sourceMarkers = own.flatMap(tool => tool.sources?.markers ?? [])
    return has(text, sourceMarkers) && mentionsRegistry(matcher, text)
  }
}
