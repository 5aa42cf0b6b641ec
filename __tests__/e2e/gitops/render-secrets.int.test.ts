// Secrets stay out of the pull request however the chart writes them, through
// the bundled action with real Helm, a real registry, a real git server and
// the OpenAPI-checked GitHub double: a Secret inside a `kind: List`, a Secret
// whose YAML repeats a key (Helm renders it, a strict YAML parser refuses it)
// and a Secret's own annotations (`last-applied-configuration` holds its data).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  visibleLog,
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
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_secretsTOKEN1234567890'

/** One value per way of writing a Secret, old and new: each test looks for its own. */
const VALUES = {
  listed: { old: 'L-old-1111', new: 'L-new-1112' },
  repeated: { old: 'R-old-2222', new: 'R-new-2223' },
  annotated: { old: 'A-old-3333', new: 'A-new-3334' }
} as const
type Way = keyof typeof VALUES

const TEMPLATES: Record<Way, string> = {
  listed: [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '  - apiVersion: v1',
    '    kind: Secret',
    '    metadata:',
    '      name: {{ .Release.Name }}-listed',
    '    data:',
    '      password: {{ .Values.listed | b64enc }}',
    '    stringData:',
    '      token: {{ .Values.listed | quote }}',
    ''
  ].join('\n'),
  repeated: [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: {{ .Release.Name }}-repeated',
    'data:',
    '  password: {{ .Values.repeated | b64enc }}',
    '  password: {{ .Values.repeated | b64enc }}',
    ''
  ].join('\n'),
  annotated: [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: {{ .Release.Name }}-annotated',
    '  annotations:',
    '    kubectl.kubernetes.io/last-applied-configuration: {{ dict "stringData" (dict "password" .Values.annotated) | toJson | quote }}',
    'stringData:',
    '  password: {{ .Values.annotated | quote }}',
    ''
  ].join('\n')
}

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let runs = 0
let result: StepResult
let body: string

function writeVault(parent: string, version: '1.0.0' | '1.1.0'): void {
  const dir = path.join(parent, 'vault')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: vault\nversion: ${version}\n`
  )
  const side = version === '1.0.0' ? 'old' : 'new'
  const values = Object.entries(VALUES).map(([way, v]) => `${way}: ${v[side]}`)
  fs.writeFileSync(path.join(dir, 'values.yaml'), `${values.join('\n')}\n`)
  for (const [way, text] of Object.entries(TEMPLATES))
    fs.writeFileSync(path.join(dir, 'templates', `${way}.yaml`), text)
}

async function release(
  version: '1.0.0' | '1.1.0',
  inputs: Record<string, string>
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeVault(path.join(dirs.workspace, 'charts'), version)
  return runMain({
    inputs: {
      chart: 'charts/vault',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version, '')
  })
}

/** Every form a value could take in the pull request or the job summary. */
function forms(value: string): string[] {
  return [value, Buffer.from(value).toString('base64')]
}

/** What a user could read: the pull request, the job summary, the log, the outputs. */
function everything(): string {
  return [
    body,
    result.summary,
    visibleLog(result).join('\n'),
    JSON.stringify(result.outputs)
  ].join('\n')
}

beforeAll(async () => {
  root = tempDir('hor-render-secrets-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, mirror, git, github } = servers)
  const first = await release('1.0.0', { 'gitops-repository': '' })
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
  git.createRepo('acme/vaults', 'main', {
    'apps/vault.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: vault, namespace: argocd}',
      'spec:',
      '  destination: {namespace: vault}',
      '  source:',
      `    repoURL: oci://${registry.host}/acme/charts`,
      '    chart: vault',
      '    targetRevision: 1.0.0',
      ''
    ].join('\n')
  })
  github.addRepository({ owner: 'acme', repo: 'vaults' })
  result = await release('1.1.0', { 'gitops-repository': 'acme/vaults' })
  body = github.pulls('acme', 'vaults')[0]?.body ?? ''
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

test('the release and the pull request succeed, and the preview shows what changed', () => {
  expect(result.exitCode, result.stdout + result.stderr).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
  expect(body).toContain('## What changes in the cluster')
  expect(body).toContain('<redacted, changed, new value>')
  expect(github.violations).toEqual([])
})

test.each<Way>(['listed', 'repeated', 'annotated'])(
  'a Secret written %s: no value of it, plain or base64, anywhere a user reads',
  way => {
    const text = everything()
    for (const value of [VALUES[way].old, VALUES[way].new])
      for (const form of forms(value)) expect(text).not.toContain(form)
  }
)

test("a Secret's annotations: the keys show, the values are marked", () => {
  expect(body).toContain('kubectl.kubernetes.io/last-applied-configuration')
  expect(body).toMatch(
    /\+\s+kubectl\.kubernetes\.io\/last-applied-configuration: "?<redacted, changed, new value>"?/
  )
})

test('a Secret in a List is redacted like one on its own: its keys show', () => {
  expect(body).toMatch(/\+\s+password: "?<redacted, changed, new value>"?/)
  expect(body).toMatch(/\+\s+token: "?<redacted, changed, new value>"?/)
})

test('a Secret that no strict YAML parser reads is redacted whole, its change still said', () => {
  expect(body).toContain('may be a Secret: its whole text is redacted')
})
