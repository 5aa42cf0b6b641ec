// Runs one tool's extractor over every document of a text, as the scan does,
// so each tool can be tested on its own.
import { Findings } from '../../../src/gitops/pins/findings.js'
import { matcherFor } from '../../../src/gitops/pins/match.js'
import type { PinTool } from '../../../src/gitops/pins/tool.js'
import type {
  ChartRef,
  HelmRepositorySource
} from '../../../src/gitops/pins/types.js'
import { documentsOf } from '../../yaml/documents.js'

export const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

export { documentsOf, lines } from '../../yaml/documents.js'

/** What `tool` finds in `text`, plus the source text each pin's span covers. */
export function runTool(
  tool: PinTool,
  text: string,
  repositories: HelmRepositorySource[] = [],
  file = 'file.yaml'
) {
  const findings = new Findings()
  const scan = { matcher: matcherFor(CHART), findings, repositories }
  for (const document of documentsOf(text, file)) {
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
