// The preview's `helm template` with the real Helm 3.17.3 and 4.2.3, run
// isolated: what each layer blocks. The process sees no variable of the
// runner's but PATH and the locale; in a network namespace a schema's URL
// on loopback is unreachable; with the fallback's closed proxies every other
// URL is refused but loopback is still reached (Go never proxies it: the
// preview's schema check, render/schema-refs.ts, closes that); a template
// that eats memory is stopped with a clear message.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  probeIsolation,
  RENDER_MEMORY_BYTES,
  type Isolation
} from '../../src/helm/isolation.js'
import type { TemplateRequest } from '../../src/helm/template-args.js'
import { IsolatedHelm } from '../../src/helm/template.js'
import { writeChart } from '../helpers/charts.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const SECRET = 'runner-secret-3e7b'
const BASE: NodeJS.ProcessEnv = {
  ...process.env,
  ACTIONS_RUNTIME_TOKEN: SECRET,
  GITHUB_TOKEN: SECRET
}

let root: string
let server: http.Server
let requests: string[] = []
let loopbackUrl: string

function chart(name: string, files: Record<string, string>): string {
  const dir = writeChart(path.join(root, 'charts'), { name, version: '1.0.0' })
  for (const [file, text] of Object.entries(files))
    fs.writeFileSync(path.join(dir, file), text)
  return dir
}

function request(chartDir: string, sets: TemplateRequest['sets'] = []) {
  return {
    releaseName: 'web',
    chart: chartDir,
    namespace: 'apps',
    valuesFiles: [],
    sets,
    includeCrds: true,
    apiVersions: []
  }
}

const schemaRef = (url: string): Record<string, string> => ({
  'values.schema.json': JSON.stringify({
    properties: { greeting: { $ref: url } }
  })
})

beforeAll(async () => {
  root = tempDir('hor-template-')
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    res.end('{"type": "string"}')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  loopbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server?.close()
  removeDir(root)
})

describe.each([HELM3, HELM4])('Helm %s', version => {
  let namespaced: IsolatedHelm
  let proxied: IsolatedHelm

  beforeAll(async () => {
    const binary = realHelm(version)
    const isolation = await probeIsolation(binary, root)
    // The tests run as root on Linux: the probe finds a network namespace.
    expect(isolation).toMatchObject({
      network: 'namespace',
      memoryBounded: true
    })
    namespaced = new IsolatedHelm(binary, version, isolation, root, BASE)
    // What a runner that refuses user namespaces gets: prlimit, closed proxies.
    const fallback: Isolation = {
      prefix: isolation.prefix.slice(isolation.prefix.indexOf('--') + 1),
      network: 'proxy',
      memoryBounded: true
    }
    proxied = new IsolatedHelm(binary, version, fallback, root, BASE)
  })

  test.each(['namespace', 'proxy'])(
    "a chart renders under %s isolation, and Helm sees none of the runner's variables",
    async which => {
      const helm = which === 'namespace' ? namespaced : proxied
      const dir = chart(`env-${which}`, {
        'templates/env.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: env}\ndata:\n  env: {{ .Values.env | quote }}\n'
      })
      const output = await helm.template(
        request(dir, [
          { flag: '--set-file', path: 'env', value: '/proc/self/environ' }
        ])
      )
      if (!('manifest' in output)) throw new Error(output.error)
      expect(output.manifest).toContain('name: web-greeting')
      expect(output.manifest).toContain('HELM_CONFIG_HOME=')
      expect(output.manifest).not.toContain(SECRET)
    }
  )

  test('in a network namespace, a schema URL on loopback is not reached', async () => {
    requests = []
    const dir = chart('ns-loopback', schemaRef(`${loopbackUrl}/a.json`))
    const output = await namespaced.template(request(dir))
    expect(output).toMatchObject({
      error: expect.stringMatching(/network is unreachable/)
    })
    expect(requests).toEqual([])
  })

  test('with closed proxies, any other URL is refused at the proxy', async () => {
    const dir = chart('proxy-remote', schemaRef('http://192.0.2.1:8080/a.json'))
    const output = await proxied.template(request(dir))
    expect(output).toMatchObject({
      error: expect.stringMatching(
        /proxyconnect tcp: dial tcp 127\.0\.0\.1:0: connect: connection refused/
      )
    })
  })

  test('with closed proxies, loopback is still reached: Go never proxies it', async () => {
    requests = []
    const dir = chart('proxy-loopback', schemaRef(`${loopbackUrl}/b.json`))
    await proxied.template(request(dir))
    expect(requests).toEqual(['/b.json'])
  })
})

test('Helm 4.2.3: a template that eats memory is stopped at the bound, with a clear message', async () => {
  const binary = realHelm(HELM4)
  const helm = new IsolatedHelm(
    binary,
    HELM4,
    await probeIsolation(binary, root),
    root
  )
  // `repeat` asks for 2 GB at once, twice the bound: stopped in a moment,
  // where a list grown number by number takes seconds of CPU first (which a
  // busy machine stretches past the render's 60 s, a stop for time instead).
  const dir = chart('bomb', {
    'templates/bomb.yaml': '{{- repeat (int .Values.size) "x" }}\n'
  })
  const output = await helm.template(
    request(dir, [{ flag: '--set', path: 'size', value: '2000000000' }])
  )
  expect(output).toEqual({
    error: `helm was stopped: it needed more than ${RENDER_MEMORY_BYTES / 1024 / 1024} MiB of memory, the bound of one render`,
    stopped: 'memory'
  })
})

test('Helm 3.15 has no --skip-schema-validation; 3.16 and later have', () => {
  const isolation: Isolation = {
    prefix: [],
    network: 'proxy',
    memoryBounded: false
  }
  const skips = (v: string): boolean =>
    new IsolatedHelm('/helm', v, isolation, root).skipsSchemaValidation
  expect([
    skips('3.15.4'),
    skips('3.16.0'),
    skips(HELM3),
    skips(HELM4)
  ]).toEqual([false, true, true, true])
})
