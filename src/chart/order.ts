// The order charts are released in: a chart that others depend on through
// `file://` comes before them. Pure: no I/O.
import path from 'node:path'
import { UserError } from '../errors.js'

export interface OrderableChart {
  name: string
  dir: string
  dependencies: { name: string; repository?: string }[]
}

/**
 * Groups charts into levels: every chart's `file://` dependencies that are
 * being released too sit in an earlier level. Charts in one level are
 * independent and may be processed at the same time.
 */
export function dependencyLevels<T extends OrderableChart>(
  charts: readonly T[]
): T[][] {
  const byDir = new Map(charts.map(c => [path.resolve(c.dir), c]))
  const needs = new Map(charts.map(c => [c, localDependencies(c, byDir)]))
  const levels: T[][] = []
  const done = new Set<T>()
  while (done.size < charts.length) {
    const ready = charts.filter(
      c => !done.has(c) && needs.get(c)!.every(d => done.has(d))
    )
    if (ready.length === 0) {
      const cycle = charts.filter(c => !done.has(c)).map(c => c.name)
      throw new UserError(
        `The charts ${cycle.join(', ')} depend on each other through file:// dependencies in a cycle: break the cycle in their Chart.yaml files.`
      )
    }
    ready.forEach(c => done.add(c))
    levels.push(ready)
  }
  return levels
}

function localDependencies<T extends OrderableChart>(
  chart: T,
  byDir: Map<string, T>
): T[] {
  return chart.dependencies
    .filter(d => d.repository?.startsWith('file://'))
    .map(d =>
      byDir.get(path.resolve(chart.dir, d.repository!.slice('file://'.length)))
    )
    .filter((d): d is T => d !== undefined && d !== chart)
}
