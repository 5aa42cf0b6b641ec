// `github-release: true` through dist/ as a runner runs it: real Helm pushing
// to a real registry, the release made in the OpenAPI-checked GitHub double.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  visibleLog,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import {
  startGitHubDouble,
  type GitHubDouble
} from '../helpers/github-double.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import { HELM4, removeDir, tempDir } from '../helpers/paths.js'
import { startRegistry, type Registry } from '../helpers/registry.js'

const TOKEN = 'ghs_releaseE2eToken0123456789'
const OWNER = 'octo-org'

let root: string
let mirror: Mirror
let registry: Registry
let github: GitHubDouble
let runs = 0

beforeAll(async () => {
  root = tempDir('hor-ghrelease-')
  mirror = await startMirror({ versions: [HELM4] })
  registry = await startRegistry()
  github = await startGitHubDouble({ tokens: [TOKEN] })
  github.addRepository({ owner: OWNER, repo: 'charts' })
  github.addRepository({ owner: OWNER, repo: 'locked' })
})

afterAll(async () => {
  await Promise.all([mirror?.stop(), registry?.stop(), github?.close()])
  removeDir(root)
})

interface Run {
  charts: { name: string; version: string }[]
  inputs?: Record<string, string>
  repo?: string
  tag?: string
}

async function release(
  run: Run
): Promise<{ result: StepResult; dirs: string }> {
  const base = path.join(root, `run-${++runs}`)
  const dirs = makeRunnerDirs(base)
  for (const chart of run.charts)
    writeChart(path.join(dirs.workspace, 'charts'), {
      name: chart.name,
      version: chart.version
    })
  const tag = run.tag ?? `v${run.charts[0].version}`
  const result = await runMain({
    inputs: {
      chart:
        run.charts.length > 1 ? 'charts/*' : `charts/${run.charts[0].name}`,
      registry: registry.host,
      repository: `${OWNER}/charts`,
      password: '',
      'plain-http': 'true',
      tag,
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'github-release': 'true',
      'github-token': TOKEN,
      ...run.inputs
    },
    github: { repository_owner: OWNER, actor: 'octocat', token: '' },
    env: {
      GITHUB_REPOSITORY: `${OWNER}/${run.repo ?? 'charts'}`,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: github.apiUrl,
      GITHUB_REF: `refs/tags/${tag}`,
      GITHUB_SHA: 'c0ffee'.padEnd(40, '0')
    },
    dirs
  })
  return { result, dirs: base }
}

function log(result: StepResult): string {
  return visibleLog(result).join('\n')
}

/** The package the action pushed, as Helm left it in the runner's temp. */
function packageBytes(result: StepResult): Buffer {
  return fs.readFileSync(result.outputs['package-path'])
}

describe('one chart', () => {
  let first: StepResult

  beforeAll(async () => {
    ;({ result: first } = await release({
      charts: [{ name: 'web', version: '1.2.0' }]
    }))
  })

  test('gets a release for its tag, with the notes and the package attached', () => {
    expect(first.exitCode, log(first)).toBe(0)
    const [made] = github.releases(OWNER, 'charts')
    expect(made.tag).toBe('v1.2.0')
    expect(made.body).toContain(`oci://${registry.host}/${OWNER}/charts/web`)
    expect(made.body).toContain(first.outputs['digest'])
    expect(made.body).toContain('helm install web')
    expect(made.body).toContain('--version 1.2.0')
    expect(made.assets.map(a => a.name)).toEqual(['web-1.2.0.tgz'])
    expect(made.assets[0].data.equals(packageBytes(first))).toBe(true)
    expect(first.outputs['release-url']).toMatch(
      new RegExp(`^https://[^/]+/${OWNER}/charts/releases/tag/v1\\.2\\.0$`)
    )
    const charts = JSON.parse(first.outputs['charts'])
    expect(charts[0]['release-url']).toBe(first.outputs['release-url'])
    expect(first.summary).toContain(first.outputs['release-url'])
  })

  test('a re-run (if-exists: skip) keeps the one release and its asset', async () => {
    const { result } = await release({
      charts: [{ name: 'web', version: '1.2.0' }],
      inputs: { 'if-exists': 'skip' }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pushed']).toBe('false')
    const all = github.releases(OWNER, 'charts').filter(r => r.tag === 'v1.2.0')
    expect(all).toHaveLength(1)
    expect(all[0].assets).toHaveLength(1)
  })
})

test('several charts each get their own release, on the tag tag-pattern forms', async () => {
  const { result } = await release({
    charts: [
      { name: 'api', version: '0.3.0' },
      { name: 'db', version: '0.4.0' }
    ],
    tag: 'api-v0.3.0',
    inputs: { 'check-tag': 'false', 'tag-pattern': '{name}-v{version}' }
  })
  expect(result.exitCode, log(result)).toBe(0)
  const tags = github
    .releases(OWNER, 'charts')
    .map(r => r.tag)
    .filter(t => t !== 'v1.2.0')
    .sort()
  expect(tags).toEqual(['api-v0.3.0', 'db-v0.4.0'])
  const charts = JSON.parse(result.outputs['charts']) as Record<
    string,
    string
  >[]
  expect(charts.map(c => c['release-url'])).toEqual([
    expect.stringContaining('/releases/tag/api-v0.3.0'),
    expect.stringContaining('/releases/tag/db-v0.4.0')
  ])
})

test('without contents: write the chart is published and the message names the permission', async () => {
  github.fail({
    operation: 'repos/create-release',
    kind: 'forbidden',
    times: 5
  })
  const { result } = await release({
    charts: [{ name: 'locked', version: '2.0.0' }],
    repo: 'locked'
  })
  expect(result.exitCode).toBe(1)
  const text = log(result)
  expect(text).toContain('contents: write')
  expect(text).toMatch(/is published \(digest sha256:[a-f0-9]{64}\)/)
  expect(result.outputs['pushed']).toBe('true')
  expect(text).not.toMatch(/\n\s+at /)
})
