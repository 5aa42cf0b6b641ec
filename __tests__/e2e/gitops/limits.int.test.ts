// What a GitOps repository (and the chart's own history) can make of the pull
// request and the job summary, through the bundled action as a runner runs it
// (real registry, real Helm, real git over smart HTTP, the OpenAPI-checked
// GitHub double, which refuses a body over 65,536 characters as GitHub does):
// the body fits whatever the preview, the changelog or the pins hold; the job
// summary stays under the runner's 1 MiB and node's memory stays bounded;
// nothing from the repository becomes a live mention, reference, HTML or
// table cell; a 429 with a long Retry-After on the create is waited out.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import { PULL_BODY_LIMIT } from '../../helpers/github-double.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import { skipWaitEnv, skippedWaits } from '../../helpers/skip-wait.js'

const TOKEN = 'ghs_limitsTOKEN1234567890'
/** The runner drops a step summary over 1 MiB (actions/runner, FileCommandManager.cs). */
const SUMMARY_LIMIT = 1024 * 1024
/** The chart's versions: the pins move from the first to the last; 8 in between carry changes. */
const VERSIONS = Array.from({ length: 9 }, (_, i) => `1.${i}.0`)
const OLD = VERSIONS[0]
const NEW = VERSIONS[VERSIONS.length - 1]

let root: string
let servers: GitopsServers
let runs = 0

/** 60 changes of about 200 characters each: 12 KB of changelog per version. */
function changes(version: string): string[] {
  return Array.from({ length: 60 }, (_, i) => [
    '    - kind: changed',
    `      description: "${version} change ${i}: ${'lorem ipsum '.repeat(16)}"`
  ]).flat()
}

/** `sized`: ConfigMaps whose number, length and names the values choose. */
function writeSized(parent: string, version: string): void {
  const dir = path.join(parent, 'sized')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  const chart = ['apiVersion: v2', 'name: sized', `version: ${version}`]
  if (version !== OLD)
    chart.push(
      'annotations:',
      '  artifacthub.io/changes: |',
      ...changes(version)
    )
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), `${chart.join('\n')}\n`)
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    'maps: 1\nlines: 2\nprefix: cm-\nfiller: x\n'
  )
  fs.writeFileSync(
    path.join(dir, 'templates', 'maps.yaml'),
    [
      '{{- range $i := until (int .Values.maps) }}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ printf "%s%d" $.Values.prefix $i | quote }}',
      'data:',
      '  text: |',
      '{{- range $j := until (int $.Values.lines) }}',
      '    {{ $j }} {{ $.Chart.Version }} {{ $.Values.filler }}',
      '{{- end }}',
      '{{- end }}',
      ''
    ].join('\n')
  )
}

/** An Argo CD Application of `sized` at `version`, with its values. */
function application(
  name: string,
  values: Record<string, unknown> = {},
  version = OLD
): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    `metadata: {name: ${name}, namespace: argocd}`,
    'spec:',
    '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
    '  source:',
    `    repoURL: oci://${servers.registry.host}/acme/charts`,
    '    chart: sized',
    `    targetRevision: ${version}`,
    '    helm:',
    `      valuesObject: ${JSON.stringify(values)}`,
    ''
  ].join('\n')
}

async function release(
  version: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeSized(path.join(dirs.workspace, 'charts'), version)
  const context = gitopsRunContext(servers, version, '')
  return runMain({
    inputs: {
      chart: 'charts/sized',
      registry: servers.registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': servers.mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      'if-exists': 'skip',
      ...inputs
    },
    dirs,
    github: context.github,
    env: { ...context.env, ...env }
  })
}

