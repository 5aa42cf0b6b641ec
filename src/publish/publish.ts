// Publishing the charts not yet in the registry, one dependency level at a
// time (charts used by others through file:// go first). Per level: each
// chart's dependencies; then ONE `helm lint` and ONE `helm package` for all
// its charts, side by side (Helm starts are most of the CPU a release costs);
// then each chart's push and read-back.
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { dependencyLevels } from '../chart/order.js'
import { mapLimit } from '../concurrency.js'
import { errorMessage, UserError } from '../errors.js'
import type { ChartLint, ChartPackage, Connection } from '../helm/cli.js'
import { relay } from '../relay.js'
import { createPackageDir } from '../sandbox.js'
import { buildDependencies, type HelmDependencies } from './dependencies.js'
import type { RegistryReader } from './lookup.js'
import { pushPackage, type HelmPusher } from './push.js'
import type { ChartRelease } from '../record/chart-release.js'
import type { Note } from '../record/run.js'

/** Charts whose dependencies are built, or which are pushed, side by side, at most. */
const PUBLISH_CONCURRENCY = 4

/** What publishing needs of Helm (the Helm command wrapper). */
export interface PublishingHelm extends HelmDependencies, HelmPusher {
  /** One `helm lint` for all the charts; a result per chart, in order. */
  lintCharts(chartDirs: readonly string[]): Promise<ChartLint[]>
  /** One `helm package` (more only after a failure); a result per chart, in order. */
  packageCharts(
    chartDirs: readonly string[],
    destination: string,
    appVersion?: string
  ): Promise<ChartPackage[]>
  /** The same Helm, with its output collected instead of streamed. */
  withTranscript(transcript: string[]): PublishingHelm
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
 * A chart that fails does not stop the others of its level; the first failure
 * (in the level's order) is thrown once the level is done, and no later level
 * runs.
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
    const jobs = level.map(release =>
      many ? collectedJob(helm, release) : streamedJob(helm, release)
    )
    await (many
      ? publishLevel(helm, registry, options, jobs)
      : core.group(`Package and push ${level[0].name}`, () =>
          publishLevel(helm, registry, options, jobs)
        ))
    for (const job of jobs) {
      for (const note of job.notes)
        if (note) notes.push(many ? `${job.release.name}: ${note}` : note)
    }
  }
  return notes
}

/** One chart's way through its level. */
interface Job {
  release: ChartRelease
  /** Helm for the chart's own commands (dependencies, push). */
  helm: PublishingHelm
  /** Shows lines in the chart's log (its part of a shared command's output). */
  show(lines: readonly string[]): void
  /** The chart is done: its log is complete. */
  done(): void
  notes: Note[]
  /** Why the chart is not published; set once, by its first failed step. */
  failure?: { error: unknown }
}

/** The only chart: its log streams, inside the caller's group. */
function streamedJob(helm: PublishingHelm, release: ChartRelease): Job {
  return {
    release,
    helm,
    notes: [],
    // relay: Helm's output holds text from the chart and the registry.
    show: lines => {
      if (lines.length) relay(lines.join('\n'))
    },
    done: () => undefined
  }
}

/** One chart of several: its log collected, printed as one group when it is done. */
function collectedJob(helm: PublishingHelm, release: ChartRelease): Job {
  const log: string[] = []
  const job: Job = {
    release,
    helm: helm.withTranscript(log),
    notes: [],
    show: lines => log.push(...lines),
    done: () => {
      // Only the first failure of a run is its error: each is told here.
      if (job.failure)
        log.push(`Not published: ${errorMessage(job.failure.error)}`)
      core.startGroup(`Package and push ${release.name} ${release.version}`)
      if (log.length) relay(log.join('\n'))
      core.endGroup()
    }
  }
  return job
}

async function publishLevel(
  helm: PublishingHelm,
  registry: RegistryReader,
  options: PublishOptions,
  jobs: Job[]
): Promise<void> {
  await mapLimit(jobs, PUBLISH_CONCURRENCY, job =>
    step(job, async () => {
      job.notes.push(
        await buildDependencies(job.helm, options, job.release, line =>
          job.show([line])
        )
      )
    })
  )
  await lintAndPackage(
    helm,
    options,
    jobs.filter(job => !job.failure)
  )
  await mapLimit(jobs, PUBLISH_CONCURRENCY, async job => {
    await step(job, () => push(job, registry, options))
    job.done()
  })
  const failed = jobs.find(job => job.failure)
  if (failed?.failure) throw failed.failure.error
}

