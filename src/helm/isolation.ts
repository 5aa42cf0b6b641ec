// How the preview's Helm is cut off from the publishing runner. The GitOps
// repository is written by more people than the chart's, and the job holds
// the registry password, the GitOps token and the runner's own tokens; what
// `helm template` renders comes from there. So the preview's Helm gets:
// - an environment built from an allow-list (never the runner's minus a
//   deny-list), with HOME and every Helm and Docker folder pointing into an
//   empty folder of its own, not the publishing sandbox with the login;
// - no network: a new network namespace with no interface up (`unshare
//   --net`, or `--map-root-user --net` without root) where the kernel allows
//   it; Ubuntu 24.04's AppArmor refuses unprivileged user namespaces, so
//   otherwise every proxy variable points at a closed port. Go's
//   ProxyFromEnvironment (golang.org/x/net/http/httpproxy, which Helm 4.2's
//   schema loader, pkg/chart/common/util/jsonschema.go, and Helm 3's
//   gojsonschema use) never proxies `localhost` or a loopback address and reads
//   no ALL_PROXY: that fallback stops every other HTTP(S) request only. The
//   preview closes that gap itself (render/schema-refs.ts);
// - a memory bound: `prlimit --data` (RLIMIT_DATA counts the private
//   writable memory Go maps as its heap grows; RLIMIT_AS would count the
//   address space Go reserves up front and refuses a normal start at a low
//   bound), with GOMEMLIMIT below it so that the collector works harder first.
// The probe runs once per run, with Helm itself, and says what it found.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import * as io from '@actions/io'
import { writePlaceholderCredentials } from '../sandbox.js'

/** Memory one `helm template` may use (RLIMIT_DATA); past it Helm stops. */
export const RENDER_MEMORY_BYTES = 1024 * 1024 * 1024
/** Go's soft memory target (GOMEMLIMIT): three quarters of the bound. */
const GO_MEMORY_TARGET_BYTES = (RENDER_MEMORY_BYTES / 4) * 3
/** Port 0 cannot be connected to: a proxy that refuses every request at once. */
export const CLOSED_PROXY = 'http://127.0.0.1:0'
/** How long the probe waits for `helm version`. */
const PROBE_TIMEOUT_MS = 15_000

/** The runner's variables the preview's Helm may see: none holds a secret. */
const ALLOWED_VARIABLES = ['PATH', 'LANG', 'LC_ALL', 'SystemRoot']
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']

export interface Isolation {
  /** Put before Helm's own command line: `unshare …`, `prlimit …`, or nothing. */
  prefix: readonly string[]
  /** 'namespace': no network at all; 'proxy': closed proxies, loopback reachable. */
  network: 'namespace' | 'proxy'
  /** Whether `prlimit` bounds each render's memory. */
  memoryBounded: boolean
}

/** How `probeIsolation` finds and runs the tools; tests pass their own. */
export interface ProbeTools {
  which(tool: string): Promise<string | undefined>
  /** Exit code 0: the command ran. */
  runs(argv: readonly string[], env: Record<string, string>): Promise<boolean>
  platform: NodeJS.Platform
  isRoot: boolean
}

