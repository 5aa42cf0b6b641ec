// The mirror's list of steps, one log group each: find the versions every
// line asks for, then copy them one by one. Every line is resolved before
// anything is copied, so a line that names nothing (a missing chart, a range
// no version matches) stops the run with the destination untouched. A
// refusal while copying (a tag that moved upstream) does not stop the others:
// the run copies what it can, then fails naming each refusal. Each version's
// group says what became of it; outputs and summary are set once, at the end,
// failure or not (an error that stops the run is in the summary too).
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { errorMessage, UserError } from '../errors.js'
import { Helm } from '../helm/cli.js'
import { installHelm, type InstalledHelm } from '../helm/installer.js'
import { childEnv } from '../process-env.js'
import { relay } from '../relay.js'
import { logIn, type HelmLogin } from '../publish/login.js'
import type { HelmPusher } from '../publish/push.js'
import { chartRef } from '../registry/reference.js'
import { RegistryWriter } from '../registry/writer.js'
import { createSandbox, removeSandbox, type Sandbox } from '../sandbox.js'
import { saveSandboxDir } from '../state.js'
import {
  classicVersions,
  downloadClassic,
  type ClassicOptions,
  type ClassicVersion
} from './classic.js'
import type { MirrorConfig } from '../inputs/mirror.js'
import { mirrorOciVersion, ociVersions } from './oci-copy.js'
import { setMirrorOutputs } from './outputs.js'
import {
  checkHelmCanReach,
  connection,
  registryOptions
} from '../publish/target.js'
import { mirrorClassicPackage, type ClassicLine } from './push-classic.js'
import { resultLine } from './result-line.js'
import { refusalLines, writeMirrorSummary } from './summary.js'
import type { MirrorLine } from '../inputs/mirror-lines.js'
import type { MirrorResult } from './types.js'
import { ociTag, selectVersions } from './versions.js'

/** Helm as the mirror uses it: log in, push a classic package. */
export interface MirrorHelm extends HelmPusher, HelmLogin {}

/** The outside systems the mirror talks to; tests pass fakes. */
export interface MirrorServices {
  /** A client of one source registry (host[:port]). */
  source(host: string, config: MirrorConfig): RegistryWriter
  destination(config: MirrorConfig): RegistryWriter
  installHelm(config: MirrorConfig): Promise<InstalledHelm>
  helm(installed: InstalledHelm, env: Record<string, string>): MirrorHelm
}

