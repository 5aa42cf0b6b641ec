// The `github-release` step as release.ts runs it: the real releases API,
// Chart.yaml read again for its `artifacthub.io/changes` (the chart record
// keeps only what publishing needs), and the package from disk or, for a
// version published before (`if-exists: skip`), from the registry.
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { parse as parseYaml } from 'yaml'
import { githubReleases } from '../github/releases.js'
import type { Config } from '../inputs.js'
import type { RunResult } from '../publish/result.js'
import { registryOptions } from '../publish/target.js'
import { RegistryClient } from '../registry/client.js'
import { releaseAll, type ReleaseSources } from './step.js'

const CHANGES = 'artifacthub.io/changes'

/** Creates or updates the releases of this run's charts; a dry run makes none. */
export async function runGitHubRelease(
  config: Config,
  run: RunResult
): Promise<void> {
  const options = config.githubRelease
  if (!options) return
  if (config.dryRun) {
    run.skipped.push("GitHub release: 'dry-run' is true (no release made)")
    return
  }
  const store = githubReleases(
    { token: options.token, apiUrl: options.apiUrl },
    options.owner,
    options.repo
  )
  const { RegistryChartPackages } =
    await import('../gitops/lock/registry-packages.js')
  const registry = new RegistryChartPackages(
    new RegistryClient(registryOptions(config))
  )
  const sources: ReleaseSources = {
    runTag: config.tag,
    pattern: config.tagPattern,
    sha: options.sha,
    bodyInput: chart => ({
      appVersion: config.appVersion ?? chart.appVersion,
      changes: changesAnnotation(path.join(config.workspace, chart.file))
    }),
    packageBytes: chart =>
      chart.packagePath
        ? fs.promises.readFile(chart.packagePath)
        : registry.fetchPackage(chart.ref, chart.digest)
  }
  await core.group(`GitHub releases in ${options.owner}/${options.repo}`, () =>
    releaseAll(store, run.charts, sources, config.ifExists)
  )
}

/** The raw annotation; Chart.yaml was read and checked before the push. */
function changesAnnotation(file: string): unknown {
  const doc: unknown = parseYaml(fs.readFileSync(file, 'utf8'))
  const annotations =
    typeof doc === 'object' && doc !== null
      ? (doc as Record<string, unknown>).annotations
      : undefined
  return typeof annotations === 'object' && annotations !== null
    ? (annotations as Record<string, unknown>)[CHANGES]
    : undefined
}