/** The folders of one isolated Helm under `home` (created empty), and its environment. */
export function isolatedEnv(
  home: string,
  base: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const dir = (name: string): string => {
    const folder = path.join(home, name)
    fs.mkdirSync(folder, { recursive: true })
    return folder
  }
  const config = dir('config')
  const registryConfig = path.join(config, 'registry', 'config.json')
  writePlaceholderCredentials(registryConfig)
  const docker = dir('docker')
  writePlaceholderCredentials(path.join(docker, 'config.json'))
  const [cache, data, tmp] = [dir('cache'), dir('data'), dir('tmp')]
  const env: Record<string, string> = {}
  for (const name of ALLOWED_VARIABLES) {
    const value = base[name]
    if (value !== undefined) env[name] = value
  }
  return {
    ...env,
    HOME: dir('home'),
    TMPDIR: tmp,
    TEMP: tmp,
    TMP: tmp,
    XDG_CONFIG_HOME: config,
    XDG_CACHE_HOME: cache,
    XDG_DATA_HOME: data,
    HELM_CONFIG_HOME: config,
    HELM_CACHE_HOME: cache,
    HELM_DATA_HOME: data,
    HELM_PLUGINS: dir('plugins'),
    HELM_REGISTRY_CONFIG: registryConfig,
    HELM_REPOSITORY_CONFIG: path.join(config, 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: dir('repository-cache'),
    DOCKER_CONFIG: docker,
    KUBECONFIG: path.join(home, 'kube', 'config'),
    GOMEMLIMIT: String(GO_MEMORY_TARGET_BYTES),
    ...closedProxies()
  }
}

/** Every proxy variable, both cases, at a closed port; NO_PROXY empty. */
function closedProxies(): Record<string, string> {
  const env: Record<string, string> = { NO_PROXY: '', no_proxy: '' }
  for (const name of PROXY_VARIABLES) {
    env[name] = CLOSED_PROXY
    env[name.toLowerCase()] = CLOSED_PROXY
  }
  return env
}

/**
 * Finds what this runner allows: `unshare` (as root, `--net`; otherwise
 * `--map-root-user --net`) and `prlimit`, each tried with `helm version` in
 * an isolated environment under `scratch`. Never throws: what does not work
 * is left out.
 */
export async function probeIsolation(
  helm: string,
  scratch: string,
  tools: ProbeTools = realTools()
): Promise<Isolation> {
  const home = fs.mkdtempSync(path.join(scratch, 'helm-oci-release-probe-'))
  try {
    const env = isolatedEnv(home)
    const memory = await memoryPrefix(helm, env, tools)
    for (const flags of networkFlags(tools)) {
      const unshare = await tools.which('unshare')
      if (!unshare) break
      const prefix = [unshare, ...flags, '--', ...memory]
      if (await tools.runs([...prefix, helm, 'version'], env))
        return {
          prefix,
          network: 'namespace',
          memoryBounded: memory.length > 0
        }
    }
    return {
      prefix: memory,
      network: 'proxy',
      memoryBounded: memory.length > 0
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true })
  }
}

/** `prlimit --data=<bound> --` when it runs Helm here, else nothing. */
async function memoryPrefix(
  helm: string,
  env: Record<string, string>,
  tools: ProbeTools
): Promise<string[]> {
  if (tools.platform !== 'linux') return []
  const prlimit = await tools.which('prlimit')
  if (!prlimit) return []
  const prefix = [prlimit, `--data=${RENDER_MEMORY_BYTES}`, '--']
  return (await tools.runs([...prefix, helm, 'version'], env)) ? prefix : []
}

function networkFlags(tools: ProbeTools): string[][] {
  if (tools.platform !== 'linux') return []
  const unprivileged = ['--map-root-user', '--net']
  return tools.isRoot ? [['--net'], unprivileged] : [unprivileged]
}

/** One line for the log: what the preview's Helm runs with. */
export function describeIsolation(isolation: Isolation): string {
  const network =
    isolation.network === 'namespace'
      ? 'no network (a network namespace of its own)'
      : `no network namespace (refused here): proxies at ${CLOSED_PROXY}, so only loopback addresses are reachable`
  const memory = isolation.memoryBounded
    ? `at most ${RENDER_MEMORY_BYTES / 1024 / 1024} MiB of memory per render`
    : 'no memory bound (prlimit is not available here)'
  return `The preview's Helm runs with an environment of its own, empty folders, ${network}, ${memory}.`
}

function realTools(): ProbeTools {
  return {
    which: async tool => (await io.which(tool, false)) || undefined,
    runs: (argv, env) =>
      new Promise(resolve => {
        execFile(
          argv[0],
          argv.slice(1),
          { env, timeout: PROBE_TIMEOUT_MS, windowsHide: true },
          error => resolve(!error)
        )
      }),
    platform: process.platform,
    isRoot: process.getuid?.() === 0
  }
}
