// The release guards, through the bundled action: a refusal says why and how to
// fix it, and leaves the registry exactly as it was.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart, type ChartSpec } from '../helpers/charts.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import {
  HELM3,
  HELM4,
  HELM41,
  HELM_VERSIONS,
  realHelm,
  removeDir,
  tempDir
} from '../helpers/paths.js'
import {
  listTags,
  manifestDigest,
  startRegistry,
  type Registry
} from '../helpers/registry.js'
import { startFaultProxy } from '../helpers/fault-proxy.js'
import { makeServerCertificate } from '../helpers/tls.js'
import { startTokenServer, type TokenServer } from '../helpers/token-server.js'

const USER = 'robot$ci'
const PASSWORD = 'p@ss:w$rd+x'
const AUTH = { username: USER, password: PASSWORD }
const REPO = 'guard/charts/hello'
const github = { repository_owner: 'acme', actor: 'octocat', token: 'ghs_x' }

let root: string
let mirror: Mirror
let basic: Registry
let runs = 0
let published: string

interface Release {
  registry?: string
  chart?: ChartSpec | null
  chartYaml?: string
  ref?: string
  inputs?: Record<string, string>
  helm?: string
  /** Files copied into the workspace: workspace path -> source. */
  files?: Record<string, string>
}

/** Runs the action on a fresh runner with one chart in charts/hello. */
async function release(options: Release = {}): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  if (options.chart !== null) {
    const dir = writeChart(path.join(dirs.workspace, 'charts'), {
      name: 'hello',
      version: '1.0.0',
      ...options.chart
    })
    if (options.chartYaml !== undefined) {
      fs.writeFileSync(path.join(dir, 'Chart.yaml'), options.chartYaml)
    }
  }
  for (const [name, source] of Object.entries(options.files ?? {})) {
    fs.copyFileSync(source, path.join(dirs.workspace, name))
  }
  return runMain({
    inputs: {
      chart: 'charts/hello',
      registry: options.registry ?? basic.host,
      repository: 'guard/charts',
      username: USER,
      password: PASSWORD,
      'helm-version': options.helm ?? HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      ...options.inputs
    },
    github,
    dirs,
    env: { GITHUB_REF: options.ref ?? 'refs/tags/v1.0.0' }
  })
}

function log(result: StepResult): string {
  return result.stdout + result.stderr
}

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

beforeAll(async () => {
  root = tempDir('hor-guards-')
  ;[mirror, basic] = await Promise.all([
    startMirror({ versions: HELM_VERSIONS }),
    startRegistry({ users: { [USER]: PASSWORD } })
  ])
  const first = await release()
  expect(first.exitCode, log(first)).toBe(0)
  published = first.outputs.digest
  expect(await manifestDigest(basic, REPO, '1.0.0', AUTH)).toBe(published)
})

afterAll(async () => {
  await Promise.all([mirror?.stop(), basic?.stop()])
  removeDir(root)
})

