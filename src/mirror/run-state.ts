// What one mirror run shares between the versions it copies, side by side:
// the outside systems (tests pass fakes), one registry client per source
// host, the sandbox (made for the first classic package) and Helm
// (installed, and logged in, for the first push, once for all pushes).
import { Helm } from '../helm/cli.js'
import { installHelm, type InstalledHelm } from '../helm/installer.js'
import type { MirrorConfig } from '../inputs/mirror.js'
import { childEnv } from '../process-env.js'
import { logIn, type HelmLogin } from '../publish/login.js'
import type { HelmPusher } from '../publish/push.js'
import { checkHelmCanReach, registryOptions } from '../publish/target.js'
import { RegistryWriter } from '../registry/writer.js'
import { createSandbox, removeSandbox, type Sandbox } from '../sandbox.js'
import { saveSandboxDir } from '../state.js'
import type { ClassicOptions } from './classic.js'

/** Helm as the mirror uses it: log in, push a classic package. */
export interface MirrorHelm extends HelmPusher, HelmLogin {
  /** The same Helm, its output collected into `transcript`, not streamed. */
  withTranscript(transcript: string[]): HelmPusher
}

/** The outside systems the mirror talks to; tests pass fakes. */
export interface MirrorServices {
  /** A client of one source registry (host[:port]). */
  source(host: string, config: MirrorConfig): RegistryWriter
  destination(config: MirrorConfig): RegistryWriter
  installHelm(config: MirrorConfig): Promise<InstalledHelm>
  helm(installed: InstalledHelm, env: Record<string, string>): MirrorHelm
}

/** The real outside systems. */
export const realServices: MirrorServices = {
  source: (host, config) =>
    new RegistryWriter({
      registry: host,
      username: config.source.username,
      password: config.source.password,
      plainHttp: config.source.plainHttp,
      insecureSkipTlsVerify: false
    }),
  destination: config => new RegistryWriter(registryOptions(config)),
  installHelm: config =>
    installHelm({
      versionSpec: config.helmVersion,
      downloadBaseUrl: config.helmDownloadUrl
    }),
  helm: (installed, env) =>
    new Helm(installed.path, installed.major, childEnv(env))
}

/**
 * The run's shared state: one client per source host, the sandbox (made for
 * the first classic package) and Helm (installed, and logged in, for the
 * first push).
 */
export class MirrorRun {
  private readonly clients = new Map<string, RegistryWriter>()
  private made?: Sandbox
  private helmReady?: Promise<MirrorHelm>

  constructor(
    readonly config: MirrorConfig,
    private readonly services: MirrorServices
  ) {}

  sourceClient(host: string): RegistryWriter {
    let client = this.clients.get(host)
    if (!client) {
      client = this.services.source(host, this.config)
      this.clients.set(host, client)
    }
    return client
  }

  /** The classic repositories' credentials (none: anonymous). */
  sourceAuth(): ClassicOptions {
    const { username, password } = this.config.source
    return password ? { username, password } : {}
  }

  /** Packages and Helm's home, under RUNNER_TEMP; the post step removes it too. */
  sandbox(): Sandbox {
    if (!this.made) {
      this.made = createSandbox()
      saveSandboxDir(this.made.root)
    }
    return this.made
  }

  /**
   * Helm for one version's push, its output collected into that version's
   * `log`; installed and logged in for the first (which says so in its log).
   */
  async helm(log: string[]): Promise<HelmPusher> {
    this.helmReady ??= this.startHelm(log)
    return (await this.helmReady).withTranscript(log)
  }

  private async startHelm(log: string[]): Promise<MirrorHelm> {
    const { config } = this
    const installed = await this.services.installHelm(config)
    log.push(`Helm ${installed.version} (${installed.source}).`)
    checkHelmCanReach(config, installed)
    const helm = this.services.helm(installed, this.sandbox().env)
    await logIn(helm, config)
    return helm
  }

  cleanUp(): void {
    if (this.made) removeSandbox(this.made.root)
  }
}
