// A chart in Helm 2's format (`apiVersion: v1`, dependencies in
// requirements.yaml), shaped like podinfo's, published through the bundled
// action with real Helm 3 and 4 as Helm itself publishes it: both package,
// push, pull and template such a chart (checked by hand with 3.17.3 and
// 4.2.3; helm lint refuses only a v1 Chart.yaml with `dependencies` or
// `type`, see src/chart/api-version.ts).
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
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import {
  HELM3,
  HELM4,
  realHelm,
  removeDir,
  repoRoot,
  tempDir
} from '../helpers/paths.js'
import {
  listTags,
  manifestDigest,
  startRegistry,
  type Registry
} from '../helpers/registry.js'

const PODINFO = path.join(
  repoRoot,
  '__tests__',
  'fixtures',
  'charts',
  'podinfo'
)

let root: string
let registry: Registry
let mirror: Mirror
let runs = 0

beforeAll(async () => {
  root = tempDir('hor-chart-v1-')
  ;[registry, mirror] = await Promise.all([
    startRegistry(),
    startMirror({ versions: [HELM3, HELM4] })
  ])
})

afterAll(async () => {
  await Promise.all([registry?.stop(), mirror?.stop()])
  removeDir(root)
})

/** The workspace: podinfo (v1) and a v1 `common` it requires through file://. */
function workspace(dirs: RunnerDirs, requirementsRepo: string): string {
  const charts = path.join(dirs.workspace, 'charts')
  const podinfo = path.join(charts, 'podinfo')
  fs.cpSync(PODINFO, podinfo, { recursive: true })
  fs.mkdirSync(path.join(charts, 'common', 'templates'), { recursive: true })
  fs.writeFileSync(
    path.join(charts, 'common', 'Chart.yaml'),
    'apiVersion: v1\nname: common\nversion: 1.0.0\n'
  )
  fs.writeFileSync(
    path.join(charts, 'common', 'templates', '_names.tpl'),
    '{{- define "common.name" -}}common{{- end -}}\n'
  )
  fs.writeFileSync(
    path.join(podinfo, 'requirements.yaml'),
    `dependencies:\n  - name: common\n    version: 1.0.0\n    repository: ${requirementsRepo}\n`
  )
  return podinfo
}

function release(
  helm: string,
  repository: string,
  requirementsRepo = 'file://../common'
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  workspace(dirs, requirementsRepo)
  return runMain({
    inputs: {
      chart: 'charts/podinfo',
      registry: registry.host,
      repository,
      password: '',
      'helm-version': helm,
      'helm-download-url': mirror.url,
      'plain-http': 'true'
    },
    github: { repository_owner: 'acme', actor: 'octocat', token: 'ghs_x' },
    dirs,
    env: { GITHUB_REF: 'refs/tags/v6.10.0' }
  })
}

describe.each([HELM3, HELM4])('with Helm %s', helm => {
  const repository = `v1/h${helm.replaceAll('.', '')}`
  let main: StepResult

  beforeAll(async () => {
    main = await release(helm, repository)
  })

  test('publishes the v1 chart and says v2 is the newer format', () => {
    expect(main.exitCode, main.stdout + main.stderr).toBe(0)
    expect(main.outputs).toMatchObject({
      'chart-name': 'podinfo',
      'chart-version': '6.10.0',
      pushed: 'true'
    })
    expect(main.stdout).not.toContain('OCI registries need a Helm 3 chart')
    expect(main.stdout).toMatch(
      /::notice file=charts\/podinfo\/Chart\.yaml,line=1::charts\/podinfo\/Chart\.yaml has 'apiVersion: v1' \(Helm 2's format\); Helm 3 and 4 publish it as it is\. Consider 'apiVersion: v2'/
    )
  })

  test('the registry serves the digest the action read back', async () => {
    const ref = `${repository}/podinfo`
    expect(await listTags(registry, ref)).toEqual(['6.10.0'])
    expect(main.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await manifestDigest(registry, ref, '6.10.0')).toBe(
      main.outputs.digest
    )
  })

  test('Helm pulls it as a v1 chart holding the dependency requirements.yaml names', () => {
    const out = path.join(root, `pulled-${helm}`)
    fs.mkdirSync(out)
    execFileSync(
      realHelm(helm),
      [
        'pull',
        `oci://${registry.host}/${repository}/podinfo`,
        '--version',
        '6.10.0',
        '--plain-http',
        '--destination',
        out
      ],
      { env: { ...process.env, HELM_CONFIG_HOME: out, HELM_CACHE_HOME: out } }
    )
    const tgz = path.join(out, 'podinfo-6.10.0.tgz')
    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
    expect(files).toContain('podinfo/requirements.yaml')
    expect(files).toContain('podinfo/requirements.lock')
    expect(files).toContain('podinfo/charts/common/Chart.yaml')
    const chartYaml = execFileSync(
      'tar',
      ['-xzOf', tgz, 'podinfo/Chart.yaml'],
      { encoding: 'utf8' }
    )
    expect(chartYaml).toMatch(/^apiVersion: v1$/m)
  })
})

test('a requirements.yaml dependency outside the workspace is refused before any push', async () => {
  const main = await release(HELM4, 'v1/outside', 'file:///etc')
  expect(main.exitCode).toBe(1)
  expect(main.stdout).toMatch(
    /charts\/podinfo\/requirements\.yaml: dependency 'common' comes from file:\/\/\/etc.*outside the workspace/
  )
  expect(await listTags(registry, 'v1/outside/podinfo')).toEqual([])
})
