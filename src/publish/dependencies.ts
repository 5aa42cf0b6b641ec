// A chart's dependencies, fetched into charts/ in the action's isolated Helm
// home before it is linted and packaged.
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import type { LoadedChart } from '../chart/load.js'
import type { Connection } from '../helm/cli.js'
import { createPackageDir } from '../sandbox.js'
import {
  credentialHint,
  dependencyAccess,
  type DependencyAccess
} from './dependency-access.js'
import type { Note } from '../record/run.js'

/** What dependency building needs of Helm. */
export interface HelmDependencies {
  addRepository(name: string, url: string): Promise<void>
  buildDependencies(
    chartDir: string,
    hasLock: boolean,
    flags: readonly string[],
    explain?: (output: string) => string | undefined
  ): Promise<void>
}

/** The release registry and how to reach it: what dependencies are pulled with. */
export interface RegistryAccess {
  registry: string
  connection: Connection
}

/** `helm dependency build|update`, with what OCI dependencies need; a note when there are none. */
export async function buildDependencies(
  helm: HelmDependencies,
  target: RegistryAccess,
  chart: LoadedChart,
  say: (line: string) => void = core.info
): Promise<Note> {
  if (chart.dependencies.length === 0) {
    say('The chart declares no dependencies.')
    return 'Dependencies: none declared'
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
  return undefined
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
  // node:tls only here: a release without `ca-file` never loads it (see
  // registry/connect.ts).
  const roots = process.getBuiltinModule('node:tls').rootCertificates.join('\n')
  fs.writeFileSync(
    bundle,
    `${fs.readFileSync(caFile, 'utf8').trim()}\n${roots}\n`
  )
  return bundle
}