describe('a refusal says why, and the registry is unchanged', () => {
  const v1 = (rest: string): string =>
    `apiVersion: v1\nname: hello\nversion: 1.0.0\n${rest}`
  test.each<[string, Release, RegExp]>([
    [
      'a tag that names another version',
      { chart: { version: '2.0.0' }, ref: 'refs/tags/v2.0.1' },
      /^::error file=charts\/hello\/Chart.yaml,line=5::Tag 'v2.0.1' does not release chart 'hello' at version 2.0.0 .*tag-pattern 'v\{version\}' expects 'v2.0.0'/m
    ],
    [
      'a branch push without a tag',
      { chart: { version: '2.0.0' }, ref: 'refs/heads/main' },
      /^::error::There is no git tag .*'refs\/heads\/main'.*'check-tag: false'/m
    ],
    [
      'a version already published',
      {},
      /^::error file=charts\/hello\/Chart.yaml,line=5::oci:\/\/127\.0\.0\.1:\d+\/guard\/charts\/hello:1\.0\.0 is already published \(digest sha256:[0-9a-f]{64}\)\. Published versions are never overwritten/m
    ],
    [
      'a changed chart under a published version',
      {
        chart: {
          appVersion: '9.9.9',
          template:
            'kind: ConfigMap\napiVersion: v1\nmetadata: {name: changed}\n'
        }
      },
      /is already published \(digest sha256:[0-9a-f]{64}\)/
    ],
    [
      'a version that is not SemVer',
      { chart: { version: '1.0' }, ref: 'refs/tags/v1.0' },
      /^::error file=charts\/hello\/Chart.yaml,line=5::.*'version: 1.0', which is not a SemVer 2 version/m
    ],
    [
      'a missing Chart.yaml',
      { chartYaml: '' },
      /has no 'name'|must be a YAML mapping/
    ],
    [
      'an unparsable Chart.yaml',
      { chartYaml: 'apiVersion: v2\nname: hello\nversion: [1.0.0\n' },
      /^::error file=charts\/hello\/Chart.yaml,line=\d::charts\/hello\/Chart.yaml is not valid YAML/m
    ],
    [
      'apiVersion v1 with dependencies in Chart.yaml (helm lint refuses them)',
      {
        chartYaml: v1(
          'dependencies:\n  - name: lib\n    version: 1.0.0\n    repository: oci://example.test/charts\n'
        )
      },
      /^::error file=charts\/hello\/Chart.yaml,line=4::.*'apiVersion: v1' and lists 'dependencies'.*set 'apiVersion: v2'/m
    ],
    [
      'a missing chart folder',
      { chart: null },
      /^::error::Input 'chart' is 'charts\/hello', but there is no such folder/m
    ],
    [
      'a wrong password',
      {
        chart: { version: '3.0.0' },
        ref: 'refs/tags/v3.0.0',
        inputs: { password: 'wrong' }
      },
      /^::error::.*could not tell whether .*hello:3\.0\.0.*exists.*401/im
    ],
    [
      'an unknown if-exists',
      { inputs: { 'if-exists': 'overwrite' } },
      /^::error::Input 'if-exists' is 'overwrite'/m
    ]
  ])('%s', async (_name, options, message) => {
    const result = await release(options)
    expect(result.exitCode, log(result)).toBe(1)
    expect(result.stdout).toMatch(message)
    expect(log(result)).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
    expect(result.outputs).toEqual({})
    expect(await listTags(basic, REPO, AUTH)).toEqual(['1.0.0'])
    expect(await manifestDigest(basic, REPO, '1.0.0', AUTH)).toBe(published)
  })

  test('a registry that is down fails closed, after a bounded number of tries', async () => {
    const port = await closedPort()
    const result = await release({ registry: `127.0.0.1:${port}` })
    expect(result.exitCode).toBe(1)
    // Bounded by count, not timed: four tries, the waits between them
    // capped by the retry policy (retry.test.ts).
    expect(result.stdout).toMatch(
      /^::error::.*could not tell whether .*refused the connection \(after 4 attempts\)/im
    )
  })
})

test("'if-exists: skip' pushes nothing and reports the existing digest", async () => {
  const result = await release({ inputs: { 'if-exists': 'skip' } })
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.outputs).toMatchObject({
    pushed: 'false',
    digest: published,
    'package-path': ''
  })
  expect(result.stdout).toMatch(
    /^::notice::.*hello:1\.0\.0 is already published.*'if-exists: skip'/m
  )
  expect(result.summary).toContain('nothing pushed')
  expect(await manifestDigest(basic, REPO, '1.0.0', AUTH)).toBe(published)
})

