// Fewer Helm processes: per dependency level one `helm lint` and one `helm
// package` for all its charts, side by side; the lint still decides before
// anything is pushed, and each chart keeps its own result and log group.
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
import { FakeHelm, FakeRegistry } from '../helpers/fakes.js'
import { removeDir, tempDir } from '../helpers/paths.js'

let root: string
let workspace: string
let printed: string[]
const savedTemp = process.env.RUNNER_TEMP

beforeAll(() => {
  root = tempDir('hor-batch-')
})
afterAll(() => {
  process.env.RUNNER_TEMP = savedTemp
  removeDir(root)
})
beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(root, 'ws-'))
  // Its own: a test looks at the packages left there.
  process.env.RUNNER_TEMP = fs.mkdtempSync(path.join(root, 'temp-'))
  printed = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(chunk.toString())
    return true
  })
  return () => vi.restoreAllMocks()
})

const OPTIONS: PublishOptions = {
  registry: 'registry.test',
  connection: { plainHttp: false, insecureSkipTlsVerify: false },
  lint: true,
  dryRun: false,
  pushRetryDelayMs: 1
}
const TARGET = 'oci://registry.test/acme/charts'
const USES_COMMON =
  'dependencies:\n  - name: common\n    version: 1.0.0\n    repository: file://../common\n'

function release(name: string, extra = ''): ChartRelease {
  const dir = writeChart(path.join(workspace, 'charts'), {
    name,
    version: '1.0.0'
  })
  if (extra) fs.appendFileSync(path.join(dir, 'Chart.yaml'), extra)
  return {
    ...loadChart(dir, workspace),
    registry: 'registry.test',
    repository: 'acme/charts',
    repositoryPath: `acme/charts/${name}`,
    tag: '1.0.0',
    ref: `${TARGET}/${name}`,
    digest: '',
    pushed: false,
    packagePath: ''
  }
}

/** The log's groups: title -> lines. */
function groups(): Map<string, string> {
  const found = new Map<string, string>()
  for (const [, title, body] of printed
    .join('')
    .matchAll(/^::group::(.*)\n([\s\S]*?)^::endgroup::$/gm))
    found.set(title, body)
  return found
}

describe('one chart', () => {
  test('package runs while lint runs; nothing is pushed before lint answers', async () => {
    let answer = (): void => undefined
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, {
      holdLint: new Promise(resolve => (answer = resolve))
    })
    const hello = release('hello')
    const publishing = publishAll(helm, registry, OPTIONS, [hello], false)
    await vi.waitFor(() => expect(helm.calls).toContain('package hello'))
    expect(helm.calls).toEqual(['lint hello', 'package hello'])
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(helm.calls).toHaveLength(2)
    answer()
    await publishing
    expect(helm.calls[2]).toBe(`push hello ${TARGET}`)
    // Each command's output whole, lint's first, in the chart's group.
    const log = groups().get('Package and push hello') ?? ''
    expect(log.indexOf('==> Linting hello')).toBeGreaterThanOrEqual(0)
    expect(log.indexOf('==> Linting hello')).toBeLessThan(
      log.indexOf('Successfully packaged hello')
    )
  })

  test('a lint error stops the release: same message, the package deleted, nothing pushed', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, {
      lintError: 'templates/: parse error'
    })
    const hello = release('hello')
    await expect(
      publishAll(helm, registry, OPTIONS, [hello], false)
    ).rejects.toThrow(
      /^helm lint found errors in .*hello: templates\/: parse error$/
    )
    expect(helm.calls).toEqual(['lint hello', 'package hello'])
    expect(hello).toMatchObject({ pushed: false, packagePath: '', digest: '' })
    const temp = process.env.RUNNER_TEMP!
    const packageDirs = fs.readdirSync(temp).map(d => path.join(temp, d))
    expect(packageDirs).toHaveLength(1)
    expect(fs.readdirSync(packageDirs[0])).toEqual([])
    expect(registry.manifests.size).toBe(0)
  })

  test('dependencies first, then lint and package', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry)
    const app = release(
      'app',
      'dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: oci://registry.test/deps\n'
    )
    await publishAll(helm, registry, OPTIONS, [app], false)
    expect(helm.calls).toEqual([
      'dependency update app',
      'lint app',
      'package app',
      `push app ${TARGET}`
    ])
  })
})

