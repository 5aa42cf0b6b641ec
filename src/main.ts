import * as core from '@actions/core'
import type { LoadedChart } from './chart/load.js'
import { dependencyLevels } from './chart/order.js'
import { mapLimit } from './concurrency.js'
import { errorMessage, UserError } from './errors.js'
import { runGitops } from './gitops/step.js'
import { Helm } from './helm/cli.js'
import { getConfig, type Config } from './inputs.js'
import { setGitopsOutputs, setOutputs } from './outputs.js'
import { childEnv } from './process-env.js'
import { relay } from './relay.js'
import type { RegistryClient } from './registry/client.js'
import type { ChartResult, RunResult } from './publish/result.js'
import { createPackageDir, createSandbox, removeSandbox } from './sandbox.js'
import { maskSecret } from './secrets.js'
import { markMainStarted, saveSandboxDir } from './state.js'
import * as step from './publish/steps.js'
import { writeSummary } from './summary.js'

/** Charts packaged and pushed side by side, at most. */
const PUBLISH_CONCURRENCY = 4

/**
 * The main step. Everything that can refuse without side effects (inputs,
 * Chart.yaml, tag, registry lookups) runs before anything is pushed, so a
 * refusal publishes nothing.
 */
export async function run(): Promise<void> {
  markMainStarted()
  let sandboxDir: string | undefined
  try {
    const config = readConfig()
    const skipped: string[] = []
    const found = await core.group('Read Chart.yaml', async () =>
      step.readCharts(config)
    )
    const charts = await core.group('Check the tag', async () =>
      step.selectReleases(config, found, skipped)
    )
    const installed = await core.group('Install Helm', () =>
      step.install(config)
    )
    const client = step.registryClient(config)
    const published = await core.group(
      'Look up the versions in the registry',
      () => step.lookUpAll(client, config, charts)
    )
    const toPublish = charts.filter(chart => !published.has(chart))
    let helm: Helm | undefined
    if (toPublish.length) {
      const sandbox = createSandbox()
      sandboxDir = sandbox.root
      saveSandboxDir(sandbox.root)
      helm = new Helm(installed.path, installed.major, childEnv(sandbox.env))
      await core.group(`Log in to ${config.registry}`, () =>
        step.login(helm!, config, skipped)
      )
    }
    const result: RunResult = {
      charts: await publishAll(
        config,
        client,
        helm,
        charts,
        published,
        skipped
      ),
      helmVersion: `v${installed.version}`,
      dryRun: config.dryRun,
      skipped
    }
    setOutputs(result)
    try {
      await gitopsSteps(config, result)
    } finally {
      await writeSummary(result)
    }
  } catch (error) {
    fail(error)
  } finally {
    if (sandboxDir) removeSandbox(sandboxDir)
  }
}

/**
 * Packages and pushes every chart not yet published: level by level (charts
 * that others use through file:// first), side by side within a level.
 */
async function publishAll(
  config: Config,
  client: RegistryClient,
  helm: Helm | undefined,
  charts: LoadedChart[],
  published: Map<LoadedChart, string>,
  skipped: string[]
): Promise<ChartResult[]> {
  const results = new Map<LoadedChart, ChartResult>()
  for (const chart of charts.filter(c => published.has(c))) {
    results.set(chart, skippedResult(config, chart, published.get(chart)!))
    skipped.push(
      `${chart.name} ${chart.version}: already published, 'if-exists: skip'`
    )
  }
  const pending = charts.filter(c => !published.has(c))
  for (const level of dependencyLevels(pending)) {
    const many = charts.length > 1
    const done = await mapLimit(level, PUBLISH_CONCURRENCY, chart =>
      publishOne(
        config,
        client,
        many ? helm!.withTranscript([]) : helm!,
        chart,
        skipped,
        many
      )
    )
    level.forEach((chart, i) => results.set(chart, done[i]))
  }
  return charts.map(chart => results.get(chart)!)
}

