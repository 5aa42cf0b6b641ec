// The environment of every git call: the token travels as an
// `http.extraheader` in GIT_CONFIG_COUNT/KEY/VALUE (never in argv, the remote
// URL or .git/config), no prompts, no credential helpers, C locale, and
// pathspecs taken literally.
import { maskSecret } from '../mask.js'
import { childEnv } from '../process-env.js'

/** A commit author or committer. */
export interface Identity {
  name: string
  email: string
}

/** GitHub's identity for commits made with GITHUB_TOKEN. */
export const BOT_IDENTITY: Identity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}

// Variables that would point git at another repository or index than ours.
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_COMMON_DIR'
]

/**
 * The environment for every git call: the auth header as config from the
 * environment, no prompts, no credential helpers, C locale.
 */
export function gitEnv(
  server: string,
  token: string,
  base: NodeJS.ProcessEnv
): Record<string, string> {
  const key = `http.${server}/.extraheader`
  // An empty value first: it clears headers that actions/checkout may have
  // persisted in a global config for the same URL (two Authorization headers
  // make GitHub answer 400). Then our own, if there is a token.
  const config: [string, string][] = [
    [key, ''],
    // An empty helper list: no stored credential is used or stored.
    ['credential.helper', '']
  ]
  if (token) config.push([key, `AUTHORIZATION: basic ${basicAuth(token)}`])
  const env = childEnv(
    {
      GIT_TERMINAL_PROMPT: '0',
      // Empty (not unset) so git does not fall back to core.askPass or SSH_ASKPASS.
      GIT_ASKPASS: '',
      GCM_INTERACTIVE: 'never',
      LC_ALL: 'C',
      LANGUAGE: 'C',
      // Paths are file names of the GitOps repository: taken literally, never
      // as pathspec magic or globs (`:(exclude)…`, `*.yaml`), after `--`.
      GIT_LITERAL_PATHSPECS: '1'
    },
    base
  )
  for (const name of REPOSITORY_VARIABLES) delete env[name]
  // curl, under git, ignores HTTP_PROXY in capitals (a CGI safeguard) while
  // the API client honours it: without this, git alone would bypass the
  // proxy to a plain-http GitHub server.
  if (env['HTTP_PROXY'] && !env['http_proxy'])
    env['http_proxy'] = env['HTTP_PROXY']
  return { ...env, ...configEnv(config, base) }
}

/** GIT_CONFIG_COUNT/KEY_n/VALUE_n, after any entries the runner already set. */
function configEnv(
  entries: [string, string][],
  base: NodeJS.ProcessEnv
): Record<string, string> {
  const existing = Number.parseInt(base.GIT_CONFIG_COUNT ?? '', 10)
  const first = Number.isInteger(existing) && existing > 0 ? existing : 0
  const env: Record<string, string> = {
    GIT_CONFIG_COUNT: String(first + entries.length)
  }
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${first + i}`] = key
    env[`GIT_CONFIG_VALUE_${first + i}`] = value
  })
  return env
}

function basicAuth(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString('base64')
}

/** The token and the form git sends it in, masked (once per run: mask.ts). */
export function maskToken(token: string): void {
  if (!token) return
  maskSecret(token)
  maskSecret(basicAuth(token))
}

/** Author and committer of the commits git makes. */
export function identityEnv(identity: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email
  }
}
