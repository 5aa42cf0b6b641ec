// An Argo CD app-of-apps whose child Applications are patched per
// environment by Kustomize overlays (#24), through the bundled action with
// a real registry, a real git server and the OpenAPI-checked GitHub double:
// each environment's effective targetRevision moves by exactly the bytes
// that set it, the body lists each environment, `gitops-paths:
// apps/staging/**` promotes staging alone, and the preview renders each
// environment's merged Application as `helm template` does with its values.
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
  argoAppOfApps,
  type ArgoLayoutOptions
} from '../../gitops/tools/kustomize/build/argocd-layout.js'

const TOKEN = 'ghs_argoOverlayTOKEN12345678'
const STAGING = 'apps/staging/podinfo-source.yaml'
const PRODUCTION = 'apps/production/podinfo-source.yaml'
const BASE = 'apps/base/podinfo/application.yaml'

let root: string
let registry: Registry
let github: GitHubDouble
let servers: GitopsServers

/** A GitOps repository `acme/<name>` holding the app-of-apps. */
function seed(name: string, options: ArgoLayoutOptions): Map<string, string> {
  return seedRepository(
    servers,
    name,
    // Argo CD's Helm OCI form: the registry and path, no scheme.
    argoAppOfApps({ ...options, repoURL: `${registry.host}/acme/charts` })
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
    '  color: {{ .Values.ui.color | quote }}',
    '  replicas: {{ .Values.replicaCount | quote }}',
    '  chart: {{ .Chart.Version | quote }}',
    ''
  ].join('\n'),
  values: 'replicaCount: 1\nui:\n  message: default\n  color: grey\n'
}

const { release, writePodinfo, changed, body } = podinfoHarness(() => ({
  servers,
  root,
  token: TOKEN,
  chart: CHART,
  render: false
}))

const log = (result: StepResult): string => result.stdout + result.stderr

/** The Environments row of an environment whose version moved. */
const movedRow = (env: string, file: string, line: number, to: string) =>
  `| apps/${env} | Application podinfo-${env} (namespace argocd) | <code>${file}</code> | ${line} | <code>1.0.0</code> | <code>${to}</code> |  |`

const moved = (to: string) => [
  `    targetRevision: 1.0.0 →     targetRevision: ${to}`
]

