// Tags and config blobs against the real CNCF distribution registry: charts
// with `artifacthub.io/changes` pushed by the real Helm 3 and Helm 4, tags read
// page by page (`?n=` and `Link: rel="next"`), and the changelog read from
// each version's config blob. distribution 2.8 ignores `n` on tags/list (v3
// pages it), so a small front pages the real registry's list as the
// distribution spec says: sorted, `n` and `last`, a relative Link.
import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { childEnv } from '../../src/process-env.js'
import { RegistryClient } from '../../src/registry/client.js'
import { HELM_CHART_CONFIG } from '../../src/registry/oci-manifest.js'
import { readChangelog } from '../../src/render/changelog-source.js'
import { changelogMarkdown } from '../../src/render/changelog.js'
import { writeChart } from '../helpers/charts.js'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'
import { startRegistry, type Registry } from '../helpers/registry.js'

const FAST_RETRY = { attempts: 4, baseDelayMs: 20, maxDelayMs: 200 }
const REPOSITORY = 'charts/app'

/** Runs a program without blocking the event loop (the registry lives here). */
function run(bin: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>(
    (resolve, reject) => {
      const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (d: Buffer) => (output += d.toString()))
      child.stderr.on('data', (d: Buffer) => (output += d.toString()))
      child.on('error', reject)
      child.on('close', code => resolve({ code, output }))
    }
  )
}

/** Chart.yaml of `app` at `version`, with extra top-level lines. */
function chartYaml(version: string, extra: string[] = []): string {
  return [
    'apiVersion: v2',
    'name: app',
    'type: application',
    `version: ${version}`,
    `appVersion: "app-${version}"`,
    ...extra,
    ''
  ].join('\n')
}

/** Packages and pushes one version with the real Helm, in an isolated home. */
async function push(
  helmVersion: string,
  host: string,
  version: string,
  extra: string[] = []
): Promise<void> {
  const home = tempDir('hor-helm-')
  try {
    const env = childEnv({
      HOME: home,
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_DATA_HOME: path.join(home, 'data')
    })
    const dir = writeChart(home, { chartYaml: chartYaml(version, extra) })
    const helm = realHelm(helmVersion)
    const packaged = await run(helm, ['package', dir, '-d', home], env)
    expect(packaged.code, packaged.output).toBe(0)
    const tgz = path.join(home, `app-${version}.tgz`)
    const target = `oci://${host}/charts`
    const pushed = await run(helm, ['push', tgz, target, '--plain-http'], env)
    expect(pushed.code, pushed.output).toBe(0)
  } finally {
    removeDir(home)
  }
}

interface Pager {
  host: string
  /** Replaces the next-page link (e.g. one to another host); undefined = spec's. */
  link?: (spec: string) => string
  stop(): Promise<void>
}

/** Serves `GET /v2/<name>/tags/list?n=&last=` from the registry's full list. */
async function startPager(registry: Registry): Promise<Pager> {
  const pager: Pager = { host: '', stop: () => Promise.resolve() }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://pager')
    void fetch(`${registry.url}${url.pathname}`)
      .then(async upstream => {
        const { name, tags } = (await upstream.json()) as {
          name: string
          tags: string[]
        }
        const n = Number(url.searchParams.get('n') ?? tags.length)
        const last = url.searchParams.get('last')
        const rest = tags.sort().filter(tag => last === null || tag > last)
        const page = rest.slice(0, n)
        if (rest.length > n) {
          const next = `${url.pathname}?last=${page[page.length - 1]}&n=${n}`
          res.setHeader('link', `<${pager.link?.(next) ?? next}>; rel="next"`)
        }
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ name, tags: page }))
      })
      .catch(() => res.writeHead(502).end())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  pager.host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  pager.stop = () => new Promise<void>(resolve => server.close(() => resolve()))
  return pager
}

function client(host: string): RegistryClient {
  return new RegistryClient({
    registry: host,
    plainHttp: true,
    insecureSkipTlsVerify: false,
    retry: FAST_RETRY,
    timeoutMs: 60_000
  })
}

const STRING_CHANGES = [
  'annotations:',
  '  artifacthub.io/changes: |',
  '    - Added a Service',
  '    - "Fixed <the> probe @admin"'
]
const OBJECT_CHANGES = [
  'deprecated: true',
  'annotations:',
  '  artifacthub.io/changes: |',
  '    - kind: added',
  '      description: An Ingress',
  '      links:',
  '        - name: PR',
  '          url: https://example.com/pr/7',
  '    - kind: fixed',
  '      description: The port'
]
const MALFORMED_CHANGES = [
  'annotations:',
  '  artifacthub.io/changes: "kind: [unclosed"'
]

