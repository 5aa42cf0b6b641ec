import * as core from '@actions/core'
import { loadChart, type LoadedChart } from './chart-loader.js'
import { errorMessage, UserError } from './errors.js'
import { Helm, type Connection } from './helm.js'
import { getConfig, type Config } from './inputs.js'
import { installHelm, type InstalledHelm } from './installer.js'
import { setOutputs } from './outputs.js'
import { childEnv } from './process-env.js'
import { chartRef, ociTag, pushTarget } from './reference.js'
import type { ReleaseResult } from './release.js'
import { createPackageDir, createSandbox, removeSandbox } from './sandbox.js'
import { maskSecret } from './secrets.js'
import { markMainStarted, saveSandboxDir } from './state.js'
import { writeSummary } from './summary.js'

/** The main step: each step of a release, in order, in its own log group. */
export async function run(): Promise<void> {
  markMainStarted()
  let sandboxDir: string | undefined
  try {
    const config = readConfig()
    const chart = await core.group('Read Chart.yaml', async () =>
      readChart(config)
    )
    const installed = await core.group('Install Helm', () => install(config))
    const sandbox = createSandbox()
    sandboxDir = sandbox.root
    saveSandboxDir(sandbox.root)
    const helm = new Helm(
      installed.path,
      installed.major,
      childEnv(sandbox.env)
    )
    const skipped: string[] = []
    await core.group(`Log in to ${config.registry}`, () =>
      login(helm, config, skipped)
    )
    await core.group('Build dependencies', () =>
      buildDependencies(helm, chart, skipped)
    )
    await core.group('Lint', () => lint(helm, config, chart, skipped))
    const packagePath = await core.group('Package', () =>
      helm.package(chart.dir, createPackageDir(), config.appVersion)
    )
    const digest = await core.group('Push', () =>
      push(helm, config, chart, packagePath, skipped)
    )
    const result = releaseResult(
      config,
      chart,
      installed,
      packagePath,
      digest,
      skipped
    )
    setOutputs(result)
    await writeSummary(result)
  } catch (error) {
    fail(error)
  } finally {
    if (sandboxDir) removeSandbox(sandboxDir)
  }
}

function readConfig(): Config {
  const config = getConfig()
  maskSecret(config.password)
  // Helm stores `base64(user:password)` in its registry config: mask that form too.
  if (config.password) {
    maskSecret(
      Buffer.from(`${config.username}:${config.password}`).toString('base64')
    )
  }
  return config
}

function readChart(config: Config): LoadedChart {
  const chart = loadChart(config.chartDir, config.workspace)
  core.info(`${chart.file}: ${chart.name} ${chart.version}`)
  return chart
}

async function install(config: Config): Promise<InstalledHelm> {
  return installHelm({
    versionSpec: config.helmVersion,
    downloadBaseUrl: config.helmDownloadUrl
  })
}

function connection(config: Config): Connection {
  return {
    plainHttp: config.plainHttp,
    caFile: config.caFile,
    insecureSkipTlsVerify: config.insecureSkipTlsVerify
  }
}

async function login(
  helm: Helm,
  config: Config,
  skipped: string[]
): Promise<void> {
  if (!config.password) {
    core.info('No password given: pushing anonymously.')
    skipped.push('Registry login: no password given')
    return
  }
  await helm.login(
    config.registry,
    config.username,
    config.password,
    connection(config)
  )
  core.info(`Logged in to ${config.registry} as ${config.username}.`)
}

async function buildDependencies(
  helm: Helm,
  chart: LoadedChart,
  skipped: string[]
): Promise<void> {
  if (chart.dependencies.length === 0) {
    core.info('The chart declares no dependencies.')
    skipped.push('Dependencies: none declared')
    return
  }
  await helm.buildDependencies(chart.dir, chart.hasLock)
}

async function lint(
  helm: Helm,
  config: Config,
  chart: LoadedChart,
  skipped: string[]
): Promise<void> {
  if (!config.lint) {
    core.info("Skipped: 'lint' is false.")
    skipped.push("Lint: 'lint' is false")
    return
  }
  await helm.lint(chart.dir)
}

async function push(
  helm: Helm,
  config: Config,
  chart: LoadedChart,
  packagePath: string,
  skipped: string[]
): Promise<string> {
  const ref = `${chartRef(config.registry, config.repository, chart.name)}:${ociTag(chart.version)}`
  if (config.dryRun) {
    core.info(`Dry run: would push ${packagePath} as ${ref}.`)
    skipped.push("Push: 'dry-run' is true")
    return ''
  }
  const pushed = await helm.push(
    packagePath,
    pushTarget(config.registry, config.repository),
    connection(config)
  )
  core.info(`Pushed ${pushed.pushedRef} (${pushed.digest}).`)
  return pushed.digest
}

function releaseResult(
  config: Config,
  chart: LoadedChart,
  installed: InstalledHelm,
  packagePath: string,
  digest: string,
  skipped: string[]
): ReleaseResult {
  return {
    chartName: chart.name,
    chartVersion: chart.version,
    tag: ociTag(chart.version),
    chartRef: chartRef(config.registry, config.repository, chart.name),
    digest,
    pushed: digest !== '',
    packagePath,
    helmVersion: `v${installed.version}`,
    dryRun: config.dryRun,
    skipped
  }
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
