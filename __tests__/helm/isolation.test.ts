// The preview Helm's environment (an allow-list, its own empty folders,
// closed proxies) and the probe's choice of isolation, with fake tools.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  CLOSED_PROXY,
  describeIsolation,
  isolatedEnv,
  probeIsolation,
  RENDER_MEMORY_BYTES,
  type ProbeTools
} from '../../src/helm/isolation.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const RUNNER: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  LANG: 'C.UTF-8',
  HOME: '/home/runner',
  ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'id-secret',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/id-secret-url',
  GITHUB_TOKEN: 'ghs_exported',
  INPUT_PASSWORD: 'registry-secret',
  HELM_REGISTRY_CONFIG: '/tmp/sandbox/registry/config.json',
  DOCKER_CONFIG: '/home/runner/.docker',
  KUBECONFIG: '/home/runner/.kube/config',
  HTTPS_PROXY: 'http://corp-proxy:3128',
  NO_PROXY: '*',
  REQUEST_METHOD: 'GET',
  HELM_KUBETOKEN: 'kube-secret'
}

let root: string

beforeAll(() => {
  root = tempDir('hor-isolation-')
})

afterAll(() => removeDir(root))

describe('isolatedEnv', () => {
  test('built from an allow-list: nothing of the runner but PATH and the locale', () => {
    const home = path.join(root, 'home-1')
    const env = isolatedEnv(home, RUNNER)
    const values = Object.values(env).join('\n')
    for (const [name, value] of Object.entries(RUNNER)) {
      if (name === 'PATH' || name === 'LANG') expect(env[name]).toBe(value)
      else expect(values).not.toContain(value)
    }
    expect(env.REQUEST_METHOD).toBeUndefined()
    expect(env.HELM_KUBETOKEN).toBeUndefined()
  })

  test('HOME and every Helm and Docker folder are empty folders of its own', () => {
    const home = path.join(root, 'home-2')
    const env = isolatedEnv(home, RUNNER)
    for (const name of [
      'HOME',
      'TMPDIR',
      'HELM_CONFIG_HOME',
      'HELM_CACHE_HOME',
      'HELM_DATA_HOME',
      'HELM_PLUGINS',
      'HELM_REPOSITORY_CACHE',
      'DOCKER_CONFIG',
      'XDG_CONFIG_HOME'
    ]) {
      expect(env[name].startsWith(home + path.sep), name).toBe(true)
      expect(fs.statSync(env[name]).isDirectory(), name).toBe(true)
    }
    expect(fs.readdirSync(env.HOME)).toEqual([])
    expect(fs.readdirSync(env.HELM_PLUGINS)).toEqual([])
    // No credential helper is detected: the files count as configured.
    for (const file of [
      env.HELM_REGISTRY_CONFIG,
      path.join(env.DOCKER_CONFIG, 'config.json')
    ])
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
        auths: { 'helm-oci-release.invalid': {} }
      })
    expect(fs.existsSync(env.KUBECONFIG)).toBe(false)
  })

  test('every proxy variable, both cases, at a closed port; NO_PROXY empty', () => {
    const env = isolatedEnv(path.join(root, 'home-3'), RUNNER)
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) {
      expect(env[name]).toBe(CLOSED_PROXY)
      expect(env[name.toLowerCase()]).toBe(CLOSED_PROXY)
    }
    expect(env.NO_PROXY).toBe('')
    expect(env.no_proxy).toBe('')
    expect(Number(env.GOMEMLIMIT)).toBeLessThan(RENDER_MEMORY_BYTES)
  })
})

interface FakeSystem {
  platform?: NodeJS.Platform
  isRoot?: boolean
  tools?: string[]
  /** The `unshare` flags that work here. */
  working?: string[][]
  prlimitWorks?: boolean
}

function fakeTools(system: FakeSystem, calls: string[][]): ProbeTools {
  const tools = system.tools ?? ['unshare', 'prlimit']
  return {
    platform: system.platform ?? 'linux',
    isRoot: system.isRoot ?? false,
    which: async tool =>
      tools.includes(tool) ? `/usr/bin/${tool}` : undefined,
    runs: async argv => {
      calls.push([...argv])
      const dash = argv.indexOf('--')
      if (argv[0] === '/usr/bin/prlimit') return system.prlimitWorks ?? true
      const flags = argv.slice(1, dash)
      return (system.working ?? []).some(
        works => works.join(' ') === flags.join(' ')
      )
    }
  }
}

const PRLIMIT = ['/usr/bin/prlimit', `--data=${RENDER_MEMORY_BYTES}`, '--']

test.each<[string, FakeSystem, string[], 'namespace' | 'proxy', boolean]>([
  [
    'root: unshare --net',
    { isRoot: true, working: [['--net']] },
    ['/usr/bin/unshare', '--net', '--', ...PRLIMIT],
    'namespace',
    true
  ],
  [
    'root where --net is refused: --map-root-user --net',
    { isRoot: true, working: [['--map-root-user', '--net']] },
    ['/usr/bin/unshare', '--map-root-user', '--net', '--', ...PRLIMIT],
    'namespace',
    true
  ],
  [
    'not root: --map-root-user --net',
    { working: [['--net'], ['--map-root-user', '--net']] },
    ['/usr/bin/unshare', '--map-root-user', '--net', '--', ...PRLIMIT],
    'namespace',
    true
  ],
  [
    "Ubuntu 24.04's AppArmor refuses user namespaces: closed proxies",
    { working: [] },
    PRLIMIT,
    'proxy',
    true
  ],
  ['no unshare on PATH', { tools: ['prlimit'] }, PRLIMIT, 'proxy', true],
  [
    'no prlimit: no memory bound',
    { tools: ['unshare'], working: [['--map-root-user', '--net']] },
    ['/usr/bin/unshare', '--map-root-user', '--net', '--'],
    'namespace',
    false
  ],
  [
    'prlimit cannot set the bound',
    { prlimitWorks: false, working: [] },
    [],
    'proxy',
    false
  ],
  ['macOS: neither', { platform: 'darwin' }, [], 'proxy', false]
])('%s', async (_what, system, prefix, network, memoryBounded) => {
  const calls: string[][] = []
  const helm = '/opt/helm'
  const isolation = await probeIsolation(helm, root, fakeTools(system, calls))
  expect(isolation).toEqual({ prefix, network, memoryBounded })
  // Every candidate was tried with Helm itself.
  for (const call of calls) expect(call.slice(-2)).toEqual([helm, 'version'])
  expect(fs.readdirSync(root).filter(f => f.includes('probe'))).toEqual([])
})

test.each<[boolean, boolean, RegExp]>([
  [
    true,
    true,
    /no network \(a network namespace of its own\), at most 1024 MiB/
  ],
  [
    false,
    false,
    /proxies at http:\/\/127\.0\.0\.1:0, so only loopback addresses are reachable, no memory bound/
  ]
])(
  'the log line says what was found (namespace %s, bounded %s)',
  (ns, bounded, line) => {
    expect(
      describeIsolation({
        prefix: [],
        network: ns ? 'namespace' : 'proxy',
        memoryBounded: bounded
      })
    ).toMatch(line)
  }
)
