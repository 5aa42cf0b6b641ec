// Many charts in one repository, through the bundled action.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type RunnerDirs,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import { HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'
import { listTags, startRegistry, type Registry } from '../helpers/registry.js'

let root: string
let registry: Registry
let mirror: Mirror
let runs = 0

interface ChartOutput {
  name: string
  version: string
  ref: string
  digest: string
  pushed: boolean
}

/** A monorepo: common (used by api through file://), api, web, and a docs folder. */
function monorepo(dirs: RunnerDirs, versions: Record<string, string>): void {
  const charts = path.join(dirs.workspace, 'charts')
  writeChart(charts, { name: 'common', version: versions.common })
  const api = writeChart(charts, { name: 'api', version: versions.api })
  fs.appendFileSync(
    path.join(api, 'Chart.yaml'),
    `dependencies:\n  - name: common\n    version: ${versions.common}\n    repository: file://../common\n`
  )
  writeChart(charts, { name: 'web', version: versions.web })
  fs.mkdirSync(path.join(charts, 'docs'))
  fs.writeFileSync(path.join(charts, 'docs', 'README.md'), '# not a chart\n')
}

async function release(
  repository: string,
  versions: Record<string, string>,
  inputs: Record<string, string>,
  ref = 'refs/heads/main'
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  monorepo(dirs, versions)
  return runMain({
    inputs: {
      chart: 'charts/*',
      registry: registry.host,
      repository,
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      ...inputs
    },
    github: { repository_owner: 'acme', actor: 'octocat', token: 'ghs_x' },
    dirs,
    env: { GITHUB_REF: ref }
  })
}

const log = (result: StepResult): string => result.stdout + result.stderr
const chartsOutput = (result: StepResult): ChartOutput[] =>
  JSON.parse(result.outputs.charts) as ChartOutput[]

beforeAll(async () => {
  root = tempDir('hor-monorepo-')
  ;[registry, mirror] = await Promise.all([
    startRegistry(),
    startMirror({ versions: [HELM4] })
  ])
})

afterAll(async () => {
  await Promise.all([registry?.stop(), mirror?.stop()])
  removeDir(root)
})

const V1 = { common: '1.0.0', api: '1.0.0', web: '2.0.0' }

describe('a tag releases exactly the chart it names', () => {
  test('web-v2.0.0 with charts/* releases web only', async () => {
    const result = await release(
      'tagged',
      V1,
      { 'tag-pattern': '{name}-v{version}' },
      'refs/tags/web-v2.0.0'
    )
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toMatch(
      /^::notice::charts\/docs has no Chart\.yaml: not a chart, ignored\./m
    )
    expect(chartsOutput(result)).toEqual([
      {
        name: 'web',
        version: '2.0.0',
        ref: `oci://${registry.host}/tagged/web`,
        digest: result.outputs.digest,
        pushed: true
      }
    ])
    // The single-chart outputs keep working when one chart is released.
    expect(result.outputs).toMatchObject({
      'chart-name': 'web',
      'chart-version': '2.0.0',
      pushed: 'true'
    })
    for (const other of ['api', 'common'])
      expect(await listTags(registry, `tagged/${other}`)).toEqual([])
  })

  test('a tag naming no chart is an error listing the charts found', async () => {
    const result = await release(
      'tagged',
      V1,
      { 'tag-pattern': '{name}-v{version}' },
      'refs/tags/db-v1.0.0'
    )
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /^::error::Tag 'db-v1\.0\.0' releases none of the charts found .*api 1\.0\.0 \(tag 'api-v1\.0\.0', charts\/api\/Chart\.yaml\).*common 1\.0\.0.*web 2\.0\.0/m
    )
  })
})

describe("'release what changed': check-tag false and if-exists skip", () => {
  const inputs = { 'check-tag': 'false', 'if-exists': 'skip' }
  let first: StepResult

  beforeAll(async () => {
    first = await release('changed', V1, inputs)
  })

  test('the first run releases every chart, each in its own log group', () => {
    expect(first.exitCode, log(first)).toBe(0)
    expect(chartsOutput(first).map(c => [c.name, c.pushed])).toEqual([
      ['api', true],
      ['common', true],
      ['web', true]
    ])
    for (const name of ['api', 'common', 'web']) {
      expect(first.stdout).toContain(`::group::Package and push ${name} `)
      // The chart's own lines (push, read-back) are inside its group.
      const group = first.stdout
        .split('::group::')
        .find(part => part.startsWith(`Package and push ${name} `))!
      expect(group.split('::endgroup::')[0]).toMatch(
        new RegExp(
          `Pushed \\S+/${name}:[^ ]+ \\(sha256:[a-f0-9]{64}\\)\\.\\n[^]*The registry serves oci://\\S+/${name}:`
        )
      )
    }
    expect(first.outputs['chart-name']).toBe('')
    expect(first.summary).toContain('Published 3 of 3 charts')
  })

  test('api carries common, built from the file:// dependency', () => {
    const out = path.join(root, 'pulled')
    fs.mkdirSync(out, { recursive: true })
    const env = {
      ...process.env,
      HELM_CONFIG_HOME: out,
      HELM_CACHE_HOME: out,
      HELM_DATA_HOME: out
    }
    execFileSync(
      realHelm(HELM4),
      [
        'pull',
        `oci://${registry.host}/changed/api`,
        '--version',
        '1.0.0',
        '--plain-http',
        '-d',
        out
      ],
      { env, stdio: 'ignore' }
    )
    const files = execFileSync(
      'tar',
      ['-tzf', path.join(out, 'api-1.0.0.tgz')],
      { encoding: 'utf8' }
    )
    expect(files).toContain('api/charts/common/Chart.yaml')
  })

  test('a later run releases only what changed and reports the rest', async () => {
    const second = await release('changed', { ...V1, api: '1.1.0' }, inputs)
    expect(second.exitCode, log(second)).toBe(0)
    const charts = chartsOutput(second)
    expect(charts.map(c => [c.name, c.version, c.pushed])).toEqual([
      ['api', '1.1.0', true],
      ['common', '1.0.0', false],
      ['web', '2.0.0', false]
    ])
    expect(charts[2].digest).toBe(chartsOutput(first)[2].digest)
    expect(second.summary).toContain('Published 1 of 3 charts')
    expect(second.summary).toContain('no (already published)')
    expect(await listTags(registry, 'changed/api')).toEqual(
      expect.arrayContaining(['1.0.0', '1.1.0'])
    )
  })

  test("with 'if-exists: fail' every published chart is named and nothing is pushed", async () => {
    const result = await release(
      'changed',
      { ...V1, api: '1.2.0' },
      { 'check-tag': 'false' }
    )
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /changed\/common:1\.0\.0 is already published/
    )
    expect(result.stdout).toMatch(/changed\/web:2\.0\.0 is already published/)
    expect(await listTags(registry, 'changed/api')).not.toContain('1.2.0')
  })
})
