// The documents of a YAML text as the scan reads them (each file with a fresh
// budget), and a shorthand for texts written line by line.
import { parseYaml, YamlDocument } from '../../src/yaml/cursor.js'
import { budgetFor } from '../../src/yaml/merge-keys.js'

export const lines = (...rows: string[]): string => rows.join('\n') + '\n'

/** The documents of a text, read with a fresh budget. */
export function documentsOf(text: string, file = 'file.yaml'): YamlDocument[] {
  const parsed = parseYaml(file, text)
  const budget = budgetFor(text)
  return parsed.docs.map(doc => new YamlDocument(file, parsed, doc, budget))
}
