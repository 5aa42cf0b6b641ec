// The mirror action's inputs (mirror/action.yml), read, validated and masked
// in one place into a MirrorConfig. The destination inputs mean what the main
// action's do, so they go through the same readers and checks; every line of
// `charts` is parsed here, so a bad line is refused before anything is read
// from a registry, let alone copied.
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import type { Connection } from '../helm/cli.js'
import {
  DEFAULT_DOWNLOAD_BASE_URL,
  parseDownloadBaseUrl,
  parseHelmVersionSpec,
  type HelmVersionSpec
} from '../helm/download-site.js'
import {
  caFile,
  checkConnectionInputs,
  checkPasswordDestination,
  DEFAULT_HELM_VERSION,
  isGitHubRegistry,
  isGitHubToken
} from './release.js'
import { booleanInput, maskSecret, secretInput } from './read.js'
import {
  normalizeRegistry,
  normalizeRepository
} from '../registry/reference.js'
import { parseCharts } from '../mirror/spec.js'
import type { MirrorLine } from '../mirror/types.js'

/** Where the charts are read from: one set of credentials for every line. */
export interface SourceAccess {
  /** Undefined: anonymous. */
  username?: string
  password?: string
  plainHttp: boolean
}

/** Everything the mirror was asked to do. */
export interface MirrorConfig {
  workspace: string
  /** The lines of `charts`, each checked. */
  lines: MirrorLine[]
  /** The destination: host[:port] and the path the charts go under. */
  registry: string
  repository: string
  username: string
  password: string
  plainHttp: boolean
  caFile?: string
  insecureSkipTlsVerify: boolean
  source: SourceAccess
  dryRun: boolean
  /** Helm pushes classic packages only; installed when one needs a push. */
  helmVersion: HelmVersionSpec
  helmDownloadUrl: string
}

/** Reads the mirror's inputs into a validated MirrorConfig; messages name the input. */
export function getMirrorConfig(
  env: NodeJS.ProcessEnv = process.env
): MirrorConfig {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  // Secrets first: masked before any later refusal could print them.
  const password = secretInput('password')
  const source = sourceAccess()
  const registry = normalizeRegistry(core.getInput('registry') || 'ghcr.io')
  const config: MirrorConfig = {
    workspace,
    lines: charts(source.plainHttp),
    registry,
    repository: normalizeRepository(
      core.getInput('repository'),
      registry,
      isGitHubRegistry(registry, env)
    ),
    username: core.getInput('username'),
    password,
    plainHttp: booleanInput('plain-http'),
    caFile: caFile(core.getInput('ca-file'), workspace),
    insecureSkipTlsVerify: booleanInput('insecure-skip-tls-verify'),
    source,
    dryRun: booleanInput('dry-run'),
    helmVersion: parseHelmVersionSpec(
      core.getInput('helm-version') || DEFAULT_HELM_VERSION
    ),
    helmDownloadUrl: parseDownloadBaseUrl(
      core.getInput('helm-download-url') || DEFAULT_DOWNLOAD_BASE_URL
    )
  }
  checkConnectionInputs(config)
  checkPasswordDestination(config, env)
  checkSourceHosts(config, env)
  // Helm stores `base64(user:password)` in its registry config: mask that form too.
  if (config.password)
    maskSecret(
      Buffer.from(`${config.username}:${config.password}`).toString('base64')
    )
  return config
}

/**
 * `charts`, one chart a line; parseCharts names the line at fault. `http://`
 * classic repositories only with `source-plain-http`: the same choice as for
 * OCI sources, made once, so a typo cannot silently drop TLS.
 */
function charts(allowHttp: boolean): MirrorLine[] {
  const text = core.getInput('charts')
  if (!text.trim()) {
    throw new UserError(
      "Input 'charts' is empty: give one chart a line, e.g. 'oci://ghcr.io/stefanprodan/charts/podinfo latest'."
    )
  }
  try {
    return parseCharts(text, { allowHttp })
  } catch (error) {
    // The parser words the line and the fix; the input's name goes in front.
    if (error instanceof UserError && !error.message.includes("'charts'"))
      throw new UserError(`Input 'charts': ${error.message}`, {
        cause: error
      })
    throw error
  }
}

function sourceAccess(): SourceAccess {
  const password = secretInput('source-password')
  const username = core.getInput('source-username')
  const plainHttp = booleanInput('source-plain-http')
  if (password && !username) {
    throw new UserError(
      "Input 'source-password' is set but 'source-username' is empty: registries need both."
    )
  }
  if (!password) return { plainHttp }
  maskSecret(Buffer.from(`${username}:${password}`).toString('base64'))
  return { username, password, plainHttp }
}

/** The host a line is read from. */
export function sourceHost(line: MirrorLine): string {
  const { source } = line
  return source.kind === 'oci' ? source.registry : new URL(source.url).host
}

/**
 * One `source-password` goes to every line's host: with it set, the lines
 * must name one host, or a private registry's credential would be offered to
 * a public one. A GitHub token goes to GitHub's registry only, as `password`.
 */
function checkSourceHosts(config: MirrorConfig, env: NodeJS.ProcessEnv): void {
  const password = config.source.password
  if (!password) return
  const hosts = [...new Set(config.lines.map(sourceHost))]
  if (hosts.length > 1) {
    throw new UserError(
      `Input 'source-password' is sent to every source, but 'charts' names ${hosts.length} hosts (${hosts.join(', ')}): ` +
        'mirror each host that needs a credential in its own step, and the anonymous ones without one.'
    )
  }
  if (isGitHubToken(password) && !isGitHubRegistry(hosts[0], env)) {
    throw new UserError(
      `Input 'source-password' is a GitHub token, but the source is '${hosts[0]}': ` +
        "the token would be sent to a registry that is not GitHub's. Give that registry's credential, or '' to read anonymously."
    )
  }
}

/** How the registry client and Helm reach the destination. */
export function destinationConnection(config: MirrorConfig): Connection {
  return {
    plainHttp: config.plainHttp,
    caFile: config.caFile,
    insecureSkipTlsVerify: config.insecureSkipTlsVerify
  }
}
