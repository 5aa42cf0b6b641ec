// The list of steps of a release, one log group each, with the outside
// systems behind small interfaces (Services) so tests pass fakes. main.ts
// loads it once the inputs are read.
// GitOps, signing, GitHub releases and the preview are import()ed where a run uses them: most
// runs use none, and their code (@actions/github, @sigstore/sign) is most of
// dist/, which node would otherwise parse before the first input check.
import path from 'node:path'
import * as core from '@actions/core'
import { findCharts } from './chart/find.js'
import { selectCharts } from './chart/select.js'
import type { RegistryChartPackages } from './gitops/lock/registry-packages.js'
import type { runGitops } from './gitops/step.js'
import { Helm, type Connection } from './helm/cli.js'
import { installHelm, type InstalledHelm } from './helm/installer.js'
import type { Config } from './inputs.js'
import { setOutputs } from './outputs.js'
import { childEnv } from './process-env.js'
import { accessFor } from './publish/dependencies.js'
import { startLookUp, type RegistryReader } from './publish/lookup.js'
import {
  publishAll,
  type PublishingHelm,
  type PublishOptions
} from './publish/publish.js'
import type { ChartRelease, Note, RunResult } from './publish/result.js'
import type { LoadedChart } from './chart/load.js'
import {
  checkHelmCanReach,
  connection,
  planRelease,
  registryOptions
} from './publish/target.js'
import { RegistryClient } from './registry/client.js'
import type { SigningSession } from './signing/step.js'
import type { SignatureRegistry } from './signing/store.js'
import type { PreviewPullRequest } from './gitops/preview.js'
import type { PreviewServices } from './render/preview.js'
import type { HelmTemplate } from './render/render.js'
import { relay } from './relay.js'
import { createSandbox, removeSandbox } from './sandbox.js'
import { saveSandboxDir } from './state.js'
import { writeSummary } from './summary.js'

/** Helm as main uses it: logging in and publishing. */
export interface MainHelm extends PublishingHelm {
  login(
    host: string,
    username: string,
    password: string,
    connection: Connection
  ): Promise<void>
}

/** The outside systems main talks to; tests pass fakes. */
export interface Services {
  installHelm(config: Config): Promise<InstalledHelm>
  registry(config: Config): RegistryReader
  helm(installed: InstalledHelm, env: Record<string, string>): MainHelm
  /** The Helm of the GitOps preview: run isolated, never in the sandbox. */
  renderHelm(installed: InstalledHelm): Promise<HelmTemplate>
  gitops: typeof runGitops
  /** Where signatures are read and written (`sign`, `provenance`). */
  signatureRegistry?(config: Config): SignatureRegistry
}

function registryClient(config: Config): RegistryClient {
  return new RegistryClient(registryOptions(config))
}

const realServices: Services = {
  installHelm: config =>
    installHelm({
      versionSpec: config.helmVersion,
      downloadBaseUrl: config.helmDownloadUrl
    }),
  registry: config => registryClient(config),
  helm: (installed, env) =>
    new Helm(installed.path, installed.major, childEnv(env)),
  renderHelm: async installed =>
    (await import('./helm/template.js')).isolatedHelm(installed),
  gitops: async (...args) =>
    (await import('./gitops/step.js')).runGitops(...args)
}

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
  let sandboxDir: string | undefined
  try {
    const charts = await core.group('Read Chart.yaml', async () =>
      readCharts(config)
    )
    const selection = await core.group('Check the tag', async () =>
      selectReleases(config, charts)
    )
    const registry = services.registry(config)
    // Plain HTTP, no Helm: the lookup runs while Helm is installed, and reports
    // in its own group after it. An install failure is the one reported.
    const lookup = startLookUp(registry, config.ifExists, selection.releases)
    const installed = await core.group('Install Helm', () =>
      install(services, config)
    )
    const published = await core.group(
      'Look up the versions in the registry',
      () => lookup.result()
    )
    const result: RunResult = {
      charts: selection.releases,
      helmVersion: `v${installed.version}`,
      dryRun: config.dryRun,
      skipped: selection.notes
    }
    const pending = result.charts.filter(r => !published.has(r))
    const signatures =
      config.signing && (await signatureRegistry(services, config))
    const session =
      signatures &&
      (await core.group('Check signing', async () =>
        (await import('./signing/step.js')).startSigning(
          config,
          signatures,
          result.charts
        )
      ))
    let helm: MainHelm | undefined
    // Helm runs in the sandbox to publish; the preview's pulled packages go
    // there too (its Helm runs isolated, outside it).
    if (pending.length || config.gitops?.render) {
      const sandbox = createSandbox()
      sandboxDir = sandbox.root
      saveSandboxDir(sandbox.root)
      helm = services.helm(installed, sandbox.env)
    }
    if (helm && pending.length) {
      const login = await core.group(`Log in to ${config.registry}`, () =>
        logIn(helm!, config)
      )
      if (login) result.skipped.push(login)
    }
    result.skipped.push(...skippedAsPublished(published))
    if (helm && pending.length) {
      const many = result.charts.length > 1
      const options = publishOptions(config)
      result.skipped.push(
        ...(await publishAll(helm, registry, options, pending, many))
      )
    }
    try {
      if (session && signatures)
        await signStep(session, signatures, config, result)
      if (config.githubRelease)
        await (
          await import('./ghrelease/run.js')
        ).runGitHubRelease(config, result)
      let renderHelm: Promise<HelmTemplate> | undefined
      const renderer =
        helm && sandboxDir && config.gitops?.render
          ? {
              // Probed once per run, when a preview first needs it.
              helm: () => (renderHelm ??= services.renderHelm(installed)),
              helmVersion: installed.version,
              dir: sandboxDir
            }
          : undefined
      await gitopsSteps(services, config, result, renderer)
    } finally {
      setOutputs(result)
      await writeSummary(result)
    }
  } finally {
    if (sandboxDir) removeSandbox(sandboxDir)
  }
}

