// The `github-release` step as the release runs it: the real releases API,
// the chart's `artifacthub.io/changes` from its record, and the package from
// disk or, for a version published before (`if-exists: skip`), from the
// run's registry client.
import fs from 'node:fs'
import * as core from '@actions/core'
import { githubReleases } from '../github/releases.js'
import type { Config } from '../inputs/release.js'
import type { ChartRelease } from '../record/chart-release.js'
import type { Note, RunRecord } from '../record/run.js'
import {
  RegistryChartPackages,
  type BlobReader
} from '../registry/chart-packages.js'
import { releaseAll, type ReleaseSources } from './step.js'

/**
 * Creates or updates the releases of this run's charts, each handed to the
 * record as it is done; a dry run makes none, and says so.
 */
export async function runGitHubRelease(
  config: Config,
  charts: ChartRelease[],
  registry: BlobReader,
  record: Pick<RunRecord, 'released'>
): Promise<Note> {
  const options = config.githubRelease
  if (!options) return undefined
  if (config.dryRun)
    return "GitHub release: 'dry-run' is true (no release made)"
  const store = githubReleases(
    { token: options.token, apiUrl: options.apiUrl },
    options.owner,
    options.repo
  )
  const packages = new RegistryChartPackages(registry)
  const sources: ReleaseSources = {
    runTag: config.tag,
    pattern: config.tagPattern,
    sha: options.sha,
    bodyInput: chart => ({
      appVersion: config.appVersion ?? chart.appVersion,
      changes: chart.changes
    }),
    packageBytes: chart =>
      chart.packagePath
        ? fs.promises.readFile(chart.packagePath)
        : packages.fetchPackage(chart.ref, chart.digest)
  }
  await core.group(`GitHub releases in ${options.owner}/${options.repo}`, () =>
    releaseAll(store, charts, sources, config.ifExists, record)
  )
  return undefined
}
