import * as core from '@actions/core'
import { errorMessage, UserError } from './errors.js'
import { Helm } from './helm.js'
import { getConfig, type Config } from './inputs.js'
import { runGitops, type GitopsResult } from './gitops/step.js'
import { setGitopsOutputs, setOutputs } from './outputs.js'
import { childEnv } from './process-env.js'
import type { ReleaseResult } from './release.js'
import { createPackageDir, createSandbox, removeSandbox } from './sandbox.js'
import { maskSecret } from './secrets.js'
import { markMainStarted, saveSandboxDir } from './state.js'
import * as step from './steps.js'
import { writeSummary } from './summary.js'

/**
 * The main step. Order matters: everything that can refuse without side
 * effects (inputs, Chart.yaml, tag, registry lookup) runs before anything is
 * pushed, so a refusal publishes nothing.
 */
export async function run(): Promise<void> {
  markMainStarted()
  let sandboxDir: string | undefined
  try {
    const config = readConfig()
    const skipped: string[] = []
    const chart = await core.group('Read Chart.yaml', async () =>
      step.readChart(config)
    )
    const target = step.targetOf(config, chart)
    await core.group('Check the tag', async () =>
      step.checkReleaseTag(config, chart, skipped)
    )
    const installed = await core.group('Install Helm', () =>
      step.install(config)
    )
    const client = step.registryClient(config)
    const published = await core.group(
      `Look up ${target.ref}:${target.tag}`,
      () => step.findPublished(client, config, chart, target)
    )
    const result: ReleaseResult = {
      chartName: chart.name,
      chartVersion: chart.version,
      tag: target.tag,
      chartRef: target.ref,
      digest: published ?? '',
      pushed: false,
      packagePath: '',
      helmVersion: `v${installed.version}`,
      dryRun: config.dryRun,
      skipped
    }
    if (published) {
      skipped.push(`Package and push: already published, 'if-exists: skip'`)
    } else {
      const sandbox = createSandbox()
      sandboxDir = sandbox.root
      saveSandboxDir(sandbox.root)
      const helm = new Helm(
        installed.path,
        installed.major,
        childEnv(sandbox.env)
      )
      await core.group(`Log in to ${config.registry}`, () =>
        step.login(helm, config, skipped)
      )
      await core.group('Build dependencies', () =>
        step.buildDependencies(helm, chart, skipped)
      )
      await core.group('Lint', () => step.lint(helm, config, chart, skipped))
      result.packagePath = await core.group('Package', () =>
        helm.package(chart.dir, createPackageDir(), config.appVersion)
      )
      result.digest = await core.group('Push', () =>
        step.push(helm, client, config, target, result.packagePath, skipped)
      )
      result.pushed = result.digest !== ''
    }
    setOutputs(result)
    try {
      result.gitops = await gitopsStep(config, result)
      setGitopsOutputs(result.gitops)
    } finally {
      await writeSummary(result)
    }
  } catch (error) {
    fail(error)
  } finally {
    if (sandboxDir) removeSandbox(sandboxDir)
  }
}

/** The GitOps pull request, after a publish, a skip or a dry run. */
async function gitopsStep(
  config: Config,
  result: ReleaseResult
): Promise<GitopsResult | undefined> {
  const gitops = config.gitops
  if (!gitops) return undefined
  return core.group(
    `Open the pull request in ${gitops.owner}/${gitops.repo}`,
    () =>
      runGitops(
        gitops,
        {
          name: result.chartName,
          version: result.chartVersion,
          ref: result.chartRef,
          tag: result.tag,
          digest: result.digest
        },
        {
          name: result.chartName,
          registry: config.registry,
          repository: config.repository
        },
        config.dryRun
      )
  )
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
