// How `helm dependency build|update` must reach a chart's OCI dependencies.
// Helm gives that command one connection (plain HTTP, CA bundle, TLS checks)
// for every OCI registry it pulls from, and the action logs in to one
// registry only. Pure: decides flags and refusals; does no I/O.
import type { ChartDependency } from '../chart/metadata.js'
import { UserError } from '../errors.js'
import type { Connection } from '../helm/cli.js'

/** An OCI dependency and the registry (`host[:port]`) it is pulled from. */
export interface OciDependency {
  name: string
  version?: string
  registry: string
}

export interface DependencyAccess {
  /** Connection flags for `helm dependency build|update` (none: Helm's defaults). */
  flags: string[]
  /**
   * The CA bundle must also trust the public roots: `--ca-file` replaces
   * Helm's trust store, and other sources than the release registry are pulled.
   */
  caWithPublicRoots: boolean
  /** OCI dependencies in registries the action holds no credentials for. */
  elsewhere: OciDependency[]
}

/** `host[:port]` of an `oci://` repository, lowercased, `:443` dropped; else undefined. */
export function ociRegistryOf(repository?: string): string | undefined {
  const match = /^oci:\/\/([^/]+)/i.exec(repository?.trim() ?? '')
  return match ? match[1].toLowerCase().replace(/:443$/, '') : undefined
}

/**
 * Decides how Helm reaches the dependencies of `chartFile`'s chart when the
 * release registry is `registry` with `connection`. Throws a UserError where
 * one Helm run cannot honour the connection for some and not for others.
 */
export function dependencyAccess(
  chartFile: string,
  dependencies: readonly ChartDependency[],
  registry: string,
  connection: Connection
): DependencyAccess {
  const home = registry.toLowerCase().replace(/:443$/, '')
  const oci: OciDependency[] = dependencies.flatMap(d => {
    const from = ociRegistryOf(d.repository)
    return from ? [{ name: d.name, version: d.version, registry: from }] : []
  })
  const here = oci.filter(d => d.registry === home)
  const elsewhere = oci.filter(d => d.registry !== home)
  const access = { flags: [], caWithPublicRoots: false, elsewhere }
  if (here.length === 0) return access
  const blanket = connection.plainHttp
    ? "'plain-http: true'"
    : connection.insecureSkipTlsVerify
      ? "'insecure-skip-tls-verify: true'"
      : undefined
  if (blanket && elsewhere.length > 0)
    throw mixedRegistries(chartFile, registry, blanket, here, elsewhere)
  if (connection.plainHttp) return { ...access, flags: ['--plain-http'] }
  if (connection.insecureSkipTlsVerify)
    return { ...access, flags: ['--insecure-skip-tls-verify'] }
  if (!connection.caFile) return access
  const otherSources =
    elsewhere.length > 0 ||
    dependencies.some(d => /^https:\/\//i.test(d.repository ?? ''))
  return {
    ...access,
    flags: ['--ca-file', connection.caFile],
    caWithPublicRoots: otherSources
  }
}

function mixedRegistries(
  chartFile: string,
  registry: string,
  setting: string,
  here: OciDependency[],
  elsewhere: OciDependency[]
): UserError {
  const list = (deps: OciDependency[]): string =>
    deps.map(d => `'${d.name}' (${d.registry})`).join(', ')
  return new UserError(
    `${chartFile} depends on ${list(here)} in the release registry, which needs ${setting}, ` +
      `and on ${list(elsewhere)} in another registry. Helm applies ${setting} to every ` +
      'OCI registry in one `helm dependency` run, so it cannot reach both. ' +
      `Publish those dependencies to ${registry} too, or commit them as packages under charts/ ` +
      'and remove them from dependencies.',
    { file: chartFile }
  )
}

/**
 * Why a failed `helm dependency` run may be about credentials, or undefined:
 * names each OCI dependency from a registry the action did not log in to.
 */
export function credentialHint(
  helmOutput: string,
  access: DependencyAccess,
  registry: string
): string | undefined {
  if (
    !/unauthori[sz]ed|authentication required|credentials? not found|no basic auth|denied|\b401\b|\b403\b/i.test(
      helmOutput
    )
  )
    return undefined
  const failing = access.elsewhere.filter(d =>
    helmOutput.toLowerCase().includes(d.registry)
  )
  if (failing.length === 0)
    return (
      `The registry refused the credentials the action logged in with ('username', 'password'): ` +
      `they must be allowed to pull from ${registry} as well as push.`
    )
  return failing
    .map(
      d =>
        `Dependency '${d.name}' comes from ${d.registry}, and the action logs in to ${registry} only. ` +
        `Make it pullable without credentials, publish it to ${registry}, or commit it as a package under charts/ ` +
        'and remove it from dependencies (see docs/registries.md, "Known limits").'
    )
    .join(' ')
}
