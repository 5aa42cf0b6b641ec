// The pull request shows what the release changes in the cluster, through the
// bundled action with real Helm 3 and 4, a real registry, a real git server
// and the OpenAPI-checked GitHub double: each place rendered old vs new with
// its own values, Secrets redacted, the chart's changelog, and a place whose
// new version does not render marked (the pull request still opens).
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
import type { Mirror } from '../../helpers/helm-mirror.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM3, HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_renderTOKEN1234567890'
const OLD_PASSWORD = 'old-s3cret-value'
const NEW_PASSWORD = 'new-s3cret-value'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let runs = 0

/** The chart `shop` at 1.0.0 and 1.1.0, which differ in known ways. */
function writeShop(parent: string, version: '1.0.0' | '1.1.0'): void {
  const dir = path.join(parent, 'shop')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  const newer = version === '1.1.0'
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    [
      'apiVersion: v2',
      'name: shop',
      `version: ${version}`,
      `appVersion: "${newer ? '2.1' : '2.0'}"`,
      ...(newer
        ? [
            'annotations:',
            '  artifacthub.io/changes: |',
            '    - kind: added',
            '      description: A Service for the shop',
            '    - kind: changed',
            '      description: The greeting says hello twice'
          ]
        : []),
      ''
    ].join('\n')
  )
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    `greeting: hello\npassword: ${newer ? NEW_PASSWORD : OLD_PASSWORD}\n`
  )
  const templates: Record<string, string> = {
    'configmap.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-greeting',
      'data:',
      `  greeting: {{ .Values.greeting${newer ? ' | repeat 2' : ''} | quote }}`,
      ''
    ].join('\n'),
    'secret.yaml': [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-credentials',
      'data:',
      '  password: {{ .Values.password | b64enc }}',
      ''
    ].join('\n')
  }
  if (newer) {
    templates['service.yaml'] = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: {{ .Release.Name }}',
      '  labels:',
      '    tag: {{ required "image.tag is required from 1.1.0 on" (.Values.image | default dict).tag | quote }}',
      'spec:',
      '  ports: [{port: 80}]',
      ''
    ].join('\n')
  }
  for (const [name, text] of Object.entries(templates))
    fs.writeFileSync(path.join(dir, 'templates', name), text)
}

function application(name: string, values: string[]): string {
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
    ...values.map(line => `      ${line}`),
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
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      // 1.1.0 requires a value its defaults do not have, on purpose.
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
  root = tempDir('hor-render-')
  servers = await startGitopsServers(TOKEN, [HELM3, HELM4])
  ;({ registry, mirror, git, github } = servers)
  const first = await release(HELM4, '1.0.0', { 'gitops-repository': '' })
  expect(first.exitCode, log(first)).toBe(0)
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe.each([HELM3, HELM4])('Helm %s', helm => {
  const repo = `render-${helm.replaceAll('.', '')}`
  let result: StepResult
  let body: string

  beforeAll(async () => {
    git.createRepo(`acme/${repo}`, 'main', {
      'apps/prod.yaml': application('prod', [
        'valuesObject:',
        '  greeting: hi',
        '  image: {tag: "2.1"}'
      ]),
      'apps/bare.yaml': application('bare', ['releaseName: bare-shop'])
    })
    github.addRepository({ owner: 'acme', repo })
    result = await release(helm, '1.1.0', {
      'gitops-repository': `acme/${repo}`,
      'if-exists': 'skip'
    })
    body = github.pulls('acme', repo)[0]?.body ?? ''
  })

  test('the pull request opens and shows the rendered change of each place', () => {
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect(body).toContain('## What changes in the cluster')
    expect(body).toContain(`Rendered with Helm ${helm}`)
    // prod: its own values (valuesObject) and release name (the Application's).
    expect(body).toMatch(/Service shop\/prod/)
    expect(body).toMatch(/-\s+greeting: "hi"/)
    expect(body).toMatch(/\+\s+greeting: "hihi"/)
    expect(github.violations).toEqual([])
  })

  test('Secrets are redacted: which key changed shows, no value does', () => {
    expect(body).toMatch(/Secret shop\/prod-credentials/)
    expect(body).toContain('<redacted, changed, new value>')
    for (const secret of [OLD_PASSWORD, NEW_PASSWORD]) {
      expect(body).not.toContain(secret)
      expect(body).not.toContain(Buffer.from(secret).toString('base64'))
      expect(result.summary).not.toContain(secret)
    }
  })

  test('a place whose new version does not render is marked, with a warning', () => {
    expect(body).toMatch(/does not render/)
    expect(body).toContain('image.tag is required from 1.1.0 on')
    expect(result.stdout).toMatch(
      /^::warning::apps\/bare\.yaml line \d+ .*version 1\.1\.0 does not render/m
    )
  })

  test("the chart's changelog: appVersion and artifacthub.io/changes", () => {
    expect(body).toContain('1.1.0')
    expect(body).toContain('A Service for the shop')
    expect(body).toContain('The greeting says hello twice')
  })

  test('the job summary holds the whole preview', () => {
    expect(result.summary).toContain('What changes in the cluster')
    expect(result.summary).toContain('greeting')
  })
})

test("'gitops-render: false' leaves the preview out", async () => {
  git.createRepo('acme/no-render', 'main', {
    'apps/prod.yaml': application('prod', ['releaseName: prod'])
  })
  github.addRepository({ owner: 'acme', repo: 'no-render' })
  const result = await release(HELM4, '1.1.0', {
    'gitops-repository': 'acme/no-render',
    'if-exists': 'skip',
    'gitops-render': 'false'
  })
  expect(result.exitCode, log(result)).toBe(0)
  expect(github.pulls('acme', 'no-render')[0].body).not.toContain(
    'What changes in the cluster'
  )
})
