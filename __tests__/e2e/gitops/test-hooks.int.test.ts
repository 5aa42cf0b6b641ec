// Helm test hooks in the preview, through the bundled action with real Helm,
// a real registry, a real git server and the GitHub double. The chart
// (shaped like podinfo's) names its test Pods with randAlphaNum, and its only
// change from 6.10.0 to 6.10.1 is its version: for the tools that do not
// apply test hooks (Argo CD; Flux without spec.test.enable) the preview says
// "No rendered change"; Flux with spec.test.enable and a Kustomize
// helmCharts entry (kustomize keeps what helm template prints) show the test
// Pods, with their hook annotation.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM4, removeDir, repoRoot, tempDir } from '../../helpers/paths.js'

const TOKEN = 'ghs_hooksTOKEN1234567890'
const PODINFO = path.join(
  repoRoot,
  '__tests__',
  'fixtures',
  'charts',
  'podinfo'
)
const REPO = 'hooks'

let root: string
let servers: GitopsServers
let runs = 0

function release(
  version: string,
  inputs: Record<string, string>
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  const chart = path.join(dirs.workspace, 'charts', 'podinfo')
  fs.cpSync(PODINFO, chart, { recursive: true })
  const chartYaml = path.join(chart, 'Chart.yaml')
  fs.writeFileSync(
    chartYaml,
    fs
      .readFileSync(chartYaml, 'utf8')
      .replace(/^version: .*$/m, `version: ${version}`)
  )
  return runMain({
    inputs: {
      chart: 'charts/podinfo',
      registry: servers.registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': servers.mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version, '')
  })
}

const lines = (...rows: string[]): string => rows.join('\n') + '\n'

function gitopsFiles(host: string): Record<string, string> {
  const helmRelease = (name: string, test: string[]): string =>
    lines(
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      `metadata: {name: ${name}, namespace: shop}`,
      'spec:',
      '  chart:',
      '    spec:',
      '      chart: podinfo',
      '      version: 6.10.0',
      '      sourceRef: {kind: HelmRepository, name: acme}',
      ...test
    )
  return {
    'argocd/web.yaml': lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: web, namespace: argocd}',
      'spec:',
      '  destination: {namespace: shop}',
      '  source:',
      `    repoURL: oci://${host}/acme/charts`,
      '    chart: podinfo',
      '    targetRevision: 6.10.0',
      '    helm:',
      '      valuesObject: {hooks: {preUpgrade: {enabled: true}}}'
    ),
    'flux/repository.yaml': lines(
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: HelmRepository',
      'metadata: {name: acme, namespace: shop}',
      `spec: {type: oci, url: oci://${host}/acme/charts}`
    ),
    'flux/untested.yaml': helmRelease('untested', []),
    'flux/tested.yaml': helmRelease('tested', ['  test: {enable: true}']),
    'kustomize/kustomization.yaml': lines(
      'helmCharts:',
      '  - name: podinfo',
      `    repo: oci://${host}/acme/charts`,
      '    version: 6.10.0',
      '    releaseName: kz'
    )
  }
}

/** The part of the body under the heading that names `title`. */
function section(body: string, title: string): string {
  const start = body.indexOf(title)
  expect(start, `no section ${title} in:\n${body}`).toBeGreaterThan(-1)
  const next = body.slice(start + title.length).search(/\n#{2,4} /)
  return next < 0
    ? body.slice(start)
    : body.slice(start, start + title.length + next)
}

let result: StepResult
let body: string

beforeAll(async () => {
  root = tempDir('hor-test-hooks-')
  servers = await startGitopsServers(TOKEN, [HELM4])
  const first = await release('6.10.0', { 'gitops-repository': '' })
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  servers.git.createRepo(
    `acme/${REPO}`,
    'main',
    gitopsFiles(servers.registry.host)
  )
  servers.github.addRepository({ owner: 'acme', repo: REPO })
  result = await release('6.10.1', { 'gitops-repository': `acme/${REPO}` })
  body = servers.github.pulls('acme', REPO)[0]?.body ?? ''
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('a chart whose only change is its version, with random test Pod names', () => {
  test('the pull request opens with the preview', () => {
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(body).toContain('## What changes in the cluster')
  })

  test('Argo CD: no rendered change, test hooks not shown and why', () => {
    const part = section(body, 'Application web')
    expect(part).toContain('No rendered change.')
    expect(part).toContain(
      'Helm test hooks not shown: Argo CD does not run them'
    )
  })

  test('Flux without spec.test.enable: no rendered change', () => {
    const part = section(body, 'HelmRelease untested')
    expect(part).toContain('No rendered change.')
    expect(part).toContain(
      'Helm test hooks not shown: Flux runs them only with spec.test.enable: true'
    )
  })

  test.each([
    ['Flux with spec.test.enable: true', 'HelmRelease tested', 'shop/tested'],
    [
      'a Kustomize helmCharts entry',
      'kustomization helmCharts podinfo',
      'default/kz'
    ]
  ])(
    '%s: the test Pods show, with their hook annotation',
    (_name, title, release) => {
      const part = section(body, title)
      expect(part).toContain('2 added, 2 removed, 0 changed.')
      expect(part).toMatch(
        new RegExp(
          `Pod ${release}-podinfo-service-test-[a-z0-9]{5} \\(helm\\.sh/hook: test-success\\)`
        )
      )
      expect(part).not.toContain('test hooks not shown')
    }
  )
})
