// The documents of a YAML text as the scan reads them (each file with a fresh
// budget), and a shorthand for texts written line by line.
import { parseYaml, YamlDocument } from '../../src/yaml/cursor.js'
import { budgetFor, type ScanBudget } from '../../src/yaml/merge-keys.js'

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
