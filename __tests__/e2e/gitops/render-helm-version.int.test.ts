// `gitops-render-helm-version` through the bundled action, with real Helm
// 3.17.3 and 4.2.3 from the get.helm.sh double, a real registry, git server
// and the OpenAPI-checked GitHub double. The chart's own values set a
// subchart's default to `null` in 1.1.0: Helm 3 deletes the key, Helm 4.2
// keeps the subchart's default (helm/helm 00638773d, "do not copy
// chart-default nils into coalesced values", from v4.2.0). So the same
// place changes under Helm 3 and not under Helm 4, and the input picks
// which the pull request shows; the body says which Helm rendered and what
// it assumed. A place whose values break the chart's schema at both
// versions shows Helm's whole error and says so.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type RunnerDirs,
  type StepResult
} from '../../helpers/action-runner.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { mirrorArchiveName } from '../../helpers/helm-mirror.js'
import { HELM3, HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import { runnerLines } from '../../helpers/runner-log-commands.js'

const TOKEN = 'ghs_renderHelmTOKEN12345678'

let root: string
let servers: GitopsServers
let runs = 0

/** `stack` with a vendored subchart `cache`; 1.1.0's own values null one of its defaults. */
function writeStack(parent: string, version: '1.0.0' | '1.1.0'): void {
  const dir = path.join(parent, 'stack')
  const sub = path.join(dir, 'charts', 'cache')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  fs.mkdirSync(path.join(sub, 'templates'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: stack\nversion: ${version}\n`
  )
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    version === '1.1.0'
      ? 'replicas: 1\ncache:\n  hash:\n    key1: null\n'
      : 'replicas: 1\ncache: {}\n'
  )
  fs.writeFileSync(
    path.join(dir, 'values.schema.json'),
    JSON.stringify({
      type: 'object',
      properties: { replicas: { type: 'integer', minimum: 1 } }
    })
  )
  fs.writeFileSync(
    path.join(dir, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-stack\ndata:\n  replicas: {{ .Values.replicas | quote }}\n'
  )
  fs.writeFileSync(
    path.join(sub, 'Chart.yaml'),
    'apiVersion: v2\nname: cache\nversion: 0.1.0\n'
  )
  fs.writeFileSync(
    path.join(sub, 'values.yaml'),
    'hash:\n  key1: one\n  key2: two\n'
  )
  fs.writeFileSync(
    path.join(sub, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cache\ndata:\n  {{- toYaml .Values.hash | nindent 2 }}\n'
  )
}

function application(name: string, values: string): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: {name: ${name}, namespace: argocd}`,
    'spec:',
    `  destination: {server: https://kubernetes.default.svc, namespace: ${name}}`,
    '  source:',
    `    repoURL: oci://${servers.registry.host}/acme/charts`,
    '    chart: stack',
    '    targetRevision: 1.0.0',
    '    helm:',
    `      valuesObject: ${values}`,
    ''
  ].join('\n')
}

async function release(
  version: '1.0.0' | '1.1.0',
  inputs: Record<string, string>
): Promise<{ result: StepResult; dirs: RunnerDirs; downloads: string[] }> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeStack(path.join(dirs.workspace, 'charts'), version)
  const before = servers.mirror.requests.length
  const result = await runMain({
    inputs: {
      chart: 'charts/stack',
      registry: servers.registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': servers.mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      // Helm 4's lint wants the vendored subchart declared; Helm renders it as is.
      lint: 'false',
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version, '')
  })
  const downloads = servers.mirror.requests
    .slice(before)
    .filter(url => url.endsWith('.tar.gz'))
  return { result, dirs, downloads }
}

/** A GitOps repository with a place that renders and one whose values break the schema. */
async function previewWith(
  repo: string,
  inputs: Record<string, string>
): Promise<{
  result: StepResult
  body: string
  downloads: string[]
  dirs: RunnerDirs
}> {
  servers.git.createRepo(`acme/${repo}`, 'main', {
    'apps/web.yaml': application('web', '{}'),
    'apps/broken.yaml': application('broken', '{replicas: 0}')
  })
  servers.github.addRepository({ owner: 'acme', repo })
  const run = await release('1.1.0', {
    'gitops-repository': `acme/${repo}`,
    'if-exists': 'skip',
    ...inputs
  })
  const body = servers.github.pulls('acme', repo)[0]?.body ?? ''
  return { ...run, body }
}

function log(result: StepResult): string {
  return result.stdout + result.stderr
}

beforeAll(async () => {
  root = tempDir('hor-render-helm-')
  servers = await startGitopsServers(TOKEN, [HELM3, HELM4])
  const first = await release('1.0.0', { 'gitops-repository': '' })
  expect(first.result.exitCode, log(first.result)).toBe(0)
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('gitops-render-helm-version: 3.17.3 with the action on Helm 4.2.3', () => {
  let run: Awaited<ReturnType<typeof previewWith>>

  beforeAll(async () => {
    run = await previewWith('render-helm3', {
      'gitops-render-helm-version': `v${HELM3}`
    })
  })

  test('Helm 3.17.3 is downloaded for the preview, not put on PATH', () => {
    expect(run.result.exitCode, log(run.result)).toBe(0)
    expect(run.downloads.map(url => path.basename(url)).sort()).toEqual([
      mirrorArchiveName(HELM3),
      mirrorArchiveName(HELM4)
    ])
    const onPath = fs.readFileSync(
      path.join(run.dirs.temp, 'main-path'),
      'utf8'
    )
    expect(onPath).toContain(HELM4)
    expect(onPath).not.toContain(HELM3)
  })

  test('the body says Helm 3.17.3 rendered, what it assumed, and shows its change', () => {
    expect(run.body).toContain(
      `Rendered with Helm ${HELM3} (\`helm template\`), old version vs new; assumed: Argo CD renders with Helm ${HELM3} (gitops-render-helm-version)`
    )
    const web = section(run.body, 'Application web')
    expect(web).toContain('0 added, 0 removed, 1 changed.')
    expect(web).toMatch(/^-\s+key1: one$/m)
  })

  test('a place whose values break the schema at both versions: said, with Helm 3’s whole error', () => {
    const broken = section(run.body, 'Application broken')
    expect(run.body).toContain(
      '**Does not render** at either version: neither the old 1.0.0 nor the new 1.1.0.'
    )
    expect(broken).toContain("Helm's error at 1.0.0 and 1.1.0:")
    expect(broken).toContain(
      "```text\nvalues don't meet the specifications of the schema(s) in the following chart(s):\nstack:\n- replicas: Must be greater than or equal to 1\n```"
    )
  })

  test('the warning carries the whole error on its one log line', () => {
    const warning = runnerLines(run.result.stdout).find(line =>
      line.startsWith('::warning::apps/broken.yaml')
    )
    expect(warning).toContain('neither version 1.0.0 nor 1.1.0 renders')
    expect(warning).toContain(
      'chart(s):%0Astack:%0A- replicas: Must be greater than or equal to 1'
    )
    expect(runnerLines(log(run.result))).not.toContain(
      '- replicas: Must be greater than or equal to 1'
    )
  })
})

describe('no gitops-render-helm-version: the action’s Helm 4.2.3 renders', () => {
  let run: Awaited<ReturnType<typeof previewWith>>

  beforeAll(async () => {
    run = await previewWith('render-helm4', {})
  })

  test('no second Helm is downloaded', () => {
    expect(run.result.exitCode, log(run.result)).toBe(0)
    expect(run.downloads.map(url => path.basename(url))).toEqual([
      mirrorArchiveName(HELM4)
    ])
  })

  test('the body says Helm 4.2.3 rendered, suggests the input, and shows no change', () => {
    expect(run.body).toContain(
      `Rendered with Helm ${HELM4} (\`helm template\`), old version vs new; assumed: Argo CD renders with Helm ${HELM4} (set gitops-render-helm-version to theirs)`
    )
    expect(section(run.body, 'Application web')).toContain(
      'No rendered change.'
    )
    expect(section(run.body, 'Application broken')).toContain(
      "- at '/replicas': minimum: got 0, want 1"
    )
  })
})

test('a Helm that cannot be installed: the pull request opens without the preview, saying why', async () => {
  const run = await previewWith('render-missing', {
    'gitops-render-helm-version': '3.16.4'
  })
  expect(run.result.exitCode, log(run.result)).toBe(0)
  const said =
    'The rendered preview failed: could not install the Helm of gitops-render-helm-version (3.16.4)'
  expect(run.body).toContain(said)
  expect(run.body).not.toContain('Rendered with Helm')
  expect(
    runnerLines(run.result.stdout).some(line =>
      line.startsWith(`::warning::${said}`)
    )
  ).toBe(true)
})

/** The body from a place's heading to the next heading. */
function section(body: string, title: string): string {
  const start = body.indexOf(`### ${title}`)
  expect(start, body).toBeGreaterThanOrEqual(0)
  const next = body.indexOf('\n### ', start + 4)
  return body.slice(start, next < 0 ? undefined : next)
}
