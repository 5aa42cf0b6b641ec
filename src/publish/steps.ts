// The steps of a release, each small enough to read at a glance; main.ts runs them in order.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import tls from 'node:tls'
import * as core from '@actions/core'
import type { LoadedChart } from '../chart/load.js'
import { findCharts } from '../chart/find.js'
import { mapLimit } from '../concurrency.js'
import {
  credentialHint,
  dependencyAccess,
  type DependencyAccess
} from './dependency-access.js'
import { selectCharts } from '../chart/select.js'
import { errorMessage, UserError } from '../errors.js'
import { Helm, type Connection } from '../helm/cli.js'
import type { Config } from '../inputs.js'
import { installHelm, type InstalledHelm } from '../helm/installer.js'
import {
  chartLayerDigest,
  isImmutableTagError,
  isTransientPushError
} from '../registry/oci-manifest.js'
import {
  chartRef,
  isLoopbackRegistry,
  ociTag,
  pushTarget
} from '../registry/reference.js'
import { RegistryClient } from '../registry/client.js'
import { relay } from '../relay.js'
import { createPackageDir } from '../sandbox.js'

/** Where the chart goes: `oci://registry/repository/name:tag`, and its parts. */
export interface Target {
  /** `repository/name`: the chart's repository path in the registry. */
  repositoryPath: string
  tag: string
  /** `oci://registry/repository/name` */
  ref: string
}

export function targetOf(config: Config, chart: LoadedChart): Target {
  return {
    repositoryPath: `${config.repository}/${chart.name}`,
    tag: ociTag(chart.version),
    ref: chartRef(config.registry, config.repository, chart.name)
  }
}

/** The charts the `chart` input names, read and validated. */
export function readCharts(config: Config): LoadedChart[] {
  const charts = findCharts(config.chartPatterns, config.workspace)
  // relay: a folder name in the workspace may read as a workflow command.
  for (const chart of charts)
    relay(`${chart.file}: ${chart.name} ${chart.version}`)
  return charts
}

/** The charts this run releases: all of them, or those the tag names. */
export function selectReleases(
  config: Config,
  charts: LoadedChart[],
  skipped: string[]
): LoadedChart[] {
  if (!config.checkTag) {
    core.info("Skipped: 'check-tag' is false.")
    skipped.push("Tag check: 'check-tag' is false")
  }
  const selected = selectCharts(charts, {
    checkTag: config.checkTag,
    tag: config.tag,
    githubRef: config.githubRef,
    pattern: config.tagPattern
  })
  if (config.checkTag) {
    core.info(
      `Tag '${config.tag}' releases ${selected.map(c => `${c.name} ${c.version}`).join(', ')}.`
    )
  }
  // Before anything is installed or sent: a dependency Helm cannot reach.
  const target = { registry: config.registry, connection: connection(config) }
  for (const chart of selected) accessFor(target, chart)
  return selected
}

export async function install(config: Config): Promise<InstalledHelm> {
  const installed = await installHelm({
    versionSpec: config.helmVersion,
    downloadBaseUrl: config.helmDownloadUrl
  })
  checkHelmCanReach(config, installed)
  return installed
}

/**
 * Helm 3's registry client talks plain HTTP to loopback hosts whatever TLS
 * flags it gets (containerd's localhost rule), so its push to a TLS registry on
 * localhost fails half-way with "400 Bad Request". Refuse before anything is sent.
 */
export function checkHelmCanReach(config: Config, helm: InstalledHelm): void {
  if (
    helm.major !== 3 ||
    config.plainHttp ||
    !isLoopbackRegistry(config.registry)
  )
    return
  throw new UserError(
    `Helm ${helm.version} always talks plain HTTP to a registry on the loopback address ${config.registry}, ` +
      "so it cannot push there over TLS: use 'helm-version: 4', or set 'plain-http: true' if the registry speaks HTTP."
  )
}

export function connection(config: Config): Connection {
  return {
    plainHttp: config.plainHttp,
    caFile: config.caFile,
    insecureSkipTlsVerify: config.insecureSkipTlsVerify
  }
}

export function registryClient(config: Config): RegistryClient {
  return new RegistryClient({
    registry: config.registry,
    username: config.password ? config.username : undefined,
    password: config.password || undefined,
    ...connection(config)
  })
}

