// The outside systems of a release, and the steps that load their code where
// a run reaches them, each behind the interface its tests fake. The real ones
// are built here, once per run: Helm in the sandbox, the preview's isolated
// Helm, and one client of the destination registry, which the lookup, the
// push, signing, the GitHub release, GitOps' packages and the changelog share
// (with its tokens). Signing, the GitHub release, GitOps and the preview are
// import()ed: most runs use none, and their code (@sigstore/sign,
// @actions/github) is most of dist/.
import type { runGitHubRelease } from '../ghrelease/run.js'
import type { runGitops } from '../gitops/step.js'
import { Helm } from '../helm/cli.js'
import type { HelmVersionSpec } from '../helm/download-site.js'
import { installHelm, type InstalledHelm } from '../helm/installer.js'
import { RENDER_HELM_VERSION } from '../inputs/gitops.js'
import type { Config } from '../inputs/release.js'
import { childEnv } from '../process-env.js'
import type { HelmLogin } from '../publish/login.js'
import type { PublishingHelm } from '../publish/publish.js'
import { registryOptions } from '../publish/target.js'
import { RegistryClient } from '../registry/client.js'
import type { RegistryReads } from '../registry/operations.js'
import type { HelmTemplate } from '../render/render.js'
import type { signAndAttest, startSigning } from '../signing/step.js'
import type { SignatureRegistry } from '../signing/store.js'

/** Helm as main uses it: logging in and publishing. */
export interface MainHelm extends PublishingHelm, HelmLogin {}

/** What the run reads from the destination registry, whichever step reads. */
export type ReleaseReads = Pick<
  RegistryReads,
  'manifestDigest' | 'getManifest' | 'getBlob' | 'getConfig' | 'listTags'
>

/** The destination registry: one client per run, a writer when it signs. */
export interface RunRegistry {
  /** The lookup, the push's read-back, packages and the changelog. */
  reads: ReleaseReads
  /** Signing's and Artifact Hub metadata's writes, through the same client; absent when nothing writes. */
  writes?: SignatureRegistry
}

/** The outside systems main talks to, and the steps loaded on use; tests pass fakes. */
export interface Services {
  installHelm(config: Config): Promise<InstalledHelm>
  /**
   * Called once per run: every step gets this one client; a writer when the
   * run signs or `writes` (Artifact Hub metadata to push).
   */
  registry(config: Config, writes?: boolean): Promise<RunRegistry>
  helm(installed: InstalledHelm, env: Record<string, string>): MainHelm
  /** The Helm of the GitOps preview: run isolated, never in the sandbox. */
  renderHelm(installed: InstalledHelm): Promise<HelmTemplate>
  /** `gitops-render-helm-version`'s Helm, installed as `helm-version`'s is but not put on PATH. */
  installRenderHelm(
    spec: HelmVersionSpec,
    config: Config
  ): Promise<InstalledHelm>
  /** Before the first push: the OIDC token, the identity, the registry's acceptance. */
  startSigning: typeof startSigning
  /** After the push: signatures and provenance. */
  signAndAttest: typeof signAndAttest
  githubRelease: typeof runGitHubRelease
  gitops: typeof runGitops
}

/** The real systems and steps. */
export const realServices: Services = {
  installHelm: config =>
    installHelm({
      versionSpec: config.helmVersion,
      downloadBaseUrl: config.helmDownloadUrl
    }),
  registry: async (config, writes) => {
    const options = registryOptions(config)
    if (!config.signing && !writes)
      return { reads: new RegistryClient(options) }
    const { RegistryWriter } = await import('../registry/writer.js')
    const writer = new RegistryWriter(options)
    return { reads: writer, writes: writer }
  },
  helm: (installed, env) =>
    new Helm(installed.path, installed.major, childEnv(env)),
  installRenderHelm: (spec, config) =>
    installHelm({
      versionSpec: spec,
      downloadBaseUrl: config.helmDownloadUrl,
      addToPath: false,
      input: RENDER_HELM_VERSION
    }),
  renderHelm: async installed =>
    (await import('../helm/template.js')).isolatedHelm(installed),
  startSigning: async (...args) =>
    (await import('../signing/step.js')).startSigning(...args),
  signAndAttest: async (...args) =>
    (await import('../signing/step.js')).signAndAttest(...args),
  githubRelease: async (...args) =>
    (await import('../ghrelease/run.js')).runGitHubRelease(...args),
  gitops: async (...args) =>
    (await import('../gitops/step.js')).runGitops(...args)
}
