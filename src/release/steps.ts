// The list of steps of a release, top to bottom, one log group each. The
// outside systems, and the steps that load their code where a run reaches
// them, come from services.ts, so tests pass fakes; main.ts loads this once
// the inputs are read. Every refusal that needs no side effect (Chart.yaml,
// the tag, the lookup, the signing checks, the Artifact Hub metadata file and
// its tag) comes before the first push, and
// outputs and summary are set once, at the end.
import * as core from '@actions/core'
import { v1Notice } from '../chart/api-version.js'
import { findCharts } from '../chart/find.js'
import type { LoadedChart } from '../chart/load.js'
import type { InstalledHelm } from '../helm/installer.js'
import type { Config } from '../inputs/release.js'
import { setOutputs } from '../outputs.js'
import {
  checkMetadata,
  logMetadataStates,
  pushMetadata
} from '../publish/artifacthub.js'
import {
  metadataFiles,
  type MetadataFile
} from '../publish/artifacthub-files.js'
import { ghcrLinkNotice } from '../publish/ghcr-link.js'
import { logIn } from '../publish/login.js'
import { publishedNotes, startLookUp } from '../publish/lookup.js'
import { planReleases } from '../publish/plan.js'
import { publishAll } from '../publish/publish.js'
import { checkHelmCanReach, publishOptions } from '../publish/target.js'
import type { ChartRelease } from '../record/chart-release.js'
import { recordOf, type RunResult } from '../record/run.js'
import { relay } from '../relay.js'
import { createSandbox, removeSandbox, type Sandbox } from '../sandbox.js'
import type { SigningSession } from '../signing/step.js'
import { saveSandboxDir } from '../state.js'
import { writeSummary } from '../summary.js'
import { gitopsSteps, previewRenderer } from './gitops.js'
import {
  realServices,
  type MainHelm,
  type RunRegistry,
  type Services
} from './services.js'

/**
 * The release, once the inputs are read. Everything that can refuse without
 * side effects (Chart.yaml, tag, registry lookups, signing checks) runs
 * before anything is pushed, so a refusal publishes nothing. Outputs and
 * summary are set once, at the end; a failure is thrown to main.ts.
 */
export async function release(
  config: Config,
  services: Services = realServices
): Promise<void> {
  let sandbox: Sandbox | undefined
  try {
    const charts = await core.group('Read Chart.yaml', async () =>
      readCharts(config)
    )
    const plan = await core.group('Check the tag', async () =>
      planReleases(config, charts)
    )
    const metadata = metadataFiles(
      config.artifacthubRepo ?? { kind: 'off' },
      plan.releases,
      config.workspace
    )
    const registry = await services.registry(
      config,
      metadata.length > 0 && !config.dryRun
    )
    // Plain HTTP, no Helm: the lookup runs while Helm is installed, and reports
    // in its own group after it. An install failure is the one reported.
    const lookup = startLookUp(registry.reads, config.ifExists, plan.releases)
    const installed = await core.group('Install Helm', () =>
      install(services, config)
    )
    const published = await core.group(
      'Look up the versions in the registry',
      () => lookup.result()
    )
    const run: RunResult = {
      charts: plan.releases,
      helmVersion: `v${installed.version}`,
      dryRun: config.dryRun,
      skipped: []
    }
    const record = recordOf(run)
    record.skip(...plan.notes)
    const pending = run.charts.filter(r => !published.has(r))
    noteGhcrLinks(pending, config)
    await checkArtifactHub(registry, metadata)
    const session = await checkSigning(services, config, registry, run.charts)
    let helm: MainHelm | undefined
    // Helm runs in the sandbox to publish; the preview's pulled packages go
    // there too (its Helm runs isolated, outside it).
    if (pending.length || config.gitops?.render) {
      sandbox = createSandbox()
      saveSandboxDir(sandbox.root)
      helm = services.helm(installed, sandbox.env)
    }
    if (helm && pending.length) {
      const login = await core.group(`Log in to ${config.registry}`, () =>
        logIn(helm!, config)
      )
      record.skip(login)
    }
    record.skip(...publishedNotes(published))
    if (helm && pending.length) {
      const many = run.charts.length > 1
      const options = publishOptions(config)
      record.skip(
        ...(await publishAll(helm, registry.reads, options, pending, many))
      )
    }
    try {
      if (session && registry.writes)
        record.skip(
          await services.signAndAttest(
            session,
            registry.writes,
            config,
            run.charts,
            record
          )
        )
      if (config.githubRelease)
        record.skip(
          await services.githubRelease(
            config,
            run.charts,
            registry.reads,
            record
          )
        )
      // After signing and the GitHub release: its failure leaves them done.
      if (metadata.length)
        record.skip(
          ...(await core.group('Push Artifact Hub metadata', () =>
            pushMetadata(
              registry.reads,
              registry.writes,
              metadata,
              config.dryRun
            )
          ))
        )
      const renderer =
        helm && sandbox && config.gitops?.render
          ? previewRenderer(services, config, installed, sandbox.root)
          : undefined
      await gitopsSteps(services, config, run, record, registry.reads, renderer)
    } finally {
      setOutputs(run)
      await writeSummary(run)
    }
  } finally {
    if (sandbox) removeSandbox(sandbox.root)
  }
}

/** The charts the `chart` input names, read and validated. */
function readCharts(config: Config): LoadedChart[] {
  const charts = findCharts(config.chartPatterns, config.workspace)
  // relay: a folder name in the workspace may read as a workflow command.
  for (const chart of charts) {
    relay(`${chart.file}: ${chart.name} ${chart.version}`)
    // An annotation: its text follows `::notice …::`, never a line's start.
    if (chart.apiVersion === 'v1')
      core.notice(v1Notice(chart.file), { file: chart.file, startLine: 1 })
  }
  return charts
}

/** Before the push: a tag the metadata must not overwrite is refused. */
async function checkArtifactHub(
  registry: RunRegistry,
  metadata: MetadataFile[]
): Promise<void> {
  if (!metadata.length) return
  await core.group('Check Artifact Hub metadata', async () =>
    logMetadataStates(metadata, await checkMetadata(registry.reads, metadata))
  )
}

/** Before the push: each ghcr.io package the repository will not be linked to. */
function noteGhcrLinks(pending: ChartRelease[], config: Config): void {
  for (const chart of pending) {
    const notice = ghcrLinkNotice(chart, config.githubRepository)
    // An annotation: its text follows `::notice …::`, escaped by core.
    if (notice)
      core.notice(notice.message, {
        file: notice.file,
        startLine: notice.line
      })
  }
}

async function install(
  services: Services,
  config: Config
): Promise<InstalledHelm> {
  const installed = await services.installHelm(config)
  checkHelmCanReach(config, installed)
  return installed
}

/** When the run signs: its session, checked before anything is pushed. */
async function checkSigning(
  services: Services,
  config: Config,
  registry: RunRegistry,
  charts: ChartRelease[]
): Promise<SigningSession | undefined> {
  const writes = registry.writes
  if (!config.signing || !writes) return undefined
  return core.group('Check signing', () =>
    services.startSigning(config, writes, charts)
  )
}