/**
 * Looks the version up in the registry. Absent: undefined. Present: with
 * `if-exists: fail` an error naming the digest (annotated on `version:`), with
 * `skip` the existing digest. Any doubt fails closed inside the client.
 */
export async function findPublished(
  client: RegistryClient,
  config: Config,
  chart: LoadedChart,
  target: Target
): Promise<string | undefined> {
  const existing = await client.manifestDigest(
    target.repositoryPath,
    target.tag
  )
  if (!existing) {
    core.info(`${target.ref}:${target.tag} is not published yet.`)
    return undefined
  }
  if (config.ifExists === 'skip') {
    core.notice(
      `${target.ref}:${target.tag} is already published (${existing}); 'if-exists: skip': nothing pushed.`
    )
    return existing
  }
  throw new UserError(
    `${target.ref}:${target.tag} is already published (digest ${existing}). ` +
      `Published versions are never overwritten: bump 'version' in ${chart.file} and tag again, ` +
      "or set 'if-exists: skip' to succeed without pushing.",
    { file: chart.file, line: chart.versionLine }
  )
}

/**
 * Looks every chart up before anything is pushed. With `if-exists: fail`,
 * any published one stops the run (all of them named); with `skip`, their
 * digests come back and they are left out.
 */
export async function lookUpAll(
  client: RegistryClient,
  config: Config,
  charts: LoadedChart[]
): Promise<Map<LoadedChart, string>> {
  const found = new Map<LoadedChart, string>()
  const errors: UserError[] = []
  const lookups = await mapLimit(charts, LOOKUP_CONCURRENCY, async chart =>
    findPublished(client, config, chart, targetOf(config, chart)).catch(
      (error: unknown) => {
        if (!(error instanceof UserError) || charts.length === 1) throw error
        errors.push(error)
        return undefined
      }
    )
  )
  if (errors.length) {
    throw new UserError(errors.map(e => e.message).join('\n'), {
      file: errors[0].file,
      line: errors[0].line
    })
  }
  charts.forEach((chart, i) => {
    const digest = lookups[i]
    if (digest) found.set(chart, digest)
  })
  return found
}

const LOOKUP_CONCURRENCY = 4