/** Runs a step of the chart's unless an earlier one failed; a failure stays with the chart. */
async function step(job: Job, work: () => Promise<void>): Promise<void> {
  if (job.failure) return
  try {
    await work()
  } catch (error) {
    job.failure = { error }
  }
}

/**
 * One `helm lint` and one `helm package` for the charts, side by side: both
 * only read the chart folders. The lint decides before anything is pushed: a
 * chart with lint errors is refused and its package deleted.
 */
async function lintAndPackage(
  helm: PublishingHelm,
  options: PublishOptions,
  jobs: Job[]
): Promise<void> {
  if (jobs.length === 0) return
  const dirs = jobs.map(job => job.release.dir)
  const [lints, packages] = await Promise.allSettled([
    options.lint ? helm.lintCharts(dirs) : Promise.resolve([]),
    helm.packageCharts(dirs, createPackageDir(), options.appVersion)
  ])
  for (const job of jobs) {
    if (!options.lint) {
      job.show(["Skipped: 'lint' is false."])
      job.notes.push("Lint: 'lint' is false")
    }
    try {
      takePackage(job, options.lint ? lints : undefined, packages)
    } catch (error) {
      job.failure = { error }
    }
  }
}

/**
 * Shows the chart's part of both outputs (lint first), and keeps its package
 * when the lint passed: else the package is deleted, never to be pushed.
 */
function takePackage(
  job: Job,
  lints: PromiseSettledResult<ChartLint[]> | undefined,
  packages: PromiseSettledResult<ChartPackage[]>
): void {
  const dir = job.release.dir
  const packaged =
    packages.status === 'fulfilled'
      ? packages.value.find(p => p.dir === dir)
      : undefined
  try {
    const lint = lints && settled(lints, dir, 'helm lint')
    job.show([...(lint?.output ?? []), ...(packaged?.output ?? [])])
    if (lint?.error) throw new UserError(lint.error)
    const made = settled(packages, dir, 'helm package')
    job.release.packagePath = packagePath(job.release, made)
  } catch (error) {
    if (packaged?.path) {
      fs.rmSync(packaged.path, { force: true })
      job.show([`Deleted ${packaged.path}: it is not pushed.`])
    }
    throw error
  }
}

/** This chart's result of a shared command; its failure, or a result missing, throws. */
function settled<T extends { dir: string }>(
  outcome: PromiseSettledResult<T[]>,
  dir: string,
  command: string
): T {
  if (outcome.status === 'rejected') throw outcome.reason
  const result = outcome.value.find(r => r.dir === dir)
  if (!result) throw new Error(`${command} reported nothing for ${dir}`)
  return result
}

/**
 * The package Helm made of this chart. Its file name is the chart's own
 * (`name-version.tgz`, from Chart.yaml): proof the output was split right.
 */
function packagePath(release: ChartRelease, packaged: ChartPackage): string {
  if (packaged.error || !packaged.path)
    throw new UserError(
      packaged.error ?? `helm package saved nothing for ${release.dir}`
    )
  const expected = `${release.name}-${release.version}.tgz`
  if (path.basename(packaged.path) !== expected) {
    throw new Error(
      `helm package saved ${release.dir} as ${packaged.path}, not as ${expected}`
    )
  }
  return packaged.path
}

async function push(
  job: Job,
  registry: RegistryReader,
  options: PublishOptions
): Promise<void> {
  const release = job.release
  if (options.dryRun) {
    job.show([
      `Dry run: would push ${release.packagePath} as ${release.ref}:${release.tag}.`
    ])
    job.notes.push("Push: 'dry-run' is true")
    return
  }
  release.digest = await pushPackage(
    job.helm,
    registry,
    release,
    release.packagePath,
    options.connection,
    options.pushRetryDelayMs,
    // With several charts, the lines go to the chart's own log group.
    line => job.show([line])
  )
  release.pushed = true
}
