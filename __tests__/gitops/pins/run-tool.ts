// Runs one tool's extractor over every document of a text, as the scan does,
// so each tool can be tested on its own.
import { Findings } from '../../../src/gitops/pins/findings.js'
import { matcherFor } from '../../../src/gitops/pins/match.js'
import {
  budgetFor,
  type ScanBudget
} from '../../../src/gitops/pins/merge-keys.js'
import type { PinTool } from '../../../src/gitops/pins/tool.js'
import type {
  ChartRef,
  HelmRepositorySource
} from '../../../src/gitops/pins/types.js'
import {
  parseYaml,
  YamlDocument
} from '../../../src/gitops/pins/yaml-cursor.js'

export const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

export const lines = (...rows: string[]): string => rows.join('\n') + '\n'

/** The documents of a text, read with a fresh budget (or `budget`, to count the steps). */
export function documentsOf(
  text: string,
  file = 'file.yaml',
  budget: ScanBudget = budgetFor(text)
): YamlDocument[] {
  const parsed = parseYaml(file, text)
  return parsed.docs.map(doc => new YamlDocument(file, parsed, doc, budget))
}

/** What `tool` finds in `text`, plus the source text each pin's span covers. */
export function runTool(
  tool: PinTool,
  text: string,
  repositories: HelmRepositorySource[] = [],
  file = 'file.yaml',
  budget?: ScanBudget
) {
  const findings = new Findings()
  const scan = { matcher: matcherFor(CHART), findings, repositories }
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
