// The GitOps preview is no way into the publishing runner, through the bundled
// action with real Helm 3 and 4, a real registry, a real git server and the
// OpenAPI-checked GitHub double. A release name from the GitOps repository
// cannot become a Helm option (`--set-file` of the runner's environment or a
// file, `--post-renderer=sh`); a place whose value Helm's rules refuse is
// listed as not rendered, saying why. A chart's values.schema.json cannot
// make Helm fetch a URL; a template that eats memory is stopped; a template
// that never ends cannot hold the preview past its time budget. The release
// and the pull request succeed every time.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
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
import { HELM3, HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_previewTOKEN1234567890'
/** What the runner's environment holds: none of it may reach the pull request. */
const RUNNER_SECRETS = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-7f3a9c',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'id-token-request-5e1d',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.invalid/id-token-url-8b2c',
  GITHUB_TOKEN: 'ghs_exportedWorkflowToken42',
  CANARY: 'canary-value-0d9e'
}
const FILE_SECRET = 'file-secret-c4f1'

type Version = '1.0.0' | '1.1.0'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let schemaServer: http.Server
let schemaRequests: string[] = []
let schemaUrl: string
let runs = 0

const CONFIGMAP = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: {{ .Release.Name }}-tier',
  '  labels: {version: {{ .Chart.Version | quote }}}',
  'data:',
  '  tier: {{ .Values.tier | quote }}',
  '  {{- with .Values.data }}',
  '  {{- toYaml . | nindent 2 }}',
  '  {{- end }}',
  ''
].join('\n')

/** Each chart's templates (and other files) at each version. */
const CHARTS: Record<string, (version: Version) => Record<string, string>> = {
  tier: () => ({ 'templates/configmap.yaml': CONFIGMAP }),
  schemaref: version => ({
    'templates/configmap.yaml': CONFIGMAP,
    ...(version === '1.1.0' && {
      'values.schema.json': JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { tier: { $ref: `${schemaUrl}/tier.json` } }
      })
    })
  }),
  // `repeat` asks for 2 GB at once, twice the bound: stopped in a moment. (A
  // list grown number by number gets there too, but after seconds of CPU
  // that a busy machine stretches past the render's own 60 s.)
  bomb: version => ({
    'templates/configmap.yaml': CONFIGMAP,
    ...(version === '1.1.0' && {
      'templates/bomb.yaml': '{{- repeat (int .Values.size) "x" }}\n',
      'values.yaml': 'tier: web\nsize: 2000000000\n'
    })
  }),
  // 10^12 empty iterations: a render that never ends, in little memory.
  loop: () => ({
    'templates/configmap.yaml': CONFIGMAP,
    'templates/loop.yaml':
      '{{- range until 1000 }}{{- range until 1000 }}{{- range until 1000 }}' +
      '{{- range until 1000 }}{{- end }}{{- end }}{{- end }}{{- end }}\n'
  })
}

function writeCharts(parent: string, names: string[], version: Version): void {
  for (const name of names) {
    const dir = path.join(parent, name)
    const files = {
      'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n`,
      'values.yaml': 'tier: web\n',
      ...CHARTS[name](version)
    }
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      fs.writeFileSync(path.join(dir, file), text)
    }
  }
}

async function release(
  charts: string[],
  version: Version,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeCharts(path.join(dirs.workspace, 'charts'), charts, version)
  const context = gitopsRunContext(servers, version, '')
  return runMain({
    inputs: {
      chart: charts.length > 1 ? 'charts/*' : `charts/${charts[0]}`,
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      // helm lint would run the templates this file makes hostile.
      lint: 'false',
      ...inputs
    },
    dirs,
    github: context.github,
    env: { ...context.env, ...RUNNER_SECRETS, ...env }
  })
}

function application(name: string, chart: string, helm: string[]): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: {name: ${name}, namespace: argocd}`,
    'spec:',
    '  destination: {namespace: apps}',
    '  source:',
    `    repoURL: oci://${registry.host}/acme/charts`,
    `    chart: ${chart}`,
    '    targetRevision: 1.0.0',
    ...(helm.length ? ['    helm:', ...helm.map(line => `      ${line}`)] : []),
    ''
  ].join('\n')
}

