// Publishing the charts not yet in the registry: per chart, dependencies,
// lint, package, push and read back. Charts used by others through file://
// go first; charts of one level go side by side.
import * as core from '@actions/core'
import { dependencyLevels } from '../chart/order.js'
import { mapLimit } from '../concurrency.js'
import type { Connection } from '../helm/cli.js'
import { relay } from '../relay.js'
import { createPackageDir } from '../sandbox.js'
import { buildDependencies, type HelmDependencies } from './dependencies.js'
import type { RegistryReader } from './lookup.js'
import { pushPackage, type HelmPusher } from './push.js'
import type { ChartRelease, Note } from './result.js'

/** Charts packaged and pushed side by side, at most. */
const PUBLISH_CONCURRENCY = 4

/** What publishing needs of Helm (the Helm command wrapper). */
export interface PublishingHelm extends HelmDependencies, HelmPusher {
  lint(chartDir: string): Promise<void>
  package(
    chartDir: string,
    destination: string,
    appVersion?: string
  ): Promise<string>
  /** The same Helm, with its output collected instead of streamed. */
  withTranscript(transcript: string[]): PublishingHelm
  transcriptLines(): readonly string[]
}

export interface PublishOptions {
  registry: string
  connection: Connection
  lint: boolean
  dryRun: boolean
  appVersion?: string
  /** Retry delay for a failed push (tests shorten it). */
  pushRetryDelayMs?: number
}

/**
 * Publishes `pending`, level by level; fills in each record's digest, package
 * and `pushed`. Returns the steps that did not run, per chart when several.
 */
export async function publishAll(
  helm: PublishingHelm,
  registry: RegistryReader,
  options: PublishOptions,
  pending: ChartRelease[],
  many: boolean
): Promise<string[]> {
  const notes: string[] = []
  for (const level of dependencyLevels(pending)) {
    const done = await mapLimit(level, PUBLISH_CONCURRENCY, release =>
      many
        ? publishCollected(helm, registry, options, release)
        : core.group(`Package and push ${release.name}`, () =>
            publishOne(helm, registry, options, release)
          )
    )
    level.forEach((release, i) =>
      notes.push(...done[i].map(n => (many ? `${release.name}: ${n}` : n)))
    )
  }
  return notes
}

/** One chart of several: Helm's output collected, printed in one group after. */
async function publishCollected(
  helm: PublishingHelm,
  registry: RegistryReader,
  options: PublishOptions,
  release: ChartRelease
): Promise<string[]> {
  const own = helm.withTranscript([])
  try {
    return await publishOne(own, registry, options, release)
  } finally {
    core.startGroup(`Package and push ${release.name} ${release.version}`)
    // relay: Helm's output holds text from the chart and the registry.
    const lines = own.transcriptLines()
    if (lines.length) relay(lines.join('\n'))
    core.endGroup()
  }
}

/** Dependencies, lint, package, push and verify for one chart; returns its notes. */
async function publishOne(
  helm: PublishingHelm,
  registry: RegistryReader,
  options: PublishOptions,
  release: ChartRelease
): Promise<string[]> {
  const notes: Note[] = [await buildDependencies(helm, options, release)]
  notes.push(await lint(helm, options, release))
  release.packagePath = await helm.package(
    release.dir,
    createPackageDir(),
    options.appVersion
  )
  if (options.dryRun) {
    core.info(
      `Dry run: would push ${release.packagePath} as ${release.ref}:${release.tag}.`
    )
    notes.push("Push: 'dry-run' is true")
  } else {
    release.digest = await pushPackage(
      helm,
      registry,
      release,
      release.packagePath,
      options.connection,
      options.pushRetryDelayMs
    )
    release.pushed = true
  }
  return notes.filter((n): n is string => n !== undefined)
}

async function lint(
  helm: PublishingHelm,
  options: PublishOptions,
  release: ChartRelease
): Promise<Note> {
  if (!options.lint) {
    core.info("Skipped: 'lint' is false.")
    return "Lint: 'lint' is false"
  }
  await helm.lint(release.dir)
  return undefined
}
