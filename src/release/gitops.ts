// The GitOps wiring of a release: one pull request per chart, with the
// preview's Helm, packages and registry handed to the GitOps step. Kept apart
// from the list of steps, so that the GitOps step's and the preview's
// interfaces meet the release here and nowhere else.
import path from 'node:path'
import * as core from '@actions/core'
import type { InstalledHelm } from '../helm/installer.js'
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
      renderer && (await previewServices(renderer, release, packages))
    const pullRequest = await core.group(
      `Pull request for ${release.name} in ${gitops.owner}/${gitops.repo}`,
      () =>
        services.gitops(gitops, release, config.dryRun, async gitopsConfig => ({
          ...(await connectGitops(gitopsConfig, packages)),
          preview:
            preview && previewPullRequest({ ...preview, registry: client })
        }))
    )
    record.proposed(release, pullRequest)
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
      import('../render/preview.js'),
      import('../gitops/tools/index.js')
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
export interface Renderer {
  helm: () => Promise<HelmTemplate>
  helmVersion: string
  /** The sandbox: pulled packages go there and leave with it. */
  dir: string
}

/** The preview's renderer: its Helm probed once per run, when a preview first needs it. */
export function previewRenderer(
  services: Services,
  installed: InstalledHelm,
  dir: string
): Renderer {
  let renderHelm: Promise<HelmTemplate> | undefined
  return {
    helm: () => (renderHelm ??= services.renderHelm(installed)),
    helmVersion: installed.version,
    dir
  }
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
  return {
    helm: await renderer.helm(),
    helmVersion: renderer.helmVersion,
    packages: pulled
  }
}
