// The preview of a Kustomize helmCharts pin renders what `kustomize build
// --enable-helm` renders (#25), through the bundled action with real Helm,
// a real registry, a real git server and the OpenAPI-checked GitHub double:
// `valuesMerge: merge` without `valuesFile` keeps the chart's values over
// the inline ones, `skipTests` leaves the test hook out, and the
// kustomization's namespace is the release namespace.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import type { GitServer } from '../../helpers/git-server.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import type { Mirror } from '../../helpers/helm-mirror.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM3, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_kustomizeTOKEN1234567890'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let runs = 0

/** The chart `shop`: its greeting doubles at 1.1.0, which adds a test hook. */
function writeShop(parent: string, version: '1.0.0' | '1.1.0'): void {
  const dir = path.join(parent, 'shop')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  const newer = version === '1.1.0'
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: shop\nversion: ${version}\n`
  )
  fs.writeFileSync(path.join(dir, 'values.yaml'), 'greeting: hello\n')
  const greeting = `{{ .Values.greeting${newer ? ' | repeat 2' : ''} | quote }}`
  const templates: Record<string, string> = {
    'configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\ndata:\n  greeting: ${greeting}\n`
  }
  if (newer)
    templates['test.yaml'] =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-smoke\n  annotations:\n    helm.sh/hook: test\nspec:\n  containers: [{name: t, image: busybox}]\n'
  for (const [name, text] of Object.entries(templates))
    fs.writeFileSync(path.join(dir, 'templates', name), text)
}

function kustomization(): string {
  const entry = (rows: string[]): string[] => [
    '  - name: shop',
    `    repo: oci://${registry.host}/acme/charts`,
    '    version: 1.0.0',
    ...rows.map(row => `    ${row}`)
  ]
  return [
    'namespace: store',
    'helmCharts:',
    ...entry([
      'releaseName: merged',
      'valuesMerge: merge',
      'valuesInline: {greeting: hi}'
    ]),
    ...entry(['releaseName: tested', 'skipTests: true']),
    ...entry(['releaseName: hooked']),
    ''
  ].join('\n')
}

async function release(
  version: '1.0.0' | '1.1.0',
  inputs: Record<string, string> = {}
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeShop(path.join(dirs.workspace, 'charts'), version)
  return runMain({
    inputs: {
      chart: 'charts/shop',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM3,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version, '')
  })
}

function log(result: StepResult): string {
  return result.stdout + result.stderr
}

let result: StepResult
let body: string

beforeAll(async () => {
  root = tempDir('hor-kustomize-')
  servers = await startGitopsServers(TOKEN, [HELM3])
  ;({ registry, mirror, git, github } = servers)
  const first = await release('1.0.0', { 'gitops-repository': '' })
  expect(first.exitCode, log(first)).toBe(0)
  git.createRepo('acme/kustomize', 'main', {
    'shop/kustomization.yaml': kustomization()
  })
  github.addRepository({ owner: 'acme', repo: 'kustomize' })
  result = await release('1.1.0', {
    'gitops-repository': 'acme/kustomize',
    'if-exists': 'skip'
  })
  body = github.pulls('acme', 'kustomize')[0]?.body ?? ''
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

test('valuesMerge: merge without valuesFile: the chart values win over valuesInline', () => {
  expect(result.exitCode, log(result)).toBe(0)
  expect(body).toContain('## What changes in the cluster')
  expect(body).toMatch(/ConfigMap store\/merged-greeting/)
  expect(body).toMatch(/-\s+greeting: "hello"/)
  expect(body).toMatch(/\+\s+greeting: "hellohello"/)
  expect(body).not.toMatch(/greeting: "hi/)
  expect(github.violations).toEqual([])
})

test('skipTests leaves the test hook out; without it the hook shows', () => {
  expect(body).toMatch(/Pod store\/hooked-smoke/)
  expect(body).not.toMatch(/tested-smoke/)
})
