// The GitOps wiring of a release: one pull request per chart, with the
// preview's Helm, packages and registry handed to the GitOps step. Kept apart
// from the list of steps, so that the GitOps step's and the preview's
// interfaces meet the release here and nowhere else.
import path from 'node:path'
import * as core from '@actions/core'
import type { HelmVersionSpec } from '../helm/download-site.js'
import type { InstalledHelm } from '../helm/installer.js'
import { errorMessage } from '../errors.js'
import { RENDER_HELM_VERSION } from '../inputs/gitops.js'
import type { Config } from '../inputs/release.js'
import type { ChartRelease } from '../record/chart-release.js'
import type { RunRecord, RunResult } from '../record/run.js'
import type { RegistryChartPackages } from '../registry/chart-packages.js'
import type { PreviewPullRequest } from '../gitops/preview.js'
import type { PreviewServices } from '../render/preview.js'
import type { HelmTemplate } from '../render/render.js'
import type { ReleaseReads, Services } from './services.js'

/**
 * One GitOps pull request per chart pushed by this run, or for the chart a tag
 * named when it was already published ('if-exists: skip').
 */
export async function gitopsSteps(
  services: Services,
  config: Config,
  run: RunResult,
  record: RunRecord,
  client: ReleaseReads,
  renderer?: Renderer
): Promise<void> {
  const gitops = config.gitops
  if (!gitops) return
  const eligible = run.charts.filter(
    c => c.pushed || run.dryRun || run.charts.length === 1
  )
  const { RegistryChartPackages } =
    await import('../registry/chart-packages.js')
  const { connectGitops } = await import('../gitops/step.js')
  const packages = new RegistryChartPackages(client)
  for (const release of eligible) {
    const preview =
      renderer && (() => previewServices(renderer, release, packages))
    const pullRequest = await core.group(
      `Pull request for ${release.name} in ${gitops.owner}/${gitops.repo}`,
      () =>
        services.gitops(gitops, release, config.dryRun, async gitopsConfig => ({
          ...(await connectGitops(gitopsConfig, packages)),
          preview: preview && previewPullRequest(preview, client)
        }))
    )
    record.proposed(release, pullRequest)
  }
}

/**
 * The pull request's preview, handed to the GitOps step: the GitOps tools
 * build the places from the bumped pins, render/ renders them and reads the
 * changelog. Both are loaded when a preview first runs, and its Helm made
 * (installed, for `gitops-render-helm-version`): a Helm that cannot be had
 * is the preview's failure, said in the pull request, not the release's.
 */
function previewPullRequest(
  rendering: () => Promise<Omit<PreviewServices, 'registry'>>,
  registry: ReleaseReads
): PreviewPullRequest {
  return async request => {
    const [{ previewFailure, previewRelease }, { placeChanges }] =
      await Promise.all([
        import('../render/preview.js'),
        import('../gitops/tools/index.js')
      ])
    let services: PreviewServices
    try {
      services = { ...(await rendering()), registry }
    } catch (error) {
      return previewFailure(error)
    }
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
export interface Renderer {
  helm: () => Promise<RenderHelm>
  /** The sandbox: pulled packages go there and leave with it. */
  dir: string
}

/** The Helm that renders the previews, and its version (said in the pull request). */
export interface RenderHelm {
  helm: HelmTemplate
  version: string
  /** Whether `gitops-render-helm-version` named it. */
  chosen: boolean
}

/**
 * The preview's renderer: its Helm (`gitops-render-helm-version`'s, else the
 * action's) installed and probed once per run, when a preview first needs it.
 */
export function previewRenderer(
  services: Services,
  config: Config,
  installed: InstalledHelm,
  dir: string
): Renderer {
  let renderHelm: Promise<RenderHelm> | undefined
  return {
    helm: () => (renderHelm ??= makeRenderHelm(services, config, installed)),
    dir
  }
}

async function makeRenderHelm(
  services: Services,
  config: Config,
  installed: InstalledHelm
): Promise<RenderHelm> {
  const spec = config.gitops?.renderHelmVersion
  const chosen =
    spec && !isInstalled(spec, installed)
      ? await installRenderHelm(services, config, spec)
      : installed
  return {
    helm: await services.renderHelm(chosen),
    version: chosen.version,
    chosen: spec !== undefined
  }
}

/** That Helm, or an error naming the input (the preview says it). */
async function installRenderHelm(
  services: Services,
  config: Config,
  spec: HelmVersionSpec
): Promise<InstalledHelm> {
  try {
    return await services.installRenderHelm(spec, config)
  } catch (error) {
    const asked =
      spec.kind === 'exact'
        ? spec.version
        : spec.kind === 'channel'
          ? spec.channel
          : 'system'
    throw new Error(
      `could not install the Helm of ${RENDER_HELM_VERSION} (${asked}): ${errorMessage(error)}`,
      { cause: error }
    )
  }
}

/** Whether `spec` asks for the Helm already installed: not installed twice. */
function isInstalled(spec: HelmVersionSpec, installed: InstalledHelm): boolean {
  return spec.kind === 'exact' && spec.version === installed.version
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
  const { PulledChartPackages } = await import('../render/packages.js')
  const pulled = new PulledChartPackages(
    (ref, reference) => packages.fetchPackage(ref, reference),
    path.join(renderer.dir, 'render-packages')
  )
  if (release.packagePath)
    pulled.seed(release.ref, release.version, release.packagePath)
  const { helm, version, chosen } = await renderer.helm()
  return { helm, helmVersion: version, helmChosen: chosen, packages: pulled }
}