test("'check-tag: false' releases without a tag; 'tag' and 'tag-pattern' name it otherwise", async () => {
  const untagged = await release({
    chart: { version: '4.0.0' },
    ref: 'refs/heads/main',
    inputs: { 'check-tag': 'false' }
  })
  expect(untagged.exitCode, log(untagged)).toBe(0)
  const named = await release({
    chart: { version: '5.0.0' },
    ref: 'refs/heads/main',
    inputs: { tag: 'hello-5.0.0', 'tag-pattern': '{name}-{version}' }
  })
  expect(named.exitCode, log(named)).toBe(0)
  expect(await listTags(basic, REPO, AUTH)).toEqual(
    expect.arrayContaining(['1.0.0', '4.0.0', '5.0.0'])
  )
})

describe.each([HELM3, HELM4])('a flaky registry, Helm %s', helm => {
  test('503s, a 429 with Retry-After and resets on the way: the release still succeeds', async () => {
    // Three faults on the action's manifest lookup (within its retries), then
    // one on Helm's first blob upload.
    let lookups = 0
    const proxy = await startFaultProxy(basic.url, {
      match: (method, path) =>
        method === 'POST' ||
        (method === 'HEAD' && path.includes('/manifests/') && ++lookups <= 3)
    })
    try {
      const version = `6.${helm[0]}.0`
      proxy.failNext(1, { kind: 'status', status: 503 })
      proxy.failNext(1, { kind: 'status', status: 429, retryAfter: '1' })
      proxy.failNext(1, { kind: 'reset' })
      proxy.failNext(1, { kind: 'status', status: 503 })
      const result = await release({
        registry: proxy.host,
        helm,
        chart: { version },
        ref: `refs/tags/v${version}`
      })
      expect(result.exitCode, log(result)).toBe(0)
      const faults = proxy.requests.filter(r => r.outcome !== 'forwarded')
      expect(faults.map(r => `${r.method} ${r.outcome}`)).toEqual([
        'HEAD status',
        'HEAD status',
        'HEAD reset',
        'POST status'
      ])
      expect(await manifestDigest(basic, REPO, version, AUTH)).toBe(
        result.outputs.digest
      )
    } finally {
      await proxy.stop()
    }
  })

  test('a registry that always fails ends with a clear error after a bounded number of tries', async () => {
    const proxy = await startFaultProxy(basic.url, { match: () => true })
    try {
      proxy.failAlways({ kind: 'status', status: 503 })
      const result = await release({
        registry: proxy.host,
        helm,
        chart: { version: '6.9.0' },
        ref: 'refs/tags/v6.9.0'
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(
        /^::error::Could not tell whether .*hello:6\.9\.0 already exists.*503/m
      )
      // Counted, not timed: the lookup's four tries, and nothing after them.
      expect(proxy.requests.map(r => `${r.method} ${r.outcome}`)).toEqual(
        Array(4).fill('HEAD status')
      )
      expect(result.stdout).toMatch(/kept failing \(503\) after 4 attempts/)
      expect(await listTags(basic, REPO, AUTH)).not.toContain('6.9.0')
    } finally {
      await proxy.stop()
    }
  })
})

test('a version pushed by someone else while the action retries is not pushed over', async () => {
  // Helm 3 does not retry a failed upload itself, so the action does: but
  // first it reads the tag back, and here a competing job has taken it.
  const competitor = path.join(root, 'competitor')
  const competitorChart = writeChart(competitor, {
    version: '7.0.0',
    appVersion: 'competitor'
  })
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: path.join(competitor, 'helm'),
    HELM_CACHE_HOME: path.join(competitor, 'cache'),
    HELM_DATA_HOME: path.join(competitor, 'data')
  }
  const helmBin = realHelm(HELM4)
  execFileSync(helmBin, ['package', competitorChart, '-d', competitor], { env })
  const input = Buffer.from(PASSWORD)
  execFileSync(
    helmBin,
    [
      'registry',
      'login',
      basic.host,
      '--username',
      USER,
      '--password-stdin',
      '--plain-http'
    ],
    { env, input }
  )
  // The competitor pushes when the proxy fails the upload, before Helm gets
  // the 503: in order, whatever the machine's speed.
  let competed = false
  const proxy = await startFaultProxy(basic.url, {
    match: method => method === 'POST',
    onFault: () => {
      if (competed) return
      competed = true
      execFileSync(
        helmBin,
        [
          'push',
          path.join(competitor, 'hello-7.0.0.tgz'),
          `oci://${basic.host}/guard/charts`,
          '--plain-http'
        ],
        { env }
      )
    }
  })
  try {
    proxy.failNext(1, { kind: 'status', status: 503 })
    const result = await release({
      registry: proxy.host,
      helm: HELM3,
      chart: { version: '7.0.0' },
      ref: 'refs/tags/v7.0.0'
    })
    expect(competed).toBe(true)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /^::error::oci:\/\/.*hello:7\.0\.0 appeared in the registry during this release with other content \(sha256:[0-9a-f]{64}\).*nothing was pushed over it/m
    )
    const served = await manifestDigest(basic, REPO, '7.0.0', AUTH)
    expect(result.stdout).toContain(`(${served})`)
  } finally {
    await proxy.stop()
  }
})

