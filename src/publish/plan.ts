// The charts this run releases, each with its record: the tag's choice
// (chart/select), told in the log, then every chart's dependencies checked
// for what Helm can reach. All before anything is installed or sent.
import * as core from '@actions/core'
import type { LoadedChart } from '../chart/load.js'
import { selectCharts } from '../chart/select.js'
import type { Config } from '../inputs/release.js'
import type { ChartRelease } from '../record/chart-release.js'
import { chartTarget } from '../registry/reference.js'
import { accessFor } from './dependencies.js'
import { connection } from './target.js'

/** The releases of a run, and the note of a step it left out. */
export interface ReleasePlan {
  releases: ChartRelease[]
  notes: string[]
}

/**
 * The charts this run releases (all of them, or those the tag names), each
 * with its release record. Refuses, before anything is installed or sent, a
 * tag that releases none and a dependency Helm cannot reach.
 */
export function planReleases(
  config: Config,
  charts: LoadedChart[]
): ReleasePlan {
  const selected = selectCharts(charts, {
    checkTag: config.checkTag,
    tag: config.tag,
    githubRef: config.githubRef,
    pattern: config.tagPattern
  })
  const notes: string[] = []
  if (config.checkTag) {
    core.info(
      `Tag '${config.tag}' releases ${selected.map(c => `${c.name} ${c.version}`).join(', ')}.`
    )
  } else {
    core.info("Skipped: 'check-tag' is false.")
    notes.push("Tag check: 'check-tag' is false")
  }
  const access = { registry: config.registry, connection: connection(config) }
  for (const chart of selected) accessFor(access, chart)
  return { releases: selected.map(c => planRelease(config, c)), notes }
}

/** The chart's release record, with its target; nothing done yet. */
function planRelease(config: Config, chart: LoadedChart): ChartRelease {
  return {
    ...chart,
    ...chartTarget(
      config.registry,
      config.repository,
      chart.name,
      chart.version
    ),
    digest: '',
    pushed: false,
    packagePath: ''
  }
}
