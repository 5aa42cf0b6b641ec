// A package from a classic (https://) chart repository, into the destination
// as Helm pushes it: a classic repository serves a .tgz, not a manifest, so
// there is no digest to keep, and the push is the main action's own (helm
// push, then the tag read back). helm push names the tag after the package's
// own Chart.yaml, not the index, so the package must be the chart and version
// its index line says before anything else: else the tag checked would not
// be the tag written. Never over a tag that is already there: the same
// package (its chart layer is the .tgz's sha256) is skipped, another is
// refused.
import { fileSha256Hex } from '../digest.js'
import type { Connection } from '../helm/cli.js'
import type { RegistryReader } from '../publish/lookup.js'
import { pushPackage, type HelmPusher } from '../publish/push.js'
import { chartLayerDigest } from '../registry/oci-manifest.js'
import {
  chartRef,
  chartTarget,
  ociTag,
  type Target
} from '../registry/reference.js'
import { Refused } from './artifact.js'
import { shown } from './chart-identity.js'
import { readPackageIdentity } from './package-chart.js'
import type { ClassicSource, MirrorLine } from '../inputs/mirror-lines.js'
import type { MirrorResult } from './types.js'

/** A line of `charts` that names a classic repository. */
export type ClassicLine = MirrorLine & { source: ClassicSource }

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
 * Mirrors one downloaded package: refused when it is not the chart version
 * its index line names, skipped when the destination tag holds it, refused
 * when the tag holds another package, pushed otherwise (or, in a dry run,
 * reported as would-copy). `digest` is the package's sha256: a
 * classic repository has no manifest, so nothing else names the source.
 */
export async function mirrorClassicPackage(
  line: ClassicLine,
  version: string,
  packagePath: string,
  destination: ClassicDestination,
  services: ClassicServices,
  dryRun: boolean
): Promise<MirrorResult> {
  const target = chartTarget(
    destination.registry,
    destination.repository,
    line.name,
    version
  )
  const packageDigest = `sha256:${await fileSha256Hex(packagePath)}`
  const result: MirrorResult = {
    chart: line.name,
    version,
    source: `${line.source.url} ${line.name}@${version}`,
    destination: `${target.ref}:${target.tag}`,
    status: 'would-copy',
    digest: packageDigest,
    related: []
  }
  const mismatch = await identityRefusal(line, version, packagePath, target)
  if (mismatch) return { ...result, status: 'refused', reason: mismatch }
  const there = await services.registry.getManifest(
    target.repositoryPath,
    target.tag
  )
  if (there) {
    const layer = chartLayerDigest(there.body)
    if (layer === packageDigest) {
      services.say(
        `${result.destination} already holds this package (${there.digest}): skipped.`
      )
      return { ...result, status: 'skipped' }
    }
    return {
      ...result,
      status: 'refused',
      destinationDigest: there.digest,
      reason:
        `the destination tag holds another package (chart layer ${layer ?? 'none: not a Helm chart'}, ` +
        `the source's package is ${packageDigest}): the upstream version changed, or something else was pushed there. ` +
        'Nothing was overwritten; delete the destination tag to take the new package, or keep it and drop the line.'
    }
  }
  if (dryRun) {
    services.say(
      `Dry run: would push ${result.source} to ${result.destination}.`
    )
    return result
  }
  const helm = await services.helm()
  // pushPackage logs the manifest's digest (Helm's, not the source's);
  // `digest` stays the package's sha256, the one the index promised.
  await pushPackage(
    helm,
    services.registry,
    target,
    packagePath,
    destination.connection,
    undefined,
    services.say
  )
  return { ...result, status: 'copied' }
}

/**
 * Why the package must not be pushed for `line` `version`: `helm push`
 * would write another chart's tag, or the package cannot tell which.
 */
async function identityRefusal(
  line: ClassicLine,
  version: string,
  packagePath: string,
  target: Target
): Promise<string | undefined> {
  const said = `index.yaml says ${line.name} ${version}`
  let chart: { name: string; version: string }
  try {
    chart = await readPackageIdentity(packagePath)
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    return (
      `the package cannot be checked against what ${said}: ${error.message}. Nothing was pushed ` +
      'for it: Helm could push it under another name or version. Tell the repository maintainers, or drop the line'
    )
  }
  if (chart.name === line.name && chart.version === version) return undefined
  const written = chartRef(target.registry, target.repository, chart.name)
  return (
    `${said}, but the package is ${shown(chart.name)} ${shown(chart.version)} (its Chart.yaml): ` +
    `helm push would write ${shown(`${written}:${ociTag(chart.version)}`)}, not ${target.ref}:${target.tag}. ` +
    "Nothing was pushed for it. The repository's index and package disagree: tell its maintainers, or drop the line"
  )
}
