// Where the charts go and how the registry is reached: computed from the
// inputs once, for every step that talks to the registry (the mirror's
// destination too).
import { UserError } from '../errors.js'
import type { RegistryClientOptions } from '../registry/client.js'
import type { Connection } from '../helm/cli.js'
import type { InstalledHelm } from '../helm/installer.js'
import type { Config } from '../inputs/release.js'
import type { ConnectionInputs, RegistryInputs } from '../inputs/registry.js'
import { isLoopbackRegistry } from '../registry/reference.js'
import type { PublishOptions } from './publish.js'

/** How Helm reaches the registry: for login, push and dependencies alike. */
export function connection(config: ConnectionInputs): Connection {
  return {
    plainHttp: config.plainHttp,
    caFile: config.caFile,
    insecureSkipTlsVerify: config.insecureSkipTlsVerify
  }
}

/**
 * How the action's own registry client reaches the registry: the same
 * connection, and the credentials only when there is a password.
 */
export function registryOptions(config: RegistryInputs): RegistryClientOptions {
  return {
    registry: config.registry,
    username: config.password ? config.username : undefined,
    password: config.password || undefined,
    ...connection(config)
  }
}

/**
 * Helm 3's registry client talks plain HTTP to loopback hosts whatever TLS
 * flags it gets (containerd's localhost rule), so its push to a TLS registry on
 * localhost fails half-way with "400 Bad Request". Refuse before anything is sent.
 */
export function checkHelmCanReach(
  config: Pick<RegistryInputs, 'registry' | 'plainHttp'>,
  helm: InstalledHelm
): void {
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

/** What publishing needs of the config: where, how, lint, dry run, appVersion. */
export function publishOptions(config: Config): PublishOptions {
  return {
    registry: config.registry,
    connection: connection(config),
    lint: config.lint,
    dryRun: config.dryRun,
    appVersion: config.appVersion
  }
}
