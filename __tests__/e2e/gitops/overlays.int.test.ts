// Environments as Kustomize overlays (#24), through the bundled action with a
// real registry, a real git server and the OpenAPI-checked GitHub double:
// Flux's example layout (apps/base/podinfo + apps/staging and
// apps/production patching the HelmRelease) with an OCI HelmRepository.
// Each environment's effective version moves by exactly the bytes that set
// it, the body lists each environment, and `gitops-paths: apps/staging/**`
// promotes staging alone.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { StepResult } from '../../helpers/action-runner.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import {
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import {
  podinfoHarness,
  seedRepository,
  type PodinfoChart
} from '../../helpers/podinfo-release.js'
import { HELM4, realHelm, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'
import {
  fluxExampleLayout,
  type LayoutOptions
} from '../../gitops/tools/kustomize/build/layout.js'
import {
  helmChartsLayout,
  type ChartsLayoutOptions
} from '../../gitops/tools/kustomize/build/charts-layout.js'

const TOKEN = 'ghs_overlayTOKEN1234567890'

let root: string
let registry: Registry
let github: GitHubDouble
let servers: GitopsServers

/** A GitOps repository `acme/<name>` holding the layout. */
function seed(name: string, options: LayoutOptions): Map<string, string> {
  return seedRepository(
    servers,
    name,
    fluxExampleLayout({ ...options, url: `oci://${registry.host}/acme/charts` })
  )
}

/** A GitOps repository `acme/<name>` of kustomizations inflating the chart. */
function seedCharts(
  name: string,
  options: ChartsLayoutOptions
): Map<string, string> {
  return seedRepository(
    servers,
    name,
    helmChartsLayout({ ...options, repo: `oci://${registry.host}/acme/charts` })
  )
}

/** podinfo, with a ConfigMap that shows the values each environment sets. */
const CHART: PodinfoChart = {
  template: [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ .Release.Name }}-ui',
    'data:',
    '  message: {{ .Values.ui.message | quote }}',
    '  replicas: {{ .Values.replicaCount | quote }}',
    '  chart: {{ .Chart.Version | quote }}',
    ''
  ].join('\n'),
  values: 'replicaCount: 1\nui:\n  message: default\n'
}

const { release, writePodinfo, changed, body } = podinfoHarness(() => ({
  servers,
  root,
  token: TOKEN,
  chart: CHART,
  render: false
}))

const log = (result: StepResult): string => result.stdout + result.stderr