/** Releases NEW into a new GitOps repository holding `files`. */
async function releaseInto(
  repo: string,
  files: Record<string, string>,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<{ result: StepResult; body: string }> {
  servers.git.createRepo(`acme/${repo}`, 'main', files)
  servers.github.addRepository({ owner: 'acme', repo })
  const result = await release(
    NEW,
    { 'gitops-repository': `acme/${repo}`, ...inputs },
    env
  )
  const body = servers.github.pulls('acme', repo)[0]?.body ?? ''
  return { result, body }
}

const log = (result: StepResult): string => result.stdout + result.stderr
const lines = (count: number, filler: string) => ({ lines: count, filler })

beforeAll(async () => {
  root = tempDir('hor-gitops-limits-')
  servers = await startGitopsServers(TOKEN)
  for (const version of VERSIONS) {
    const published = await release(version, { 'gitops-repository': '' })
    expect(published.exitCode, log(published)).toBe(0)
  }
}, 600_000)

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('the pull request body stays under 65,536 characters', () => {
  test('a 50 KB diff and 8 changelog versions: the pull request is opened, cut where said', async () => {
    const { result, body } = await releaseInto('big-diff', {
      'apps/web.yaml': application('web', lines(1000, 'y'.repeat(20)))
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect([...body].length).toBeLessThanOrEqual(PULL_BODY_LIMIT)
    expect(body).toContain(`### Chart changelog ${OLD} → ${NEW}`)
    expect(body).toMatch(/left out to keep the pull request within GitHub/)
    expect(body).toContain('<sub>Opened by helm-oci-release.</sub>')
    expect(servers.github.violations).toEqual([])
  })

  test('800 Applications pinning the chart: the pull request is opened, the Changed table cut with where to see every pin', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 800; i++)
      files[`apps/team-${String(i).padStart(3, '0')}.yaml`] = application(
        `app-${i}`
      )
    const { result, body } = await releaseInto('many-pins', files)
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect(JSON.parse(result.outputs['updated-files'])).toHaveLength(800)
    expect([...body].length).toBeLessThanOrEqual(PULL_BODY_LIMIT)
    expect(body).toMatch(
      /_\d+ pins left out to keep the pull request within GitHub's 65,536-character limit: the run's log lists every pin/
    )
    expect(result.stdout).toContain(
      `Bump: apps/team-799.yaml line 9 (spec.source.targetRevision): ${OLD} -> ${NEW}.`
    )
  })
})

describe('the job summary stays under 1 MiB', () => {
  test('six 200 KB ConfigMaps: the summary is written, under 1 MiB, and says what it left out', async () => {
    const { result, body } = await releaseInto('dashboards', {
      'apps/grafana.yaml': application('grafana', {
        maps: 6,
        ...lines(4000, 'z'.repeat(38))
      })
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(Buffer.byteLength(result.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    expect(result.summary).toContain('What changes in the cluster')
    // Each ConfigMap's diff is there, cut at what the preview keeps of one.
    expect(result.summary.match(/<details><summary>ConfigMap /g)).toHaveLength(
      6
    )
    expect(
      result.summary.match(/more lines of this diff not kept/g)
    ).toHaveLength(6)
    expect([...body].length).toBeLessThanOrEqual(PULL_BODY_LIMIT)
  })

  test('a 24 MB render over three Applications: node keeps a bounded part of it (its heap capped at 128 MB), the summary is under 1 MiB and says what it left out', async () => {
    const huge = (name: string) =>
      application(name, { maps: 40, ...lines(4000, 'w'.repeat(38)) })
    const { result, body } = await releaseInto(
      'huge-render',
      {
        'apps/huge-a.yaml': huge('huge-a'),
        'apps/huge-b.yaml': huge('huge-b'),
        'apps/huge-c.yaml': huge('huge-c')
      },
      {},
      // Before the diffs were bounded, this release needed over 128 MB.
      { NODE_OPTIONS: '--max-old-space-size=128' }
    )
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect(Buffer.byteLength(result.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    expect(result.summary).toContain('What changes in the cluster')
    expect(result.summary).toMatch(
      /left out to keep the job summary within the runner's 1 MiB limit/
    )
    expect(result.summary).toMatch(
      /resource diffs not kept: the preview keeps a bounded part of the diffs/
    )
    expect([...body].length).toBeLessThanOrEqual(PULL_BODY_LIMIT)
  })
})

describe('nothing from the repository is live markdown or HTML', () => {
  const HOSTILE = '<img src=x>`|`'
  let result: StepResult
  let body: string

  beforeAll(async () => {
    ;({ result, body } = await releaseInto('markdown', {
      [`apps/${HOSTILE}.yaml`]: application('named', {
        prefix: '@org/team #123 '
      }),
      'apps/left.yaml': application('left', {}, `'${HOSTILE} x'`)
    }))
  })

  test('the release succeeds and the pull request is opened', () => {
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
  })

  test('a resource named @org/team #123 pings no team and links no issue, in the body or the summary', () => {
    for (const text of [body, result.summary]) {
      expect(text).toContain(
        '<summary>ConfigMap shop/@&#8203;org/team #&#8203;123 0</summary>'
      )
      // GitHub links nothing inside a code block (the diff quotes the name).
      const outsideCode = text.replace(/```diff\n[\s\S]*?```\n/g, '')
      expect(outsideCode).not.toContain('@org')
      expect(outsideCode).not.toContain('#123')
    }
  })

  test('a file name and a pin value with HTML, backticks and | stay text in their table cells', () => {
    expect(body).not.toContain('<img')
    const shown = '&#60;img src=x&#62;&#96;&#124;&#96;'
    const rows = body.split('\n').filter(l => l.startsWith('| <code>'))
    const changed = rows.find(l =>
      l.includes(`<code>apps/${shown}.yaml</code>`)
    )
    const left = rows.find(l => l.includes(`<code>${shown} x</code>`))
    // Six cells (Changed) and five (Left alone): no `|` of theirs splits a row.
    expect(changed?.match(/(?<!\\)\|/g)).toHaveLength(7)
    expect(left?.match(/(?<!\\)\|/g)).toHaveLength(6)
    // In the preview, the file name is text: no tag, no code span broken.
    expect(body).toContain('apps/&lt;img src=x&gt;\\`\\|\\`.yaml line 9')
  })
})

test('a 429 with a Retry-After of 137 s on the create is waited out (the wait asked for, said in the log) and retried', async () => {
  const waits = path.join(root, 'skipped-waits')
  servers.github.fail({
    operation: 'pulls/create',
    kind: 'secondary-rate-limit',
    status: 429,
    retryAfter: 137
  })
  const { result } = await releaseInto(
    'rate-limited',
    { 'apps/web.yaml': application('web') },
    { 'gitops-render': 'false' },
    skipWaitEnv(137, waits)
  )
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
  expect(result.stdout).toMatch(
    /^GitHub secondary rate limit on POST \/repos\/\{owner\}\/\{repo\}\/pulls: waiting 137 s \(retry 1 of 2; GitHub may ask for up to 300 s\)$/m
  )
  expect(skippedWaits(waits)).toEqual([137_000])
  expect(
    servers.github.requests
      .filter(r => r.operation === 'pulls/create')
      .filter(r => r.path.includes('/rate-limited/'))
      .map(r => r.status)
  ).toEqual([429, 201])
  expect(servers.github.pulls('acme', 'rate-limited')).toHaveLength(1)
})
