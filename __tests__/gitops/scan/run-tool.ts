// Runs one tool's extractor over every document of a text, as the scan does,
// so each tool can be tested on its own.
import { Findings } from '../../../src/gitops/scan/findings.js'
import { matcherFor } from '../../../src/gitops/scan/match.js'
import { SourceTable } from '../../../src/gitops/scan/sources.js'
import type { DocumentScan, PinTool } from '../../../src/gitops/scan/tool.js'
import type { ChartRef } from '../../../src/gitops/scan/types.js'
import type { ScanBudget } from '../../../src/yaml/merge-keys.js'
import { documentsOf } from '../../yaml/documents.js'

export const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

export { documentsOf, lines } from '../../yaml/documents.js'

/**
 * What `tool` finds in `text`, plus the source text each pin's span covers;
 * `sources` are what its source reader found (Flux: HelmRepositories).
 */
export function runTool(
  tool: PinTool,
  text: string,
  sources: readonly unknown[] = [],
  file = 'file.yaml',
  budget?: ScanBudget
) {
  const findings = new Findings()
  const table = new SourceTable()
  if (tool.sources) table.add(tool.sources, sources)
  const scan: DocumentScan = {
    matcher: matcherFor(CHART),
    findings,
    sources: table
  }
  for (const document of documentsOf(text, file, budget)) {
    const root = document.root()
    if (!root) continue
    const header = {
      apiVersion: root.string('apiVersion'),
      kind: root.string('kind')
    }
    tool.scan(scan, root, header)
  }
  const spans = findings.pins.map(pin => text.slice(pin.start, pin.end))
  return { pins: findings.pins, problems: findings.problems, spans }
}
