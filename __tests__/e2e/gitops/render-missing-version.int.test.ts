// A pin to a version that was never published (the demo's 0.0.9, a version
// deleted, or one pinned from another registry), through the bundled action
// with real Helm, a real registry (whose 404 is what says "not in it"), a
// real git server and the OpenAPI-checked GitHub double: the pull request's
// preview says the old version is not in the registry and shows the new
// version's resources as added, each openable to its manifest (a Secret's
// values redacted), with no caution and no warning.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  visibleLog,
  type StepResult
} from '../../helpers/action-runner.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_missingTOKEN1234567890'
const PASSWORD = 'pw-never-shown-4242'

let root: string
let registry: Registry
let github: GitHubDouble
let servers: GitopsServers
let result: StepResult
let body: string

function writeHello(parent: string): void {
  const dir = path.join(parent, 'hello')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    'apiVersion: v2\nname: hello\nversion: 0.1.0\n'
  )
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    `port: 8080\npassword: ${PASSWORD}\n`
  )
  fs.writeFileSync(
    path.join(dir, 'templates', 'service.yaml'),
    [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: {{ .Release.Name }}-svc',
      'spec:',
      '  ports:',
      '    - port: {{ .Values.port }}',
      ''
    ].join('\n')
  )
  fs.writeFileSync(
    path.join(dir, 'templates', 'secret.yaml'),
    [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-creds',
      'stringData:',
      '  password: {{ .Values.password | quote }}',
      ''
    ].join('\n')
  )
}

beforeAll(async () => {
  root = tempDir('hor-render-missing-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, github } = servers)
  servers.git.createRepo('acme/shop', 'main', {
    'apps/shop.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: shop, namespace: argocd}',
      'spec:',
      '  destination: {namespace: prod}',
      '  source:',
      `    repoURL: oci://${registry.host}/acme/charts`,
      '    chart: hello',
      '    targetRevision: 0.0.9',
      ''
    ].join('\n')
  })
  github.addRepository({ owner: 'acme', repo: 'shop' })
  const dirs = makeRunnerDirs(path.join(root, 'run'))
  writeHello(path.join(dirs.workspace, 'charts'))
  result = await runMain({
    inputs: {
      chart: 'charts/hello',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': servers.mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      'gitops-repository': 'acme/shop'
    },
    dirs,
    ...gitopsRunContext(servers, '0.1.0', '')
  })
  body = github.pulls('acme', 'shop')[0]?.body ?? ''
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

test('the release and its pull request succeed, with no warning about the preview', () => {
  expect(result.exitCode, result.stdout + result.stderr).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
  expect(visibleLog(result).join('\n')).not.toMatch(
    /^::warning::.*(render|0\.0\.9)/im
  )
  expect(github.violations).toEqual([])
})

test("the old version is said not to be in the registry: the new version's resources shown as added, no caution", () => {
  expect(body).toContain(
    `> [!NOTE]\n> 0.0.9 is not in oci://${registry.host}/acme/charts/hello: showing 0.1.0's resources as added.\n`
  )
  expect(body).toContain('2 added, 0 removed, 0 changed.')
  expect(body).not.toContain('[!CAUTION]')
  expect(body).not.toContain('Does not render')
  expect(body).not.toContain('is not a Helm chart')
})

test('each added resource opens to its manifest, a Secret redacted', () => {
  const added = body.slice(body.indexOf('**Added:**'))
  expect(added).toMatch(
    /- Secret prod\/shop-creds\n+ {2}<details><summary>Manifest<\/summary>\n\n {2}```yaml\n/
  )
  expect(added).toContain('    password: <redacted, added>\n')
  expect(added).toMatch(
    /- Service prod\/shop-svc\n+ {2}<details><summary>Manifest<\/summary>\n\n {2}```yaml\n(?: {2}.*\n)*? {2}kind: Service\n/
  )
  expect(added).toContain('      - port: 8080\n')
  for (const text of [body, result.summary, visibleLog(result).join('\n')]) {
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'))
  }
})