beforeAll(async () => {
  root = tempDir('hor-argo-overlays-e2e-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, github } = servers)
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('an Argo CD app-of-apps patched per environment by Kustomize', () => {
  test('both environments pinned in their patches: both patches move, the body lists each', async () => {
    const files = seed('argo-both-envs', {
      staging: '1.0.0',
      production: '1.0.0'
    })
    const result = await release('argo-both-envs', '1.1.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect(changed('argo-both-envs', files)).toEqual({
      [PRODUCTION]: moved('1.1.0'),
      [STAGING]: moved('1.1.0')
    })
    const text = body('argo-both-envs')
    expect(text).toContain('### Environments')
    expect(text).toContain(movedRow('production', PRODUCTION, 7, '1.1.0'))
    expect(text).toContain(movedRow('staging', STAGING, 7, '1.1.0'))
    // The base names no version: it is no longer "not set" for the user.
    expect(log(result)).not.toMatch(/targetRevision is not set/)
    expect(github.violations).toEqual([])
  })

  test('pinned in the base only: the base moves both environments', async () => {
    const files = seed('argo-base-only', { base: '1.0.0' })
    const result = await release('argo-base-only', '1.2.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(changed('argo-base-only', files)).toEqual({
      [BASE]: moved('1.2.0')
    })
    for (const env of ['production', 'staging'])
      expect(body('argo-base-only')).toContain(movedRow(env, BASE, 11, '1.2.0'))
  })

  test('pinned in both: the patches move; the base, which applies nowhere, stays and says why', async () => {
    const files = seed('argo-both-places', {
      base: '0.9.0',
      staging: '1.0.0',
      production: '1.0.0'
    })
    const result = await release('argo-both-places', '1.3.0')
    expect(result.exitCode, log(result)).toBe(0)
    expect(changed('argo-both-places', files)).toEqual({
      [PRODUCTION]: moved('1.3.0'),
      [STAGING]: moved('1.3.0')
    })
    expect(body('argo-both-places')).toMatch(
      /### Left alone[\s\S]*apps\/base\/podinfo\/application\.yaml.*every Kustomize build that includes it overrides it with a patch/
    )
  })

  test("gitops-paths 'apps/staging/**': staging alone moves, production is named with why", async () => {
    const files = seed('argo-staging-first', {
      staging: '1.0.0',
      production: '1.0.0'
    })
    const result = await release('argo-staging-first', '1.4.0', {
      'gitops-paths': 'apps/staging/**'
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(changed('argo-staging-first', files)).toEqual({
      [STAGING]: moved('1.4.0')
    })
    const text = body('argo-staging-first')
    expect(text).toContain(movedRow('staging', STAGING, 7, '1.4.0'))
    expect(text).toContain(
      `| apps/production | Application podinfo-production (namespace argocd) | <code>${PRODUCTION}</code> | 7 | <code>1.0.0</code> |  | ${PRODUCTION} is outside gitops-paths |`
    )
    expect(text).not.toMatch(/apps\/production[^\n]*<code>1\.4\.0<\/code>/)
    expect(log(result)).toContain(
      `Environment apps/production: Application podinfo-production (namespace argocd) 1.0.0, not moved: ${PRODUCTION} is outside gitops-paths`
    )
  })
})

describe('the preview renders each environment’s merged Application', () => {
  let result: StepResult
  let text: string

  beforeAll(async () => {
    const old = await release('unused', '2.0.0', { 'gitops-repository': '' })
    expect(old.exitCode, log(old)).toBe(0)
    seed('argo-rendered', { staging: '2.0.0', production: '2.0.0' })
    result = await release('argo-rendered', '2.1.0', {
      'gitops-render': 'true'
    })
    text = body('argo-rendered')
  })

  test('one section per environment, none for the patch files alone', () => {
    expect(result.exitCode, log(result)).toBe(0)
    expect(text).toContain('## What changes in the cluster')
    for (const env of ['staging', 'production'])
      expect(text).toContain(
        `apps/${env} (Kustomize build: Application podinfo-${env} (namespace argocd))`
      )
    expect(text).not.toMatch(/apps\/staging\/podinfo-source\.yaml line \d+: /)
  })

  test('each section is what helm template renders with the base and patch values merged', () => {
    const chartDir = writePodinfo(path.join(root, 'independent'), '2.1.0')
    // The base's valuesObject with the patch's merged over it, by hand;
    // production's replicaCount comes from its patch's parameter.
    const cases = [
      ['staging', { replicaCount: 2, ui: { message: 'staging' } }, []],
      [
        'production',
        { replicaCount: 1, ui: { message: 'production' } },
        ['--set', 'replicaCount=3']
      ]
    ] as const
    for (const [env, values, sets] of cases) {
      const file = path.join(root, `argo-${env}-values.yaml`)
      fs.writeFileSync(
        file,
        stringify({ ...values, ui: { ...values.ui, color: 'blue' } })
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
          file,
          ...sets
        ],
        { encoding: 'utf8' }
      )
      const section = sectionOf(text, `apps/${env} (Kustomize build`)
      // The ConfigMap's data, as Helm rendered it: every line in the section.
      const data = rendered.split('\ndata:\n')[1].split('\n')
      const lines = data.filter(line => /^ {2}\w+: /.test(line))
      expect(lines).toHaveLength(4)
      for (const line of lines) expect(section).toContain(line)
      expect(section).not.toContain('"base"')
    }
  })
})

/** The part of the body from the heading naming `title` to the next such heading. */
function sectionOf(text: string, title: string): string {
  const start = text.indexOf(title)
  expect(start, `no section ${title}`).toBeGreaterThanOrEqual(0)
  const next = text.indexOf('(Kustomize build:', start + title.length)
  return text.slice(start, next < 0 ? undefined : next)
}
