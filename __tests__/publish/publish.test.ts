// The publish flow with small fakes for Helm and the registry: the order of
// the steps, what each record learns, the notes, and the push guard's
// decisions (retry only after reading the tag back, never over another chart).
import fs from 'node:fs'
import path from 'node:path'
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  test,
  vi
} from 'vitest'
import { loadChart } from '../../src/chart/load.js'
import { publishAll, type PublishOptions } from '../../src/publish/publish.js'
import type { ChartRelease } from '../../src/record/chart-release.js'
import { writeChart } from '../helpers/charts.js'
import { FakeHelm, FakeRegistry, sha256 } from '../helpers/fakes.js'
import { removeDir, tempDir } from '../helpers/paths.js'

let root: string
let workspace: string
const savedTemp = process.env.RUNNER_TEMP

beforeAll(() => {
  root = tempDir('hor-publish-')
  process.env.RUNNER_TEMP = path.join(root, 'temp')
  fs.mkdirSync(process.env.RUNNER_TEMP)
})
afterAll(() => {
  process.env.RUNNER_TEMP = savedTemp
  removeDir(root)
})
beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(root, 'ws-'))
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  return () => vi.restoreAllMocks()
})

const OPTIONS: PublishOptions = {
  registry: 'registry.test',
  connection: { plainHttp: false, insecureSkipTlsVerify: false },
  lint: true,
  dryRun: false,
  pushRetryDelayMs: 1
}

function release(name: string, version = '1.0.0', extra = ''): ChartRelease {
  const dir = writeChart(path.join(workspace, 'charts'), { name, version })
  if (extra) fs.appendFileSync(path.join(dir, 'Chart.yaml'), extra)
  const chart = loadChart(dir, workspace)
  return {
    ...chart,
    registry: 'registry.test',
    repository: 'acme/charts',
    repositoryPath: `acme/charts/${name}`,
    tag: version.replace('+', '_'),
    ref: `oci://registry.test/acme/charts/${name}`,
    digest: '',
    pushed: false,
    packagePath: ''
  }
}

describe('one chart', () => {
  test('dependencies, lint, package, push; the record gets the served digest', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry)
    const hello = release('hello', '1.2.3+build.1')
    const notes = await publishAll(helm, registry, OPTIONS, [hello], false)
    expect(helm.calls).toEqual([
      'lint hello',
      'package hello',
      'push hello oci://registry.test/acme/charts'
    ])
    expect(notes).toEqual(['Dependencies: none declared'])
    expect(hello.pushed).toBe(true)
    expect(hello.digest).toBe(
      registry.manifests.get('acme/charts/hello:1.2.3_build.1')?.digest
    )
    expect(hello.packagePath).toMatch(/hello-1\.2\.3\+build\.1\.tgz$/)
  })

  test('a dry run packages but pushes nothing, and says so', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry)
    const hello = release('hello')
    const notes = await publishAll(
      helm,
      registry,
      { ...OPTIONS, dryRun: true, lint: false },
      [hello],
      false
    )
    expect(helm.calls).toEqual(['package hello'])
    expect(notes).toEqual([
      'Dependencies: none declared',
      "Lint: 'lint' is false",
      "Push: 'dry-run' is true"
    ])
    expect(hello).toMatchObject({ pushed: false, digest: '' })
    expect(fs.existsSync(hello.packagePath)).toBe(true)
    expect(registry.manifests.size).toBe(0)
  })

  test('dependencies from a chart repository are added, then built', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry)
    const app = release(
      'app',
      '1.0.0',
      'dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n'
    )
    const notes = await publishAll(helm, registry, OPTIONS, [app], false)
    expect(helm.calls.slice(0, 2)).toEqual([
      'repo add https://charts.example.com',
      'dependency update app'
    ])
    expect(notes).toEqual([])
  })
})

describe('a failed push', () => {
  test('transient, not landed: pushed again after reading the tag back', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, {
      pushFailures: ['503 Service Unavailable']
    })
    const hello = release('hello')
    await publishAll(helm, registry, OPTIONS, [hello], false)
    expect(helm.calls.filter(c => c.startsWith('push'))).toHaveLength(2)
    expect(hello.pushed).toBe(true)
  })

  test('transient, but it had landed: not pushed again; the served digest', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, {
      pushFailures: ['unexpected EOF'],
      landDespiteFailure: true
    })
    const hello = release('hello')
    await publishAll(helm, registry, OPTIONS, [hello], false)
    expect(helm.calls.filter(c => c.startsWith('push'))).toHaveLength(1)
    expect(hello.digest).toBe(
      registry.manifests.get('acme/charts/hello:1.0.0')?.digest
    )
  })

  test('another chart appeared under the tag meanwhile: refused, nothing pushed over it', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, { pushFailures: ['502 Bad Gateway'] })
    const hello = release('hello')
    registry.put('acme/charts/hello', '1.0.0', sha256('someone else'))
    await expect(
      publishAll(helm, registry, OPTIONS, [hello], false)
    ).rejects.toThrow(
      /appeared in the registry during this release with other content .*nothing was pushed over it/
    )
    expect(helm.calls.filter(c => c.startsWith('push'))).toHaveLength(1)
  })

  test.each([
    ['not transient', 'unauthorized: authentication required', /unauthorized/],
    [
      'the tag is immutable in the registry',
      'ImageTagAlreadyExistsException: tag 1.0.0 already exists',
      /the tag is immutable in the registry/
    ]
  ])('%s: fails at once, one push', async (_, failure, message) => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, { pushFailures: [failure] })
    await expect(
      publishAll(helm, registry, OPTIONS, [release('hello')], false)
    ).rejects.toThrow(message)
    expect(helm.calls.filter(c => c.startsWith('push'))).toHaveLength(1)
  })
})

test('many charts: file:// dependencies first, notes named per chart, Helm output collected per chart', async () => {
  const registry = new FakeRegistry()
  const helm = new FakeHelm(registry)
  const api = release(
    'api',
    '2.0.0',
    'dependencies:\n  - name: common\n    version: 1.0.0\n    repository: file://../common\n'
  )
  const common = release('common')
  const printed: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(chunk.toString())
    return true
  })
  const notes = await publishAll(helm, registry, OPTIONS, [api, common], true)
  const pushes = helm.calls.filter(c => c.startsWith('push'))
  expect(pushes).toEqual([
    'push common oci://registry.test/acme/charts',
    'push api oci://registry.test/acme/charts'
  ])
  expect(notes).toEqual(['common: Dependencies: none declared'])
  const log = printed.join('')
  expect(log).toContain('::group::Package and push common 1.0.0\n')
  expect(log).toContain('Successfully packaged api')
  expect(api.pushed && common.pushed).toBe(true)
})