describe('tags and configs of a real registry', () => {
  let registry: Registry
  let pager: Pager
  let proxy: FaultProxy

  beforeAll(async () => {
    registry = await startRegistry()
    const host = registry.host
    // One at a time: each push is quick, and the machine's cores are shared.
    await push(HELM4, host, '1.0.0')
    await push(HELM3, host, '1.1.0', STRING_CHANGES)
    await push(HELM4, host, '1.1.1+build.5')
    await push(HELM4, host, '1.2.0-rc.1', STRING_CHANGES)
    await push(HELM4, host, '1.2.0', OBJECT_CHANGES)
    await push(HELM3, host, '1.3.0', MALFORMED_CHANGES)
    await push(HELM4, host, '1.4.0')
    pager = await startPager(registry)
    proxy = await startFaultProxy(`http://${pager.host}`, {
      match: (_method, requestPath) => requestPath.includes('/tags/list')
    })
  })
  afterAll(async () => {
    await proxy?.stop()
    await pager?.stop()
    await registry?.stop()
  })

  test('lists every tag, `+` written `_`', async () => {
    const tags = await client(registry.host).listTags(REPOSITORY)
    expect([...tags].sort()).toEqual([
      '1.0.0',
      '1.1.0',
      '1.1.1_build.5',
      '1.2.0',
      '1.2.0-rc.1',
      '1.3.0',
      '1.4.0'
    ])
  })

  test('follows Link: rel="next" across small pages, a 503 between them retried', async () => {
    proxy.clear()
    const c = client(proxy.host)
    const first = await c.listTags(REPOSITORY, { pageSize: 2 })
    const pages = proxy.requests.filter(r => r.path.includes('/tags/list'))
    expect(pages.map(page => page.path)).toEqual([
      '/v2/charts/app/tags/list?n=2',
      '/v2/charts/app/tags/list?last=1.1.0&n=2',
      '/v2/charts/app/tags/list?last=1.2.0&n=2',
      '/v2/charts/app/tags/list?last=1.3.0&n=2'
    ])
    proxy.clear()
    proxy.failNext(1, { kind: 'status', status: 503 })
    // The fault hits the first page; the retry and the later pages go through.
    const again = await c.listTags(REPOSITORY, { pageSize: 3 })
    expect(again).toEqual(first)
    expect(new Set(first).size).toBe(7)
  })

  test('a next page elsewhere is refused; a link loop stops at the page bound', async () => {
    pager.link = next => `http://203.0.113.9${next}`
    const elsewhere: unknown = await client(pager.host)
      .listTags(REPOSITORY, { pageSize: 2 })
      .catch((e: unknown) => e)
    expect((elsewhere as Error).message).toMatch(
      /links its next page outside the tag list/
    )
    pager.link = () => `/v2/${REPOSITORY}/tags/list?n=2`
    const loop: unknown = await client(pager.host)
      .listTags(REPOSITORY, { pageSize: 2 })
      .catch((e: unknown) => e)
    expect(loop).toBeInstanceOf(UserError)
    expect((loop as Error).message).toMatch(/more than 10000 tags or 100 pages/)
    pager.link = undefined
  })

  test('an absent repository has no tags; a failing one is a UserError', async () => {
    expect(await client(registry.host).listTags('charts/none')).toEqual([])
    proxy.clear()
    proxy.failAlways({ kind: 'status', status: 503 })
    try {
      const error: unknown = await client(proxy.host)
        .listTags(REPOSITORY)
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UserError)
      expect((error as Error).message).toMatch(
        /Could not list the tags of oci:\/\/127\.0\.0\.1:\d+\/charts\/app: the registry kept failing \(503/
      )
    } finally {
      proxy.clear()
    }
  })

  test("getConfig reads the chart's Chart.yaml as JSON, digest checked", async () => {
    const c = client(registry.host)
    const config = await c.getConfig(REPOSITORY, '1.2.0')
    expect(config?.mediaType).toBe(HELM_CHART_CONFIG)
    const chart = JSON.parse(config!.body.toString()) as Record<string, unknown>
    expect(chart).toMatchObject({
      name: 'app',
      version: '1.2.0',
      appVersion: 'app-1.2.0',
      deprecated: true
    })
    expect(await c.getConfig(REPOSITORY, '9.9.9')).toBeUndefined()
  })

  test('readChangelog: versions between, newest first, both annotation forms', async () => {
    const changelog = await readChangelog(
      client(registry.host),
      REPOSITORY,
      '1.0.0',
      '1.3.0'
    )
    expect(changelog.notes).toEqual([])
    expect(changelog.entries).toEqual([
      {
        version: '1.3.0',
        appVersion: 'app-1.3.0',
        deprecated: false,
        changes: [],
        notes: [
          expect.stringMatching(/^`artifacthub.io\/changes` is not valid YAML/)
        ]
      },
      {
        version: '1.2.0',
        appVersion: 'app-1.2.0',
        deprecated: true,
        changes: [
          { kind: 'added', description: 'An Ingress' },
          { kind: 'fixed', description: 'The port' }
        ]
      },
      {
        version: '1.1.1+build.5',
        appVersion: 'app-1.1.1+build.5',
        deprecated: false,
        changes: []
      },
      {
        version: '1.1.0',
        appVersion: 'app-1.1.0',
        deprecated: false,
        changes: [
          { description: 'Added a Service' },
          { description: 'Fixed <the> probe @admin' }
        ]
      }
    ])
    const markdown = changelogMarkdown(changelog)
    expect(markdown).toContain('- Fixed &lt;the&gt; probe @&#8203;admin\n')
    expect(markdown).toContain('#### 1.2.0 (deprecated)')
  })

  test('readChangelog to a prerelease brings the prereleases in', async () => {
    const changelog = await readChangelog(
      client(registry.host),
      REPOSITORY,
      '1.0.0',
      '1.2.0-rc.1'
    )
    expect(changelog.entries.map(e => e.version)).toEqual([
      '1.2.0-rc.1',
      '1.1.1+build.5',
      '1.1.0'
    ])
    expect(changelog.entries[0].changes).toHaveLength(2)
  })
})
