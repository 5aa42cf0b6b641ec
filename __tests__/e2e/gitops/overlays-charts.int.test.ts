// Per-environment kustomizations that each inflate the chart with their own
// `helmCharts` version (#24), previewed through the bundled action with a
// real registry, a real git server and the OpenAPI-checked GitHub double:
// each environment's section is what an independent `helm template` renders
// with that environment's values (the chart's values.yaml with the entry's
// valuesInline merged over it, as Kustomize merges them).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { StepResult } from '../../helpers/action-runner.js'
import {
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import {
  podinfoHarness,
  pullBody,
  seedRepository,
  type PodinfoChart
} from '../../helpers/podinfo-release.js'
import { HELM4, realHelm, removeDir, tempDir } from '../../helpers/paths.js'
import { helmChartsLayout } from '../../gitops/tools/kustomize/build/charts-layout.js'

const TOKEN = 'ghs_chartsOverlayTOKEN123456'

let root: string
let servers: GitopsServers

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
    '  namespace: {{ .Release.Namespace | quote }}',
    '  chart: {{ .Chart.Version | quote }}',
    ''
  ].join('\n'),
  values: 'replicaCount: 1\nui:\n  message: default\n'
}

const { release, writePodinfo } = podinfoHarness(() => ({
  servers,
  root,
  token: TOKEN,
  chart: CHART,
  render: true
}))

const log = (result: StepResult): string => result.stdout + result.stderr

beforeAll(async () => {
  root = tempDir('hor-charts-overlays-e2e-')
  servers = await startGitopsServers(TOKEN)
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('per-environment helmCharts: the preview renders each environment with its values', () => {
  let result: StepResult
  let text: string

  beforeAll(async () => {
    const old = await release('unused', '2.0.0', { 'gitops-repository': '' })
    expect(old.exitCode, log(old)).toBe(0)
    const files = helmChartsLayout({
      staging: '2.0.0',
      production: '2.0.0',
      repo: `oci://${servers.registry.host}/acme/charts`
    })
    seedRepository(servers, 'charts-rendered', files)
    result = await release('charts-rendered', '2.1.0')
    text = pullBody(servers, 'charts-rendered')
  })

  test('each section is what helm template renders with the chart values and the entry valuesInline merged', () => {
    expect(result.exitCode, log(result)).toBe(0)
    expect(text).toContain('## What changes in the cluster')
    const chartDir = writePodinfo(path.join(root, 'independent'), '2.1.0')
    for (const [env, replicas] of [
      ['staging', 2],
      ['production', 3]
    ] as const) {
      // The chart's values.yaml with the entry's valuesInline over it, by hand.
      const values = path.join(root, `charts-${env}-values.yaml`)
      fs.writeFileSync(
        values,
        stringify({ replicaCount: replicas, ui: { message: 'default' } })
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
      const section = sectionOf(text, `envs/${env}/kustomization.yaml line 8`)
      const data = rendered.split('\ndata:\n')[1].split('\n')
      const lines = data.filter(line => /^ {2}\w+: /.test(line))
      expect(lines).toHaveLength(4)
      for (const line of lines) expect(section).toContain(line)
    }
  })
})

/** The body from the place at `where` to the next place's file line. */
function sectionOf(text: string, where: string): string {
  const start = text.indexOf(where)
  expect(start, `no section at ${where}\n${text}`).toBeGreaterThanOrEqual(0)
  const next = text.indexOf('kustomization.yaml line', start + where.length)
  return text.slice(start, next < 0 ? undefined : next)
}