beforeAll(async () => {
  root = tempDir('hor-overlays-e2e-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, github } = servers)
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('the Flux example layout', () => {
  test('both environments pinned in their patches: both patches move, the body lists each', async () => {
    const files = seed('both-envs', { staging: '1.0.0', production: '1.0.0' })
    const result = await release('both-envs', '1.1.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect(changed('both-envs', files)).toEqual({
      'apps/production/podinfo-values.yaml': [
        '      version: 1.0.0 →       version: 1.1.0'
      ],
      'apps/staging/podinfo-values.yaml': [
        '      version: 1.0.0 →       version: 1.1.0'
      ]
    })
    const text = body('both-envs')
    expect(text).toContain('### Environments')
    for (const env of ['production', 'staging'])
      expect(text).toContain(
        `| apps/${env} | HelmRelease podinfo (namespace podinfo) | <code>apps/${env}/podinfo-values.yaml</code> | 9 | <code>1.0.0</code> | <code>1.1.0</code> |  |`
      )
    // The base names no version: it is no longer "not set" for the user.
    expect(log(result)).not.toMatch(/version is not set/)
    expect(github.violations).toEqual([])
  })

  test('pinned in the base only: the base moves both environments', async () => {
    const files = seed('base-only', { base: '1.0.0' })
    const result = await release('base-only', '1.2.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(changed('base-only', files)).toEqual({
      'apps/base/podinfo/release.yaml': [
        '      version: 1.0.0 →       version: 1.2.0'
      ]
    })
    for (const env of ['production', 'staging'])
      expect(body('base-only')).toContain(
        `| apps/${env} | HelmRelease podinfo (namespace podinfo) | <code>apps/base/podinfo/release.yaml</code> | 12 | <code>1.0.0</code> | <code>1.2.0</code> |  |`
      )
  })

  test('pinned in both: the patches move; the base, which applies nowhere, stays and says why', async () => {
    const files = seed('both-places', {
      base: '0.9.0',
      staging: '1.0.0',
      production: '1.0.0'
    })
    const result = await release('both-places', '1.3.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(Object.keys(changed('both-places', files)).sort()).toEqual([
      'apps/production/podinfo-values.yaml',
      'apps/staging/podinfo-values.yaml'
    ])
    expect(body('both-places')).toMatch(
      /### Left alone[\s\S]*apps\/base\/podinfo\/release\.yaml.*every Kustomize build that includes it overrides it with a patch/
    )
  })

  test("gitops-paths 'apps/staging/**': staging alone moves, production is named with why", async () => {
    const files = seed('staging-first', {
      staging: '1.0.0',
      production: '1.0.0'
    })
    const result = await release('staging-first', '1.4.0', {
      'gitops-paths': 'apps/staging/**'
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(changed('staging-first', files)).toEqual({
      'apps/staging/podinfo-values.yaml': [
        '      version: 1.0.0 →       version: 1.4.0'
      ]
    })
    const text = body('staging-first')
    expect(text).toContain(
      '| apps/production | HelmRelease podinfo (namespace podinfo) | <code>apps/production/podinfo-values.yaml</code> | 9 | <code>1.0.0</code> |  | apps/production/podinfo-values.yaml is outside gitops-paths |'
    )
    expect(text).not.toMatch(/apps\/production[^\n]*<code>1\.4\.0<\/code>/)
  })
})

describe('a patch that names neither the chart nor its registry', () => {
  // The scan keeps only the texts that may pin the chart as it reads the
  // clone; a JSON 6902 patch holds neither name, and is read again for the
  // build that includes it.
  const PATCH =
    '- op: replace\n  path: /spec/chart/spec/version\n  value: 1.0.0\n'

  test('a JSON 6902 patch of the version moves; the body lists its environment', async () => {
    const layout = fluxExampleLayout({
      base: '0.9.0',
      staging: '1.0.0',
      url: `oci://${registry.host}/acme/charts`
    })
    const production = 'apps/production/kustomization.yaml'
    layout.set(
      production,
      (layout.get(production) ?? '').replace(
        'podinfo-values.yaml',
        'version.yaml'
      )
    )
    layout.delete('apps/production/podinfo-values.yaml')
    layout.set('apps/production/version.yaml', PATCH)
    seedRepository(servers, 'json-patch', layout)

    const result = await release('json-patch', '1.8.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(changed('json-patch', layout)).toEqual({
      'apps/production/version.yaml': ['  value: 1.0.0 →   value: 1.8.0'],
      'apps/staging/podinfo-values.yaml': [
        '      version: 1.0.0 →       version: 1.8.0'
      ]
    })
    expect(body('json-patch')).toContain(
      '| apps/production | HelmRelease podinfo (namespace podinfo) | <code>apps/production/version.yaml</code> | 3 | <code>1.0.0</code> | <code>1.8.0</code> |  |'
    )
  })
})

describe('the preview renders each environment with its effective values', () => {
  let result: StepResult
  let text: string

  beforeAll(async () => {
    const old = await release('unused', '2.0.0', { 'gitops-repository': '' })
    expect(old.exitCode, log(old)).toBe(0)
    seed('rendered', { staging: '2.0.0', production: '2.0.0' })
    result = await release('rendered', '2.1.0', { 'gitops-render': 'true' })
    text = body('rendered')
  })

  test('one section per environment, none for the patch files alone', () => {
    expect(result.exitCode, log(result)).toBe(0)
    expect(text).toContain('## What changes in the cluster')
    for (const env of ['staging', 'production'])
      expect(text).toContain(
        `apps/${env} (Kustomize build: HelmRelease podinfo (namespace podinfo))`
      )
    expect(text).not.toMatch(/apps\/staging\/podinfo-values\.yaml line \d+: /)
  })

  test('each section is what helm template renders with the base and patch values merged', () => {
    const chartDir = writePodinfo(path.join(root, 'independent'), '2.1.0')
    for (const [env, replicas] of [
      ['staging', 2],
      ['production', 3]
    ] as const) {
      // The base's values with the patch's merged over them, by hand.
      const values = path.join(root, `${env}-values.yaml`)
      fs.writeFileSync(
        values,
        stringify({ replicaCount: replicas, ui: { message: env } })
      )
      const rendered = execFileSync(
        realHelm(HELM4),
        [
          'template',
          'podinfo',
          chartDir,
          '--namespace',
          'podinfo',
          '-f',
          values
        ],
        { encoding: 'utf8' }
      )
      const section = sectionOf(text, `apps/${env} (Kustomize build`)
      // The ConfigMap's data, as Helm rendered it: every line in the section.
      const data = rendered.split('\ndata:\n')[1].split('\n')
      const lines = data.filter(line => /^ {2}\w+: /.test(line))
      expect(lines).toHaveLength(3)
      for (const line of lines) expect(section).toContain(line)
      expect(section).not.toContain('"base"')
    }
  })
})

describe('per-environment kustomizations inflating the chart (helmCharts)', () => {
  const row = (env: string, file: string, from: string, to: string) =>
    `| envs/${env} | helmCharts entry helmCharts\\[0\\] | <code>${file}</code> | 8 | <code>${from}</code> | <code>${to}</code> |`

  test('each environment moves its own entry; the body lists each', async () => {
    const files = seedCharts('charts-both', {
      staging: '1.0.0',
      production: '1.0.0'
    })
    const result = await release('charts-both', '1.5.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(changed('charts-both', files)).toEqual({
      'envs/production/kustomization.yaml': [
        '    version: 1.0.0 →     version: 1.5.0'
      ],
      'envs/staging/kustomization.yaml': [
        '    version: 1.0.0 →     version: 1.5.0'
      ]
    })
    const text = body('charts-both')
    for (const env of ['production', 'staging'])
      expect(text).toContain(
        row(env, `envs/${env}/kustomization.yaml`, '1.0.0', '1.5.0')
      )
    expect(github.violations).toEqual([])
  })

  test("gitops-paths 'envs/staging/**': staging alone moves; production is named, not moved", async () => {
    const files = seedCharts('charts-staging', {
      staging: '1.0.0',
      production: '1.0.0'
    })
    const result = await release('charts-staging', '1.6.0', {
      'gitops-paths': 'envs/staging/**'
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(Object.keys(changed('charts-staging', files))).toEqual([
      'envs/staging/kustomization.yaml'
    ])
    const text = body('charts-staging')
    expect(text).toContain(
      row('staging', 'envs/staging/kustomization.yaml', '1.0.0', '1.6.0')
    )
    expect(text).toContain(
      '| envs/production | helmCharts entry helmCharts\\[0\\] | <code>envs/production/kustomization.yaml</code> | 8 | <code>1.0.0</code> |  | envs/production/kustomization.yaml is outside gitops-paths |'
    )
    expect(text).not.toMatch(/envs\/production[^\n]*<code>1\.6\.0<\/code>/)
    expect(log(result)).toContain(
      'Environment envs/production: helmCharts entry helmCharts[0] 1.0.0, not moved: envs/production/kustomization.yaml is outside gitops-paths'
    )
  })

  test('a base entry moves every environment that includes it', async () => {
    const files = seedCharts('charts-base', { base: '1.0.0' })
    const result = await release('charts-base', '1.7.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(Object.keys(changed('charts-base', files))).toEqual([
      'base/kustomization.yaml'
    ])
    for (const env of ['production', 'staging'])
      expect(body('charts-base')).toContain(
        row(env, 'base/kustomization.yaml', '1.0.0', '1.7.0')
      )
  })
})

/** The part of the body from the heading naming `title` to the next such heading. */
function sectionOf(text: string, title: string): string {
  const start = text.indexOf(title)
  expect(start, `no section ${title}`).toBeGreaterThanOrEqual(0)
  const next = text.indexOf('(Kustomize build:', start + title.length)
  return text.slice(start, next < 0 ? undefined : next)
}
