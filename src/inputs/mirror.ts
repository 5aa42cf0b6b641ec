// The mirror action's inputs (mirror/action.yml), read, validated and masked
// in one place into a MirrorConfig. The destination inputs mean what the main
// action's do, so they go through the same readers and checks; every line of
// `charts` is parsed here, so a bad line is refused before anything is read
// from a registry, let alone copied.
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import { helmInputs, type HelmInputs } from './helm.js'
import { parseCharts, type MirrorLine } from './mirror-lines.js'
import { booleanInput, maskLogin, secretInput } from './read.js'
import {
  checkRegistryInputs,
  connectionInputs,
  isGitHubRegistry,
  isGitHubToken,
  registryInput,
  repositoryInput,
  type RegistryInputs
} from './registry.js'

/** Where the charts are read from: one set of credentials for every line. */
export interface SourceAccess {
  /** Undefined: anonymous. */
  username?: string
  password?: string
  plainHttp: boolean
}

/** Everything the mirror was asked to do; the destination is `registry`/`repository`. */
export interface MirrorConfig extends RegistryInputs, HelmInputs {
  workspace: string
  /** The lines of `charts`, each checked. */
  lines: MirrorLine[]
  source: SourceAccess
  dryRun: boolean
}

/** Reads the mirror's inputs into a validated MirrorConfig; messages name the input. */
export function getMirrorConfig(
  env: NodeJS.ProcessEnv = process.env
): MirrorConfig {
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  // Secrets first: masked before any later refusal could print them.
  const password = secretInput('password')
  const source = sourceAccess()
  const registry = registryInput()
  const config: MirrorConfig = {
    workspace,
    lines: charts(source.plainHttp),
    registry,
    repository: repositoryInput(registry, env),
    username: core.getInput('username'),
    password,
    ...connectionInputs(workspace),
    source,
    dryRun: booleanInput('dry-run'),
    // Helm pushes classic packages only; installed when one needs a push.
    ...helmInputs()
  }
  checkRegistryInputs(config, env)
  checkSourceHosts(config, env)
  maskLogin(config.username, config.password)
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
  maskLogin(username, password)
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
