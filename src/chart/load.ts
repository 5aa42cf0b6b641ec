// Reading one chart folder: its Chart.yaml, and the links and file://
// dependencies that must stay inside the workspace.
import fs from 'node:fs'
import path from 'node:path'
import { checkChartLinks, checkFileDependencies } from './links.js'
import { parseChartYaml, type ChartMetadata } from './metadata.js'
import { UserError } from '../errors.js'

export interface LoadedChart extends ChartMetadata {
  dir: string
  /** Chart.lock is present: dependencies are pinned, `helm dependency build` applies. */
  hasLock: boolean
}

/**
 * Reads `<chartDir>/Chart.yaml`. Paths in messages and annotations are relative
 * to the workspace, as GitHub expects for annotations.
 */
export function loadChart(chartDir: string, workspace: string): LoadedChart {
  const shown = path.relative(workspace, chartDir) || '.'
  if (!fs.existsSync(chartDir) || !fs.statSync(chartDir).isDirectory()) {
    throw new UserError(
      `Input 'chart' is '${shown}', but there is no such folder in the workspace. ` +
        "Check out the repository first (actions/checkout) and point 'chart' at the folder that holds Chart.yaml."
    )
  }
  checkChartLinks(chartDir, workspace)
  const chartYaml = path.join(chartDir, 'Chart.yaml')
  const file = path.relative(workspace, chartYaml)
  if (!fs.existsSync(chartYaml)) {
    throw new UserError(
      `There is no Chart.yaml in '${shown}': point 'chart' at the folder that holds Chart.yaml.`
    )
  }
  const metadata = parseChartYaml(fs.readFileSync(chartYaml, 'utf8'), file)
  checkFileDependencies(chartDir, workspace, metadata.dependencies, file)
  return {
    ...metadata,
    dir: chartDir,
    hasLock: fs.existsSync(path.join(chartDir, 'Chart.lock'))
  }
}