export async function login(
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

/** The release registry and how to reach it: what dependencies are pulled with. */
export interface RegistryAccess {
  registry: string
  connection: Connection
}

export async function buildDependencies(
  helm: Helm,
  target: RegistryAccess,
  chart: LoadedChart,
  skipped: string[]
): Promise<void> {
  if (chart.dependencies.length === 0) {
    core.info('The chart declares no dependencies.')
    skipped.push('Dependencies: none declared')
    return
  }
  const urls = [
    ...new Set(
      chart.dependencies
        .map(d => d.repository ?? '')
        .filter(url => /^https?:\/\//i.test(url))
    )
  ]
  for (const [index, url] of urls.entries()) {
    await helm.addRepository(`${chart.name}-dependency-${index + 1}`, url)
  }
  const access = accessFor(target, chart)
  const flags = access.caWithPublicRoots
    ? ['--ca-file', caBundleWithPublicRoots(access.flags[1])]
    : access.flags
  await helm.buildDependencies(chart.dir, chart.hasLock, flags, output =>
    credentialHint(output, access, target.registry)
  )
}

/** How Helm reaches the chart's OCI dependencies; refuses what it cannot do. */
export function accessFor(
  target: RegistryAccess,
  chart: LoadedChart
): DependencyAccess {
  return dependencyAccess(
    chart.file,
    chart.dependencies,
    target.registry,
    target.connection
  )
}

/**
 * `ca-file` plus the public roots Node trusts, for a `helm dependency` run
 * that also pulls from public sources: Helm's `--ca-file` replaces its trust
 * store. Written next to the packages (a CA bundle holds nothing secret).
 */
function caBundleWithPublicRoots(caFile: string): string {
  const bundle = path.join(createPackageDir(), 'ca-bundle.pem')
  const roots = tls.rootCertificates.join('\n')
  fs.writeFileSync(
    bundle,
    `${fs.readFileSync(caFile, 'utf8').trim()}\n${roots}\n`
  )
  return bundle
}

export async function lint(
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

/** Tries of `helm push`: Helm 3 does not retry a failed upload by itself. */
const PUSH_ATTEMPTS = 3
const PUSH_RETRY_DELAY_MS = 2_000

/**
 * Pushes the package (unless dry run) and returns the digest the registry
 * serves for it ('' when not pushed). A transient failure is retried, but
 * only after reading the tag back: if it is there now, it must be this very
 * package (its chart layer is the .tgz's sha256), else another push won a race
 * and nothing is pushed over it.
 */
export async function push(
  helm: Helm,
  client: RegistryClient,
  config: Config,
  target: Target,
  packagePath: string,
  skipped: string[]
): Promise<string> {
  if (config.dryRun) {
    core.info(
      `Dry run: would push ${packagePath} as ${target.ref}:${target.tag}.`
    )
    skipped.push("Push: 'dry-run' is true")
    return ''
  }
  const packageDigest = fileDigest(packagePath)
  for (let attempt = 1; ; attempt++) {
    try {
      const pushed = await helm.push(
        packagePath,
        pushTarget(config.registry, config.repository),
        connection(config)
      )
      core.info(`Pushed ${pushed.pushedRef} (${pushed.digest}).`)
      return await verifyPushed(client, target, pushed.digest, packageDigest)
    } catch (error) {
      const message = errorMessage(error)
      if (isImmutableTagError(message)) throw immutableError(target, error)
      if (attempt >= PUSH_ATTEMPTS || !isTransientPushError(message))
        throw error
      core.warning(
        `helm push failed (${message}); trying again (${attempt + 1} of ${PUSH_ATTEMPTS}).`
      )
      await sleep(PUSH_RETRY_DELAY_MS * attempt)
      const landed = await servedPackage(client, target, packageDigest)
      if (landed) return landed
    }
  }
}

/** sha256 of a file, as an OCI digest. */
function fileDigest(file: string): string {
  return `sha256:${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/**
 * After a failed push: the served digest when the tag now holds this package,
 * undefined when the tag is still absent; an error when it holds another chart.
 */
async function servedPackage(
  client: RegistryClient,
  target: Target,
  packageDigest: string
): Promise<string | undefined> {
  const manifest = await client.getManifest(target.repositoryPath, target.tag)
  if (!manifest) return undefined
  if (chartLayerDigest(manifest.body) === packageDigest) {
    core.info(
      `The failed push had landed: ${target.ref}:${target.tag} holds this package.`
    )
    return manifest.digest
  }
  throw raceError(target, manifest.digest)
}

/** The registry will not overwrite the tag, whatever the action does. */
function immutableError(target: Target, error: unknown): UserError {
  return new UserError(
    `The registry refused to overwrite ${target.ref}:${target.tag}: the tag is immutable in the registry ` +
      `(${errorMessage(error)}). Nothing was replaced, and a published version cannot be: ` +
      "bump 'version' in Chart.yaml and release again.",
    { cause: error }
  )
}

function raceError(target: Target, served: string): UserError {
  return new UserError(
    `${target.ref}:${target.tag} appeared in the registry during this release with other content (${served}): ` +
      'another job published this version at the same time, and nothing was pushed over it. ' +
      "Serialize releases with a workflow 'concurrency:' group and turn on tag immutability in the registry."
  )
}

/**
 * Reads the pushed manifest back: the `digest` output is what the registry
 * serves, and the chart it holds is this package, not just what Helm said.
 */
export async function verifyPushed(
  client: RegistryClient,
  target: Target,
  helmDigest: string,
  packageDigest: string
): Promise<string> {
  const manifest = await client.getManifest(target.repositoryPath, target.tag)
  if (!manifest || chartLayerDigest(manifest.body) !== packageDigest) {
    throw raceError(target, manifest?.digest ?? '(nothing)')
  }
  if (manifest.digest !== helmDigest) {
    core.warning(
      `Helm reported ${helmDigest}, but the registry serves ${target.ref}:${target.tag} as ${manifest.digest} (with this package): the output is the served digest.`
    )
  }
  core.info(
    `The registry serves ${target.ref}:${target.tag} as ${manifest.digest}.`
  )
  return manifest.digest
}