/** Dependencies, lint, package, push and verify for one chart. */
async function publishOne(
  config: Config,
  client: RegistryClient,
  helm: Helm,
  chart: LoadedChart,
  skipped: string[],
  many: boolean
): Promise<ChartResult> {
  const target = step.targetOf(config, chart)
  const notes: string[] = []
  const work = async (): Promise<ChartResult> => {
    await step.buildDependencies(
      helm,
      { registry: config.registry, connection: step.connection(config) },
      chart,
      notes
    )
    await step.lint(helm, config, chart, notes)
    const packagePath = await helm.package(
      chart.dir,
      createPackageDir(),
      config.appVersion
    )
    const digest = await step.push(
      helm,
      client,
      config,
      target,
      packagePath,
      notes
    )
    return {
      ...baseResult(chart, target),
      digest,
      pushed: digest !== '',
      packagePath
    }
  }
  try {
    return many
      ? await work()
      : await core.group(`Package and push ${chart.name}`, work)
  } finally {
    skipped.push(...notes.map(note => (many ? `${chart.name}: ${note}` : note)))
    if (many) printTranscript(chart, helm)
  }
}

/** Helm's collected output, relayed: it holds text from the chart and the registry. */
function printTranscript(chart: LoadedChart, helm: Helm): void {
  core.startGroup(`Package and push ${chart.name} ${chart.version}`)
  const lines = helm.transcriptLines()
  if (lines.length) relay(lines.join('\n'))
  core.endGroup()
}

function baseResult(
  chart: LoadedChart,
  target: step.Target
): Omit<ChartResult, 'digest' | 'pushed' | 'packagePath'> {
  return {
    chartName: chart.name,
    chartVersion: chart.version,
    tag: target.tag,
    chartRef: target.ref
  }
}

function skippedResult(
  config: Config,
  chart: LoadedChart,
  digest: string
): ChartResult {
  return {
    ...baseResult(chart, step.targetOf(config, chart)),
    digest,
    pushed: false,
    packagePath: ''
  }
}

/**
 * One GitOps pull request per chart pushed by this run, or for the chart a tag
 * named when it was already published ('if-exists: skip').
 */
async function gitopsSteps(config: Config, run: RunResult): Promise<void> {
  const gitops = config.gitops
  if (!gitops) {
    setGitopsOutputs([])
    return
  }
  const eligible = run.charts.filter(
    c => c.pushed || run.dryRun || run.charts.length === 1
  )
  for (const chart of eligible) {
    chart.gitops = await core.group(
      `Pull request for ${chart.chartName} in ${gitops.owner}/${gitops.repo}`,
      () =>
        runGitops(
          gitops,
          {
            name: chart.chartName,
            version: chart.chartVersion,
            ref: chart.chartRef,
            tag: chart.tag,
            digest: chart.digest
          },
          {
            name: chart.chartName,
            registry: config.registry,
            repository: config.repository
          },
          config.dryRun
        )
    )
  }
  setGitopsOutputs(eligible.map(c => c.gitops))
}

function readConfig(): Config {
  const config = getConfig()
  maskSecret(config.password)
  // Masked from the start, not only once the GitOps step begins.
  if (config.gitops) maskSecret(config.gitops.token)
  // Helm stores `base64(user:password)` in its registry config: mask that form too.
  if (config.password) {
    maskSecret(
      Buffer.from(`${config.username}:${config.password}`).toString('base64')
    )
  }
  return config
}

/** A refusal is a message (annotated on the file at fault), never a stack trace. */
function fail(error: unknown): void {
  if (error instanceof UserError && error.file) {
    core.error(error.message, { file: error.file, startLine: error.line })
    process.exitCode = core.ExitCode.Failure
    return
  }
  if (!(error instanceof UserError) && error instanceof Error && error.stack) {
    core.debug(error.stack)
  }
  core.setFailed(errorMessage(error))
}