describe.each([HELM3, HELM41, HELM4])(
  'token auth like ghcr.io, Helm %s',
  helm => {
    let tokens: TokenServer
    let registry: Registry
    const version = `1.${helm[0]}.0`

    beforeAll(async () => {
      tokens = await startTokenServer({
        users: { [USER]: PASSWORD },
        anonymousPull: true
      })
      registry = await startRegistry({ auth: tokens.registryAuth() })
    })
    afterAll(async () => {
      await registry?.stop()
      await tokens?.stop()
    })

    test('publishes, then refuses the same version with its digest', async () => {
      const ref = `refs/tags/v${version}`
      const first = await release({
        registry: registry.host,
        helm,
        chart: { version },
        ref
      })
      expect(first.exitCode, log(first)).toBe(0)
      expect(first.outputs.pushed).toBe('true')
      expect(tokens.requests.length).toBeGreaterThan(0)
      const again = await release({
        registry: registry.host,
        helm,
        chart: { version },
        ref
      })
      expect(again.exitCode).toBe(1)
      expect(again.stdout).toContain(
        `is already published (digest ${first.outputs.digest})`
      )
    })
  }
)

describe('TLS with a private CA', () => {
  let registry: Registry
  let caFile: string

  beforeAll(async () => {
    const certs = makeServerCertificate(path.join(root, 'certs'))
    caFile = certs.caFile
    registry = await startRegistry({ users: { [USER]: PASSWORD }, tls: certs })
  })
  afterAll(() => registry?.stop())

  test("Helm 4 publishes with 'ca-file'", async () => {
    const helm = HELM4
    const version = `2.${helm[0]}.0`
    const result = await release({
      registry: registry.host,
      helm,
      chart: { version },
      ref: `refs/tags/v${version}`,
      inputs: { 'plain-http': 'false', 'ca-file': 'ca.pem' },
      files: { 'ca.pem': caFile }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.digest).toMatch(/^sha256:/)
  })

  test('Helm 3 is refused before anything is sent: it talks HTTP to loopback hosts', async () => {
    const puts = (): number =>
      registry
        .log()
        .split('\n')
        .filter(l => /"PUT /.test(l)).length
    const putsBefore = puts()
    const result = await release({
      registry: registry.host,
      helm: HELM3,
      chart: { version: '2.3.0' },
      ref: 'refs/tags/v2.3.0',
      inputs: { 'plain-http': 'false', 'ca-file': 'ca.pem' },
      files: { 'ca.pem': caFile }
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /^::error::Helm 3\.17\.3 always talks plain HTTP to a registry on the loopback address .*'helm-version: 4'/m
    )
    expect(puts()).toBe(putsBefore)
  })

  test("without 'ca-file' the error says the certificate is not trusted", async () => {
    const result = await release({
      registry: registry.host,
      chart: { version: '2.9.0' },
      ref: 'refs/tags/v2.9.0',
      inputs: { 'plain-http': 'false' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/^::error::.*certificate.*'ca-file'/im)
  })
})
