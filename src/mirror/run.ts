// The mirror's list of steps, one log group each: find the versions every
// line asks for, then copy them one by one. Every line is resolved before
// anything is copied, so a line that names nothing (a missing chart, a range
// no version matches) stops the run with the destination untouched. A
// refusal while copying (a tag that moved upstream) does not stop the others:
// the run copies what it can, then fails naming each refusal. Outputs and
// summary are set once, at the end, failure or not.
import path from 'node:path'
import * as core from '@actions/core'
import { errorMessage, UserError } from '../errors.js'
import { Helm, type Connection } from '../helm/cli.js'
import { installHelm, type InstalledHelm } from '../helm/installer.js'
import { childEnv } from '../process-env.js'
import type { HelmPusher } from '../publish/push.js'
import { RegistryClient } from '../registry/client.js'
import { chartRef, ociTag } from '../registry/reference.js'
import { RegistryWriter } from '../registry/writer.js'
import { createSandbox, removeSandbox, type Sandbox } from '../sandbox.js'
import { saveSandboxDir } from '../state.js'
import {
  classicVersions,
  downloadClassic,
  type ClassicChart
} from './classic.js'
import { destinationConnection, type MirrorConfig } from './inputs.js'
import { mirrorOciVersion } from './oci-copy.js'
import { setMirrorOutputs } from './outputs.js'
import { checkHelmCanReach, mirrorClassicPackage } from './push-classic.js'
import { refusalLines, writeMirrorSummary } from './summary.js'
import type { Constraint, MirrorOutcome, MirrorSource } from './types.js'
import { pickVersions } from './versions.js'

/** Helm as the mirror uses it: log in, push a classic package. */
export interface MirrorHelm extends HelmPusher {
  login(
    host: string,
    username: string,
    password: string,
    connection: Connection
  ): Promise<void>
}

/** The outside systems the mirror talks to; tests pass fakes. */
export interface MirrorServices {
  /** A client of one source registry (host[:port]). */
  source(host: string, config: MirrorConfig): RegistryClient
  destination(config: MirrorConfig): RegistryWriter
  installHelm(config: MirrorConfig): Promise<InstalledHelm>
  helm(installed: InstalledHelm, env: Record<string, string>): MirrorHelm
}

const realServices: MirrorServices = {
  source: (host, config) =>
    new RegistryClient({
      registry: host,
      username: config.source.username,
      password: config.source.password,
      plainHttp: config.source.plainHttp,
      insecureSkipTlsVerify: false
    }),
  destination: config =>
    new RegistryWriter({
      registry: config.registry,
      username: config.password ? config.username : undefined,
      password: config.password || undefined,
      ...destinationConnection(config)
    }),
  installHelm: config =>
    installHelm({
      versionSpec: config.helmVersion,
      downloadBaseUrl: config.helmDownloadUrl
    }),
  helm: (installed, env) =>
    new Helm(installed.path, installed.major, childEnv(env))
}

/** One chart version to copy, as a line resolved it. */
interface Planned {
  source: MirrorSource
  version: string
  /** The index entry of a classic repository's version. */
  classic?: ClassicChart
}

/** The mirror, once the inputs are read; a refusal is thrown to the entry. */
export async function mirror(
  config: MirrorConfig,
  services: MirrorServices = realServices
): Promise<void> {
  const outcomes: MirrorOutcome[] = []
  const run = new MirrorRun(config, services)
  try {
    const planned = await core.group('Find the versions to copy', () =>
      resolveAll(run, outcomes)
    )
    // Only refusals so far: nothing is copied unless every line resolved.
    if (!outcomes.length) {
      const destination = services.destination(config)
      for (const item of planned)
        outcomes.push(
          await core.group(`Mirror ${item.source.name} ${item.version}`, () =>
            copy(run, destination, item)
          )
        )
    }
  } finally {
    setMirrorOutputs(outcomes)
    await summarize(outcomes, config.dryRun)
    run.cleanUp()
  }
  const refused = refusalLines(outcomes)
  if (refused.length)
    throw new UserError(
      `${refused.length} chart version(s) refused; nothing was overwritten:\n- ${refused.join('\n- ')}`
    )
}

/**
 * The job summary, which must not hide the run's own result: a runner (or a
 * local run) without GITHUB_STEP_SUMMARY gets a warning, not a failure.
 */
