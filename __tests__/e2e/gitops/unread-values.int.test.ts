// Values that no longer apply, through the bundled action with real Helm, a
// real registry, a real git server and the GitHub double: chart web 1.1.0
// renames `replicas` to `replicaCount`; an Argo CD Application pinned at
// 1.0.0 still sets `replicas` (and misspells `greeting`). The pull request
// and the job summary open the place's section with both, as a warning,
// before its rendered change.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import { writeChart } from '../../helpers/charts.js'
import type { GitServer } from '../../helpers/git-server.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import type { Mirror } from '../../helpers/helm-mirror.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_unreadValuesTOKEN12345678'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let result: StepResult
let body: string
let runs = 0

function template(replicas: string): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ .Release.Name }}-web',
    'data:',
    '  greeting: {{ .Values.greeting | quote }}',
    `  replicas: {{ .Values.${replicas} | quote }}`,
    ''
  ].join('\n')
}

async function release(
  version: string,
  gitopsRepository: string
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  const replicas = version === '1.0.0' ? 'replicas' : 'replicaCount'
  const chart = writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'web',
    version,
    template: template(replicas)
  })
  fs.writeFileSync(
    path.join(chart, 'values.yaml'),
    `greeting: hello\n${replicas}: 1\n`
  )
  const context = gitopsRunContext(servers, version, '')
  return runMain({
    inputs: {
      chart: 'charts/web',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      'gitops-repository': gitopsRepository,
      lint: 'false'
    },
    dirs,
    github: context.github,
    env: context.env
  })
}

beforeAll(async () => {
  root = tempDir('hor-unread-values-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, mirror, git, github } = servers)
  const first = await release('1.0.0', '')
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  git.createRepo('acme/unread', 'main', {
    'apps/web.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: web, namespace: argocd}',
      'spec:',
      '  destination: {namespace: apps}',
      '  source:',
      `    repoURL: oci://${registry.host}/acme/charts`,
      '    chart: web',
      '    targetRevision: 1.0.0',
      '    helm:',
      '      valuesObject:',
      '        replicas: 3',
      '        greting: hi',
      ''
    ].join('\n')
  })
  github.addRepository({ owner: 'acme', repo: 'unread' })
  result = await release('1.1.0', 'acme/unread')
  body = github.pulls('acme', 'unread')[0]?.body ?? ''
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

const WARNING = [
  '> [!WARNING]',
  '> **Values the new version no longer reads**: 1.0.0 read them, 1.1.0 ignores them, and Helm says nothing:',
  '> - `replicas`, set in valuesObject',
  '>',
  '> **Values no version reads**, neither 1.0.0 nor 1.1.0, and neither declares them (a typo?):',
  '> - `greting`, set in valuesObject',
  '>'
].join('\n')

test('the pull request opens the place with the values 1.1.0 no longer reads', () => {
  expect(result.exitCode, result.stdout + result.stderr).toBe(0)
  const place = body.slice(body.indexOf('### Application web'))
  expect(place).toContain(WARNING)
  // First in the place's section: before its rendered change.
  expect(place.indexOf('[!WARNING]')).toBeLessThan(
    place.indexOf('0 added, 0 removed, 1 changed.')
  )
})

test('the job summary says the same', () => {
  expect(result.summary).toContain(WARNING)
})
