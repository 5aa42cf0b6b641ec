// Argo CD's own rules in the preview, through the bundled action with real
// Helm 3 and 4, a real registry, a real git server and the OpenAPI-checked
// GitHub double: the build environment substituted at each version
// (`$ARGOCD_APP_SOURCE_TARGET_REVISION` moves with the pin), `skipTests`
// and `skipSchemaValidation` passed to Helm, and `valueFiles` globs expanded
// in the chart at each version, each file used once where first named.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import type { GitServer } from '../../helpers/git-server.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM3, HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_argocdRULES1234567890'

let root: string
let registry: Registry
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let runs = 0

const CONFIGMAP = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: {{ .Release.Name }}-settings',
  'data:',
  '  tag: {{ .Values.image.tag | quote }}',
  '  layer: {{ .Values.layer | quote }}',
  '  extra: {{ .Values.extra | default "none" | quote }}',
  '  app: {{ .Values.app | quote }}',
  '  replicas: {{ .Values.replicas | quote }}',
  '  chart: {{ .Chart.Version | quote }}',
  ''
].join('\n')

const TEST_POD = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: {{ .Release.Name }}-test-connection',
  '  labels: {chart: {{ .Chart.Version | quote }}}',
  '  annotations:',
  '    helm.sh/hook: test',
  'spec:',
  '  containers: [{name: wget, image: busybox}]',
  ''
].join('\n')

/** The chart `shop`: values files for a glob, a test hook, a schema the place breaks. */
function writeShop(parent: string, version: '1.0.0' | '1.1.0'): void {
  const dir = path.join(parent, 'shop')
  fs.mkdirSync(path.join(dir, 'templates', 'tests'), { recursive: true })
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: shop\nversion: ${version}\n`,
    'values.yaml': 'image: {tag: latest}\nlayer: chart\nreplicas: 1\napp: x\n',
    'values.schema.json': JSON.stringify({
      type: 'object',
      properties: { replicas: { type: 'integer' } }
    }),
    'values-a.yaml': 'layer: a\n',
    'values-b.yaml': 'layer: b\n',
    'templates/configmap.yaml': CONFIGMAP,
    'templates/tests/test-connection.yaml': TEST_POD
  }
  // Only the new version has values-c.yaml: the glob finds it there.
  if (version === '1.1.0') files['values-c.yaml'] = 'extra: c\n'
  for (const [name, text] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), text)
}

/** An Application named `name` whose source's `helm` is `helm`. */
function application(name: string, helm: string[]): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: {name: ${name}, namespace: argocd}`,
    'spec:',
    '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
    '  source:',
    `    repoURL: oci://${registry.host}/acme/charts`,
    '    chart: shop',
    '    targetRevision: 1.0.0',
    '    helm:',
    ...helm.map(line => `      ${line}`),
    ''
  ].join('\n')
}

/** Every rule at once. */
const PROD = [
  'skipTests: true',
  'skipSchemaValidation: true',
  "valueFiles: [values-b.yaml, 'values-*.yaml', values-b.yaml]",
  'valuesObject: {replicas: many}',
  'parameters:',
  '  - {name: image.tag, value: $ARGOCD_APP_SOURCE_TARGET_REVISION}',
  '  - {name: app, value: "${ARGOCD_APP_NAME}-$ARGOCD_APP_NAMESPACE"}'
]

/** A multi-source Application: values from a glob in the GitOps repository itself. */
function multiSource(gitopsUrl: string): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: multi, namespace: argocd}',
    'spec:',
    '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
    '  sources:',
    `    - repoURL: ${gitopsUrl}`,
    '      targetRevision: main',
    '      ref: values',
    `    - repoURL: oci://${registry.host}/acme/charts`,
    '      chart: shop',
    '      targetRevision: 1.0.0',
    '      helm:',
    "        valueFiles: ['$values/envs/*.yaml']",
    ''
  ].join('\n')
}

async function release(
  helm: string,
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
      'helm-version': helm,
      'helm-download-url': servers.mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      // The chart's own defaults are fine; the place breaks the schema on purpose.
      lint: 'false',
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version, '')
  })
}

function log(result: StepResult): string {
  return result.stdout + result.stderr
}

beforeAll(async () => {
  root = tempDir('hor-argocd-rules-')
  servers = await startGitopsServers(TOKEN, [HELM3, HELM4])
  ;({ registry, git, github } = servers)
  const first = await release(HELM4, '1.0.0', { 'gitops-repository': '' })
  expect(first.exitCode, log(first)).toBe(0)
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe.each([HELM3, HELM4])('Helm %s', helm => {
  const repo = `argocd-rules-${helm.replaceAll('.', '')}`
  let result: StepResult
  let body: string

  beforeAll(async () => {
    git.createRepo(`acme/${repo}`, 'main', {
      'apps/prod.yaml': application('prod', PROD),
      // skipTests alone: the place renders whatever the other rules do.
      'apps/quiet.yaml': application('quiet', ['skipTests: true']),
      'apps/multi.yaml': multiSource(`${git.url}/acme/${repo}`),
      'envs/a.yaml': 'extra: ref-a\n',
      'envs/b.yaml': 'extra: ref-b\n'
    })
    github.addRepository({ owner: 'acme', repo })
    result = await release(helm, '1.1.0', {
      'gitops-repository': `acme/${repo}`,
      'if-exists': 'skip'
    })
    body = github.pulls('acme', repo)[0]?.body ?? ''
  })

  test('the place renders at both versions, schema validation skipped as Argo CD does', () => {
    expect(result.exitCode, log(result)).toBe(0)
    expect(body).toContain('## What changes in the cluster')
    expect(body).toMatch(/ConfigMap shop\/prod-settings/)
    expect(body).not.toMatch(/does not render/)
    expect(body).toContain('replicas: "many"')
    expect(github.violations).toEqual([])
  })

  test('$ARGOCD_APP_SOURCE_TARGET_REVISION moves with the pin; the other variables are filled', () => {
    expect(body).toMatch(/-\s+tag: "1\.0\.0"/)
    expect(body).toMatch(/\+\s+tag: "1\.1\.0"/)
    expect(body).toContain('app: "prod-shop"')
  })

  test('the valueFiles glob is expanded at each version, each file used once', () => {
    // values-b.yaml keeps its first place; the glob adds a, then c at 1.1.0.
    expect(body).toContain('layer: "a"')
    expect(body).toMatch(/-\s+extra: "none"/)
    expect(body).toMatch(/\+\s+extra: "c"/)
  })

  test('a $ref glob is expanded in the GitOps repository, in lexical order', () => {
    expect(body).toMatch(/ConfigMap shop\/multi-settings/)
    expect(body).toContain('extra: "ref-b"')
  })

  test('skipTests: the test hook is not in the preview', () => {
    expect(body).toMatch(/ConfigMap shop\/quiet-settings/)
    expect(body).not.toContain('quiet-test-connection')
    expect(body).not.toContain('prod-test-connection')
  })
})