async function summarize(
  outcomes: MirrorOutcome[],
  dryRun: boolean
): Promise<void> {
  try {
    await writeMirrorSummary(outcomes, dryRun)
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/** Every line's versions; a line that names none adds a refused outcome. */
async function resolveAll(
  run: MirrorRun,
  refusals: MirrorOutcome[]
): Promise<Planned[]> {
  const planned: Planned[] = []
  const seen = new Map<string, MirrorSource>()
  for (const source of run.config.sources) {
    let versions: Planned[]
    try {
      versions = await resolve(run, source)
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      refusals.push(lineRefusal(run.config, source, error.message))
      continue
    }
    core.info(
      `Line ${source.line} (${source.text}): ${versions.map(v => v.version).join(', ')}`
    )
    for (const item of versions) {
      // Two lines may overlap (same chart, two ranges): copy once. Two
      // sources of one name and version would fight over one tag: refuse.
      const key = `${item.source.name}@${ociTag(item.version)}`
      const earlier = seen.get(key)
      if (!earlier) {
        seen.set(key, source)
        planned.push(item)
      } else if (sourceId(earlier) !== sourceId(source)) {
        refusals.push(
          lineRefusal(
            run.config,
            source,
            `${item.source.name} ${item.version} also comes from line ${earlier.line} (${earlier.text}): one destination tag cannot hold both; drop one line.`
          )
        )
      }
    }
  }
  return planned
}

/** The versions one line asks for, ascending; a UserError when there are none. */
async function resolve(
  run: MirrorRun,
  source: MirrorSource
): Promise<Planned[]> {
  if (source.kind === 'oci') {
    const tags = await run
      .sourceClient(source.registry)
      .listTags(source.repository)
    if (!tags.length)
      throw new UserError(
        `oci://${source.registry}/${source.repository} does not exist (or has no tags, or the source credentials cannot read it).`
      )
    // Helm writes `+` as `_` in tags: the tag 1.2.3_build.1 is version 1.2.3+build.1.
    const picked = pickVersions(
      tags.map(tag => tag.replaceAll('_', '+')),
      source.constraint
    )
    if (!picked.length) throw noMatch(source, tags.length)
    return picked.map(version => ({ source, version }))
  }
  const charts = await classicVersions(source, run.sourceAuth())
  if (!charts.length)
    throw new UserError(
      `the index of ${source.url} has no chart '${source.name}'.`
    )
  const picked = pickVersions(
    charts.map(c => c.version),
    source.constraint
  )
  if (!picked.length) throw noMatch(source, charts.length)
  return picked.map(version => ({
    source,
    version,
    classic: charts.find(c => c.version === version)
  }))
}

function noMatch(source: MirrorSource, available: number): UserError {
  return new UserError(
    `no version of ${source.name} matches '${constraintText(source.constraint)}' (${available} published).`
  )
}

/** One chart version: an OCI copy, or a classic package pushed with Helm. */
async function copy(
  run: MirrorRun,
  destination: RegistryWriter,
  item: Planned
): Promise<MirrorOutcome> {
  const { config } = run
  try {
    if (item.source.kind === 'oci') {
      return await mirrorOciVersion(
        item.source,
        item.version,
        { source: run.sourceClient(item.source.registry), destination },
        { registry: config.registry, repository: config.repository },
        config.dryRun
      )
    }
    if (!item.classic)
      throw new UserError(`the index has no entry for ${item.version}.`)
    const packagePath = await downloadClassic(
      item.classic,
      path.join(run.sandbox().root, 'packages'),
      run.sourceAuth()
    )
    return await mirrorClassicPackage(
      item.source,
      item.classic,
      packagePath,
      {
        registry: config.registry,
        repository: config.repository,
        connection: destinationConnection(config)
      },
      { registry: destination, helm: () => run.helm(), say: core.info },
      config.dryRun
    )
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return {
      ...lineRefusal(config, item.source, error.message),
      version: item.version,
      source: sourceRef(item),
      destination: `${chartRef(config.registry, config.repository, item.source.name)}:${ociTag(item.version)}`
    }
  }
}

/**
 * The run's shared state: one client per source host, the sandbox (made for
 * the first classic package) and Helm (installed, and logged in, for the
 * first push).
 */
class MirrorRun {
  private readonly clients = new Map<string, RegistryClient>()
  private made?: Sandbox
  private helmReady?: Promise<MirrorHelm>

  constructor(
    readonly config: MirrorConfig,
    private readonly services: MirrorServices
  ) {}

  sourceClient(host: string): RegistryClient {
    let client = this.clients.get(host)
    if (!client) {
      client = this.services.source(host, this.config)
      this.clients.set(host, client)
    }
    return client
  }

  sourceAuth(): { username: string; password: string } | undefined {
    const { username, password } = this.config.source
    return username && password ? { username, password } : undefined
  }

  /** Packages and Helm's home, under RUNNER_TEMP; the post step removes it too. */
  sandbox(): Sandbox {
    if (!this.made) {
      this.made = createSandbox()
      saveSandboxDir(this.made.root)
    }
    return this.made
  }

  helm(): Promise<MirrorHelm> {
    this.helmReady ??= this.startHelm()
    return this.helmReady
  }

  private async startHelm(): Promise<MirrorHelm> {
    const { config } = this
    const installed = await this.services.installHelm(config)
    core.info(`Helm ${installed.version} (${installed.source}).`)
    checkHelmCanReach(config, installed)
    const helm = this.services.helm(installed, this.sandbox().env)
    if (config.password) {
      await helm.login(
        config.registry,
        config.username,
        config.password,
        destinationConnection(config)
      )
      core.info(`Logged in to ${config.registry} as ${config.username}.`)
    } else core.info('No password given: pushing anonymously.')
    return helm
  }

  cleanUp(): void {
    if (this.made) removeSandbox(this.made.root)
  }
}

/** A refused outcome for a whole line (its versions unknown). */
function lineRefusal(
  config: MirrorConfig,
  source: MirrorSource,
  reason: string
): MirrorOutcome {
  return {
    chart: source.name,
    version: constraintText(source.constraint),
    source: sourceId(source),
    destination: chartRef(config.registry, config.repository, source.name),
    result: 'refused',
    signatures: 0,
    referrers: 0,
    reason: `line ${source.line}: ${reason}`
  }
}

function sourceId(source: MirrorSource): string {
  return source.kind === 'oci'
    ? `oci://${source.registry}/${source.repository}`
    : `${source.url} ${source.name}`
}

function sourceRef(item: Planned): string {
  if (item.classic) return item.classic.url
  return `${sourceId(item.source)}:${ociTag(item.version)}`
}

export function constraintText(constraint: Constraint): string {
  switch (constraint.kind) {
    case 'exact':
      return constraint.version
    case 'range':
      return constraint.range
    case 'latest':
      return 'latest'
  }
}