const realServices: MirrorServices = {
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

/** One chart version to copy, as a line resolved it. */
interface Planned {
  line: MirrorLine
  version: string
  /** The index entry of a classic repository's version. */
  classic?: ClassicVersion
}

/** The mirror, once the inputs are read; a refusal is thrown to the entry. */
export async function mirror(
  config: MirrorConfig,
  services: MirrorServices = realServices
): Promise<void> {
  const results: MirrorResult[] = []
  const run = new MirrorRun(config, services)
  let stopped: unknown
  try {
    const planned = await core.group('Find the versions to copy', () =>
      resolveAll(run, results)
    )
    // Only refusals so far: nothing is copied unless every line resolved.
    if (!results.length) {
      const destination = services.destination(config)
      for (const item of planned)
        results.push(
          await core.group(`Mirror ${item.line.name} ${item.version}`, () =>
            copyAndSay(run, destination, item)
          )
        )
    }
  } catch (error) {
    stopped = error
    throw error
  } finally {
    setMirrorOutputs(results)
    await summarize(results, config.dryRun, stopped)
    run.cleanUp()
  }
  const refused = refusalLines(results)
  if (refused.length)
    throw new UserError(
      `${refused.length} refusal(s); nothing was overwritten:\n- ${refused.join('\n- ')}`
    )
}

/**
 * The job summary, which must not hide the run's own result: a runner (or a
 * local run) without GITHUB_STEP_SUMMARY gets a warning, not a failure. A
 * run stopped by an error says so, with the error, under what it did.
 */
async function summarize(
  results: MirrorResult[],
  dryRun: boolean,
  stopped: unknown
): Promise<void> {
  try {
    await writeMirrorSummary(
      results,
      dryRun,
      stopped === undefined ? {} : { stopped: errorMessage(stopped) }
    )
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/** One version copied (or not), said on one line of its log group. */
async function copyAndSay(
  run: MirrorRun,
  destination: RegistryWriter,
  item: Planned
): Promise<MirrorResult> {
  const result = await copy(run, destination, item)
  // Reasons and tags come from registries: relayed, never taken as commands.
  relay(resultLine(result))
  return result
}

/** Every line's versions; a line that names none adds a refused result. */
async function resolveAll(
  run: MirrorRun,
  refusals: MirrorResult[]
): Promise<Planned[]> {
  const planned: Planned[] = []
  const seen = new Map<string, MirrorLine>()
  for (const line of run.config.lines) {
    let versions: Planned[]
    try {
      versions = await resolve(run, line)
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      refuseLine(refusals, lineRefusal(run.config, line, error.message))
      continue
    }
    core.info(
      `Line ${line.line} (${line.text}): ${versions.map(v => v.version).join(', ')}`
    )
    for (const item of versions) {
      // Two lines may overlap (same chart, two ranges): copy once. Two
      // sources of one name and version would fight over one tag: refuse.
      const key = `${line.name}@${ociTag(item.version)}`
      const earlier = seen.get(key)
      if (!earlier) {
        seen.set(key, line)
        planned.push(item)
      } else if (sourceId(earlier) !== sourceId(line)) {
        refuseLine(
          refusals,
          lineRefusal(
            run.config,
            line,
            `${lineName(line)}: ${line.name} ${item.version} also comes from line ${earlier.line} (${earlier.text}): ` +
              'one destination tag cannot hold both; drop one line.'
          )
        )
      }
    }
  }
  return planned
}

/** The versions one line asks for, ascending; a UserError when there are none. */
async function resolve(run: MirrorRun, line: MirrorLine): Promise<Planned[]> {
  const { source } = line
  if (source.kind === 'oci') {
    const versions = await ociVersions(
      run.sourceClient(source.registry),
      source.repository
    )
    // A missing repository lists no tags (404): worded apart from "no match".
    if (!versions.length)
      throw new UserError(
        `${lineName(line)}: oci://${source.registry}/${source.repository} does not exist, has no version tag, ` +
          'or the source credentials cannot read it. Check the address and source-username / source-password.'
      )
    return selectVersions(line, versions).map(version => ({ line, version }))
  }
  const entries = await classicVersions(source.url, line.name, run.sourceAuth())
  if (!entries.length)
    throw new UserError(
      `${lineName(line)}: ${source.url}/index.yaml has no chart '${line.name}'. Check the chart name and the repository URL.`
    )
  return selectVersions(
    line,
    entries.map(e => e.version)
  ).map(version => ({
    line,
    version,
    classic: entries.find(e => e.version === version)
  }))
}

/** One chart version: an OCI copy, or a classic package pushed with Helm. */
async function copy(
  run: MirrorRun,
  destination: RegistryWriter,
  item: Planned
): Promise<MirrorResult> {
  const { config } = run
  const { line } = item
  try {
    if (line.source.kind === 'oci') {
      return await mirrorOciVersion({
        source: {
          registry: run.sourceClient(line.source.registry),
          repository: line.source.repository
        },
        destination: {
          registry: destination,
          repository: `${config.repository}/${line.name}`
        },
        chart: line.name,
        version: item.version,
        dryRun: config.dryRun
      })
    }
    if (!item.classic)
      throw new UserError(`the index has no entry for ${item.version}.`)
    const packages = path.join(run.sandbox().root, 'packages')
    fs.mkdirSync(packages, { recursive: true })
    const packagePath = path.join(packages, `${line.name}-${item.version}.tgz`)
    await downloadClassic(
      line.source.url,
      item.classic,
      packagePath,
      run.sourceAuth()
    )
    return await mirrorClassicPackage(
      line as ClassicLine,
      item.version,
      packagePath,
      {
        registry: config.registry,
        repository: config.repository,
        connection: connection(config)
      },
      { registry: destination, helm: () => run.helm(), say: core.info },
      config.dryRun
    )
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return {
      ...lineRefusal(config, line, error.message),
      version: item.version,
      source:
        line.source.kind === 'oci'
          ? `${sourceId(line)}:${ociTag(item.version)}`
          : `${line.source.url} ${line.name}@${item.version}`,
      destination: `${chartRef(config.registry, config.repository, line.name)}:${ociTag(item.version)}`
    }
  }
}

/**
 * The run's shared state: one client per source host, the sandbox (made for
 * the first classic package) and Helm (installed, and logged in, for the
 * first push).
 */
class MirrorRun {
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
    await logIn(helm, config)
    return helm
  }

  cleanUp(): void {
    if (this.made) removeSandbox(this.made.root)
  }
}

/** Adds a line's refusal to the results, and says it in the log. */
function refuseLine(refusals: MirrorResult[], refusal: MirrorResult): void {
  refusals.push(refusal)
  relay(resultLine(refusal))
}

/** A refused result for a whole line (its versions unknown). */
function lineRefusal(
  config: MirrorConfig,
  line: MirrorLine,
  reason: string
): MirrorResult {
  return {
    chart: line.name,
    version: constraintText(line),
    source: sourceId(line),
    destination: chartRef(config.registry, config.repository, line.name),
    status: 'refused',
    reason,
    related: []
  }
}

/** `Line N of 'charts' (text)`, as spec.ts and versions.ts word it. */
function lineName(line: MirrorLine): string {
  return `Line ${line.line} of 'charts' (${line.text})`
}

function sourceId(line: MirrorLine): string {
  const { source } = line
  return source.kind === 'oci'
    ? `oci://${source.registry}/${source.repository}`
    : `${source.url} ${line.name}`
}

/** A line's constraint as written, where a version would stand. */
function constraintText(line: MirrorLine): string {
  const { constraint } = line
  if (constraint.kind === 'exact') return constraint.version
  return constraint.kind === 'range' ? constraint.range : 'latest'
}