/** The registry writer, unless a test passes its own. */
async function signatureRegistry(
  services: Services,
  config: Config
): Promise<SignatureRegistry> {
  if (services.signatureRegistry) return services.signatureRegistry(config)
  const { RegistryWriter } = await import('./registry/writer.js')
  return new RegistryWriter(registryOptions(config))
}

/** Signs and attests what the registry serves for this run; a dry run signs nothing. */
async function signStep(
  session: SigningSession,
  registry: SignatureRegistry,
  config: Config,
  run: RunResult
): Promise<void> {
  if (config.dryRun) {
    run.skipped.push("Signing: 'dry-run' is true (nothing signed)")
    return
  }
  const { signAll } = await import('./signing/step.js')
  await core.group('Sign and attest', () =>
    signAll(session, registry, run.charts, config.ifExists)
  )
}

/** The charts the `chart` input names, read and validated. */
function readCharts(config: Config): LoadedChart[] {
  const charts = findCharts(config.chartPatterns, config.workspace)
  // relay: a folder name in the workspace may read as a workflow command.
  for (const chart of charts)
    relay(`${chart.file}: ${chart.name} ${chart.version}`)
  return charts
}

/**
 * The charts this run releases (all of them, or those the tag names), each
 * with its release record. Refuses, before anything is installed or sent, a
 * tag that releases none and a dependency Helm cannot reach.
 */
function selectReleases(
  config: Config,
  charts: LoadedChart[]
): { releases: ChartRelease[]; notes: string[] } {
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

async function install(
  services: Services,
  config: Config
): Promise<InstalledHelm> {
  const installed = await services.installHelm(config)
  checkHelmCanReach(config, installed)
  return installed
}

async function logIn(helm: MainHelm, config: Config): Promise<Note> {
  if (!config.password) {
    core.info('No password given: pushing anonymously.')
    return 'Registry login: no password given'
  }
  await helm.login(
    config.registry,
    config.username,
    config.password,
    connection(config)
  )
  core.info(`Logged in to ${config.registry} as ${config.username}.`)
  return undefined
}

function skippedAsPublished(published: Set<ChartRelease>): string[] {
  return [...published].map(
    r => `${r.name} ${r.version}: already published, 'if-exists: skip'`
  )
}

function publishOptions(config: Config): PublishOptions {
  return {
    registry: config.registry,
    connection: connection(config),
    lint: config.lint,
    dryRun: config.dryRun,
    appVersion: config.appVersion
  }
}

/**
 * One GitOps pull request per chart pushed by this run, or for the chart a tag
 * named when it was already published ('if-exists: skip').
 */
async function gitopsSteps(
  services: Services,
  config: Config,
  run: RunResult,
  renderer?: Renderer
): Promise<void> {
  const gitops = config.gitops
  if (!gitops) return
  const eligible = run.charts.filter(
    c => c.pushed || run.dryRun || run.charts.length === 1
  )
  const { RegistryChartPackages } =
    await import('./gitops/lock/registry-packages.js')
  const { connectGitops } = await import('./gitops/step.js')
  const client = registryClient(config)
  const packages = new RegistryChartPackages(client)
  for (const release of eligible) {
    const preview =
      renderer && (await previewServices(renderer, release, packages))
    release.gitops = await core.group(
      `Pull request for ${release.name} in ${gitops.owner}/${gitops.repo}`,
      () =>
        services.gitops(gitops, release, config.dryRun, async gitopsConfig => ({
          ...(await connectGitops(gitopsConfig, packages)),
          preview:
            preview && previewPullRequest({ ...preview, registry: client })
        }))
    )
  }
}

/**
 * The pull request's preview, handed to the GitOps step: the GitOps tools
 * build the places from the bumped pins, render/ renders them and reads the
 * changelog. Both are loaded when a preview first runs.
 */
function previewPullRequest(services: PreviewServices): PreviewPullRequest {
  return async request => {
    const [{ previewRelease }, { placeChanges }] = await Promise.all([
      import('./render/preview.js'),
      import('./gitops/tools/index.js')
    ])
    return previewRelease(services, {
      places: () => placeChanges(request.changes, request),
      cloneDir: request.cloneDir,
      repositoryPath: request.repositoryPath,
      fromVersions: request.changes.map(change => change.from),
      version: request.version,
      kubeVersion: request.kubeVersion,
      apiVersions: request.apiVersions
    })
  }
}

/** The GitOps preview's Helm (made when a preview first needs it), and the sandbox. */
interface Renderer {
  helm: () => Promise<HelmTemplate>
  helmVersion: string
  /** The sandbox: pulled packages go there and leave with it. */
  dir: string
}

/**
 * What the preview renders with: the packages pulled once per version, the
 * one just built already there (a dry run pushed nothing to pull).
 */
async function previewServices(
  renderer: Renderer,
  release: ChartRelease,
  packages: RegistryChartPackages
): Promise<Omit<PreviewServices, 'registry'>> {
  const { PulledChartPackages } = await import('./render/packages.js')
  const pulled = new PulledChartPackages(
    (ref, reference) => packages.fetchPackage(ref, reference),
    path.join(renderer.dir, 'render-packages')
  )
  if (release.packagePath)
    pulled.seed(release.ref, release.version, release.packagePath)
  return {
    helm: await renderer.helm(),
    helmVersion: renderer.helmVersion,
    packages: pulled
  }
}