describe('many charts', () => {
  test('one lint and one package per dependency level, with every chart of it', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry)
    const charts = [
      release('api', USES_COMMON),
      release('common'),
      release('web', USES_COMMON),
      release('worker')
    ]
    await publishAll(helm, registry, OPTIONS, charts, true)
    const helmStarts = helm.calls.filter(c => !c.startsWith('dependency'))
    expect(helmStarts.filter(c => !c.startsWith('push'))).toEqual([
      'lint common worker',
      'package common worker',
      'lint api web',
      'package api web'
    ])
    // Each chart pushed once, and every level's pushes after its lint.
    expect(helmStarts.filter(c => c.startsWith('push')).sort()).toEqual(
      ['api', 'common', 'web', 'worker'].map(n => `push ${n} ${TARGET}`)
    )
    expect(helmStarts.indexOf('lint api web')).toBeGreaterThan(
      helmStarts.indexOf(`push common ${TARGET}`)
    )
    expect(charts.every(c => c.pushed)).toBe(true)
    // Each chart's group holds its own part of the shared output.
    const log = groups()
    expect(log.get('Package and push worker 1.0.0')).toContain(
      '==> Linting worker\nSuccessfully packaged worker'
    )
    expect(log.get('Package and push worker 1.0.0')).not.toContain('common')
  })

  test('a lint error refuses that chart alone; its level publishes; the next level does not run', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, {
      lintErrors: { common: 'templates/: parse error' }
    })
    const charts = [
      release('api', USES_COMMON),
      release('common'),
      release('worker')
    ]
    await expect(
      publishAll(helm, registry, OPTIONS, charts, true)
    ).rejects.toThrow(/^helm lint found errors in .*\/common: templates/)
    expect(helm.calls).toEqual([
      'lint common worker',
      'package common worker',
      `push worker ${TARGET}`
    ])
    const [api, common, worker] = charts
    expect([api.pushed, common.pushed, worker.pushed]).toEqual([
      false,
      false,
      true
    ])
    expect(common.packagePath).toBe('')
    const log = groups()
    expect(log.get('Package and push common 1.0.0')).toMatch(
      /\[ERROR\] templates\/: parse error\nSuccessfully packaged common\nDeleted \S+common-1\.0\.0\.tgz: it is not pushed\.\nNot published: helm lint found errors in /
    )
    expect(log.get('Package and push worker 1.0.0')).not.toContain('[ERROR]')
  })

  test('a chart Helm cannot package: its own error; the others publish', async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry, {
      packageErrors: { b: 'cannot load Chart.yaml' }
    })
    const charts = [release('a'), release('b'), release('c')]
    await expect(
      publishAll(helm, registry, OPTIONS, charts, true)
    ).rejects.toThrow('cannot load Chart.yaml')
    expect(charts.map(c => c.pushed)).toEqual([true, false, true])
  })

  test("'lint: false': one package for the level, and a note per chart", async () => {
    const registry = new FakeRegistry()
    const helm = new FakeHelm(registry)
    const notes = await publishAll(
      helm,
      registry,
      { ...OPTIONS, lint: false },
      [release('a'), release('b')],
      true
    )
    expect(helm.calls.filter(c => !c.startsWith('push'))).toEqual([
      'package a b'
    ])
    expect(notes).toEqual([
      'a: Dependencies: none declared',
      "a: Lint: 'lint' is false",
      'b: Dependencies: none declared',
      "b: Lint: 'lint' is false"
    ])
  })
})