/** A GitOps repository, the release of `chart` 1.1.0 into it, and its pull request body. */
async function releaseInto(
  repo: string,
  files: Record<string, string>,
  chart: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<{ result: StepResult; body: string }> {
  git.createRepo(`acme/${repo}`, 'main', files)
  github.addRepository({ owner: 'acme', repo })
  const result = await release(
    [chart],
    '1.1.0',
    { 'gitops-repository': `acme/${repo}`, 'if-exists': 'skip', ...inputs },
    env
  )
  return { result, body: github.pulls('acme', repo)[0]?.body ?? '' }
}

/** What a user could read: the pull request, the job summary, the log, the outputs. */
function everything(result: StepResult, body: string): string {
  return [
    body,
    result.summary,
    visibleLog(result).join('\n'),
    JSON.stringify(result.outputs)
  ].join('\n')
}

/** The pull request's section of one place, up to the next one. */
function section(body: string, title: string): string {
  const start = body.indexOf(`### ${title}`)
  if (start < 0) return ''
  const end = body.indexOf('\n### ', start + 1)
  return body.slice(start, end < 0 ? undefined : end)
}

/** The line of one place in the pull request's "Not rendered" list. */
function notRendered(body: string, title: string): string {
  const start = body.indexOf('### Not rendered')
  if (start < 0) return ''
  const line = body
    .slice(start)
    .split('\n')
    .find(text => text.startsWith(`- ${title} `))
  return line ?? ''
}

function succeeded(result: StepResult): void {
  expect(result.exitCode, result.stdout + result.stderr).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
}

beforeAll(async () => {
  root = tempDir('hor-render-hostile-')
  schemaServer = http.createServer((request, response) => {
    schemaRequests.push(request.url ?? '')
    response.setHeader('content-type', 'application/json')
    response.end('{"type": "string"}')
  })
  await new Promise<void>(resolve =>
    schemaServer.listen(0, '127.0.0.1', resolve)
  )
  schemaUrl = `http://127.0.0.1:${(schemaServer.address() as AddressInfo).port}`
  servers = await startGitopsServers(TOKEN, [HELM3, HELM4])
  ;({ registry, mirror, git, github } = servers)
  const first = await release(Object.keys(CHARTS), '1.0.0', {
    'gitops-repository': '',
    'check-tag': 'false'
  })
  expect(first.exitCode, first.stdout + first.stderr).toBe(0)
})

afterAll(async () => {
  await servers?.stop()
  schemaServer?.close()
  removeDir(root)
})

describe('a release name that would be a Helm option (Helm 4.2.3)', () => {
  let result: StepResult
  let body: string
  let secretFile: string

  beforeAll(async () => {
    secretFile = path.join(root, 'secret.txt')
    fs.writeFileSync(secretFile, `${FILE_SECRET}\n`)
    ;({ result, body } = await releaseInto(
      'inject',
      {
        'apps/argo.yaml': application('argo', 'tier', [
          'releaseName: "--set-file=tier=/proc/self/environ"'
        ]),
        'apps/ok.yaml': application('ok', 'tier', []),
        'flux/tier.yaml': [
          'apiVersion: source.toolkit.fluxcd.io/v1beta2',
          'kind: OCIRepository',
          'metadata: {name: tier, namespace: flux-system}',
          'spec:',
          `  url: oci://${registry.host}/acme/charts/tier`,
          '  ref: {tag: 1.0.0}',
          '---',
          'apiVersion: helm.toolkit.fluxcd.io/v2',
          'kind: HelmRelease',
          'metadata: {name: flux, namespace: flux-system}',
          'spec:',
          `  releaseName: "--set-file=tier=${secretFile}"`,
          '  chartRef: {kind: OCIRepository, name: tier}',
          ''
        ].join('\n')
      },
      'tier'
    ))
  })

  test('the release and the pull request succeed; a place with good values renders', () => {
    succeeded(result)
    expect(section(body, 'Application ok')).toMatch(/1 changed/)
  })

  test('no environment value or token of the runner appears anywhere a user reads', () => {
    const text = everything(result, body)
    for (const value of [...Object.values(RUNNER_SECRETS), TOKEN])
      expect(text).not.toContain(value)
    expect(text).not.toContain('RUNNER_TEMP=')
  })

  test("the log says once what the preview's Helm runs with", () => {
    const lines = visibleLog(result).filter(line =>
      line.startsWith("The preview's Helm runs with an environment of its own")
    )
    expect(lines).toEqual([
      expect.stringMatching(
        /empty folders, no network \(a network namespace of its own\), at most 1024 MiB of memory per render\.$/
      )
    ])
  })

  test("Argo CD's releaseName is refused: not rendered, and the pull request says why", () => {
    expect(notRendered(body, 'Application argo')).toMatch(
      /the release name .* is not one Helm accepts/
    )
  })

  test("Flux's spec.releaseName is refused the same way: the file is not read", () => {
    expect(everything(result, body)).not.toContain(FILE_SECRET)
    expect(notRendered(body, 'HelmRelease flux')).toMatch(
      /the release name .* is not one Helm accepts/
    )
  })
})

test('Helm 3.17.3: a release name --post-renderer=sh runs nothing', async () => {
  const marker = path.join(root, 'post-renderer-ran')
  const { result, body } = await releaseInto(
    'postrender',
    {
      'apps/argo.yaml': application('argo', 'tier', [
        'releaseName: "--post-renderer=sh"',
        'valuesObject:',
        `  data: {run: "$(touch ${marker})"}`
      ])
    },
    'tier',
    { 'helm-version': HELM3 }
  )
  succeeded(result)
  expect(fs.existsSync(marker)).toBe(false)
  expect(notRendered(body, 'Application argo')).toMatch(
    /the release name .* is not one Helm accepts/
  )
})

test("a chart's values.schema.json that refers to a URL: nothing is fetched", async () => {
  schemaRequests = []
  const { result, body } = await releaseInto(
    'schema',
    { 'apps/schema.yaml': application('schema', 'schemaref', []) },
    'schemaref'
  )
  succeeded(result)
  expect(schemaRequests).toEqual([])
  expect(section(body, 'Application schema')).toContain(
    'values.schema.json not checked'
  )
})

test('a template that eats memory is stopped with a clear message', async () => {
  const { result, body } = await releaseInto(
    'bomb',
    { 'apps/bomb.yaml': application('bomb', 'bomb', []) },
    'bomb'
  )
  succeeded(result)
  expect(body).toMatch(/Does not render\*\* at the new version 1\.1\.0/)
  expect(section(body, 'Application bomb')).toMatch(
    /helm was stopped: it needed more than 1024 MiB of memory, the bound of one render/
  )
  expect(result.stdout).toMatch(
    /^::warning::apps\/bomb\.yaml line \d+ .*does not render: helm was stopped: it needed more than \d+ MiB/m
  )
})

test('a template that never ends: the places past the time budget are listed as not rendered', async () => {
  const { result, body } = await releaseInto(
    'loop',
    {
      'apps/a.yaml': application('a', 'loop', []),
      'apps/b.yaml': application('b', 'loop', []),
      'apps/c.yaml': application('c', 'loop', [])
    },
    'loop',
    {},
    // The test seam that lowers the budget (never raises it): 1 s.
    { HELM_OCI_RELEASE_RENDER_BUDGET_MS: '1000' }
  )
  succeeded(result)
  // Two places render at once (RENDER_CONCURRENCY): `a` and `b` start
  // together, and `c` only once one of them was stopped by the budget. The
  // budget starts before the first place's chart is pulled: on a busy
  // machine the pull alone may take the second, and then `a` and `b` too
  // were never rendered. Which of the two is a matter of speed;
  // budget.test.ts tells them apart on a fake clock.
  for (const name of ['a', 'b'])
    expect(notRendered(body, `Application ${name}`)).toMatch(
      /the preview's time budget \(1 s for all places\) (ran out while rendering it|was spent)/
    )
  expect(notRendered(body, 'Application c')).toMatch(
    /the preview's time budget \(1 s for all places\) was spent/
  )
})
