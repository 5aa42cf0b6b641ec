// Chart.yaml read from a chart folder with what Helm reads beside it: for a
// v1 chart, requirements.yaml holds the dependencies (see api-version.ts).
import fs from 'node:fs'
import path from 'node:path'
import { REQUIREMENTS_FILE } from './api-version.js'
import { parseChartYaml, type ChartMetadata } from './metadata.js'

/**
 * Reads and parses `<dir>/Chart.yaml` (and its requirements.yaml when there
 * is one); `file` is Chart.yaml's path as messages show it.
 */
export function readChartMetadata(dir: string, file: string): ChartMetadata {
  const text = fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')
  const requirements = path.join(dir, REQUIREMENTS_FILE)
  return parseChartYaml(
    text,
    file,
    fs.existsSync(requirements)
      ? {
          text: fs.readFileSync(requirements, 'utf8'),
          file: path.join(path.dirname(file), REQUIREMENTS_FILE)
        }
      : undefined
  )
}
