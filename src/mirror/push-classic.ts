// A package from a classic (https://) chart repository, into the destination
// as Helm pushes it: a classic repository serves a .tgz, not a manifest, so
// there is no digest to keep, and the push is the main action's own (helm
// push, then the tag read back). Never over a tag that is already there: the
// same package (its chart layer is the .tgz's sha256) is skipped, another is
// refused.
import type { LoadedChart } from '../chart/load.js'
import { fileSha256Hex } from '../digest.js'
import { UserError } from '../errors.js'
import type { Connection } from '../helm/cli.js'
import type { InstalledHelm } from '../helm/installer.js'
import type { RegistryReader } from '../publish/lookup.js'
import { pushPackage, type HelmPusher } from '../publish/push.js'
import type { ChartRelease } from '../publish/result.js'
import { chartLayerDigest } from '../registry/oci-manifest.js'
import { chartRef, isLoopbackRegistry, ociTag } from '../registry/reference.js'
import type { MirrorOutcome, MirrorSource } from './types.js'

export type ClassicSource = Extract<MirrorSource, { kind: 'http' }>

/** Where classic packages go, and how Helm reaches it. */
export interface ClassicDestination {
  registry: string
  repository: string
  connection: Connection
}

/** The outside systems: the destination's reader, and Helm when a push is due. */
export interface ClassicServices {
  registry: RegistryReader
  /** Installs Helm and logs in on first use: a run that pushes nothing needs neither. */
  helm(): Promise<HelmPusher>
  say(line: string): void
}

/**
 * Mirrors one downloaded package: skipped when the destination tag holds it,
 * refused when the tag holds another package, pushed otherwise (or, in a dry
 * run, reported as would-copy). `sourceDigest` is the package's sha256.
 */
export async function mirrorClassicPackage(
  source: ClassicSource,
  chart: { version: string; url: string },
  packagePath: string,
  destination: ClassicDestination,
  services: ClassicServices,
  dryRun: boolean
): Promise<MirrorOutcome> {
  const release = classicRelease(source, chart.version, destination)
  const packageDigest = `sha256:${await fileSha256Hex(packagePath)}`
  const outcome: MirrorOutcome = {
    chart: source.name,
    version: chart.version,
    source: chart.url,
    destination: `${release.ref}:${release.tag}`,
    result: 'would-copy',
    sourceDigest: packageDigest,
    signatures: 0,
    referrers: 0
  }
  const there = await services.registry.getManifest(
    release.repositoryPath,
    release.tag
  )
  if (there) {
    const layer = chartLayerDigest(there.body)
    outcome.destinationDigest = there.digest
    if (layer === packageDigest) {
      services.say(
        `${outcome.destination} already holds this package (${there.digest}): skipped.`
      )
      return { ...outcome, result: 'skipped', reason: 'already mirrored' }
    }
    return {
      ...outcome,
      result: 'refused',
      reason:
        `the destination tag holds another package (chart layer ${layer ?? 'none: not a Helm chart'}, ` +
        `the source's package is ${packageDigest}): the upstream version changed, or something else was pushed there. ` +
        'Nothing was overwritten; delete the destination tag to take the new package, or keep it and drop the line.'
    }
  }
  if (dryRun) {
    services.say(`Dry run: would push ${chart.url} to ${outcome.destination}.`)
    return outcome
  }
  const helm = await services.helm()
  const digest = await pushPackage(
    helm,
    services.registry,
    release,
    packagePath,
    destination.connection,
    undefined,
    services.say
  )
  return { ...outcome, result: 'copied', destinationDigest: digest }
}

/**
 * The release record pushPackage reads: only its target (where the tag is)
 * matters; the chart fields describe the package, which has no folder here.
 */
function classicRelease(
  source: ClassicSource,
  version: string,
  destination: ClassicDestination
): ChartRelease {
  const chart: LoadedChart = {
    file: source.url,
    name: source.name,
    version,
    dependencies: [],
    versionLine: 0,
    dir: '',
    hasLock: false
  }
  return {
    ...chart,
    registry: destination.registry,
    repository: destination.repository,
    repositoryPath: `${destination.repository}/${source.name}`,
    tag: ociTag(version),
    ref: chartRef(destination.registry, destination.repository, source.name),
    digest: '',
    pushed: false,
    packagePath: ''
  }
}

/**
 * publish/target.ts's check, for the mirror's destination: Helm 3 talks plain
 * HTTP to a loopback registry whatever it is told, so its push to TLS there
 * fails half-way. Refused before the first push.
 */
export function checkHelmCanReach(
  destination: { registry: string; plainHttp: boolean },
  installed: InstalledHelm
): void {
  if (
    installed.major !== 3 ||
    destination.plainHttp ||
    !isLoopbackRegistry(destination.registry)
  )
    return
  throw new UserError(
    `Helm ${installed.version} always talks plain HTTP to a registry on the loopback address ${destination.registry}, ` +
      "so it cannot push there over TLS: use 'helm-version: 4', or set 'plain-http: true' if the registry speaks HTTP."
  )
}
