// The releases API and the step against the OpenAPI-checked GitHub double:
// create, re-run, assets kept or refused, and the failures explained.
import { afterAll, beforeAll, beforeEach, expect, test, vi } from 'vitest'
import * as core from '@actions/core'
import { githubReleases } from '../../src/github/releases.js'
import {
  releaseAll,
  releaseChart,
  type ReleaseSources
} from '../../src/ghrelease/step.js'
import type { ChartRelease } from '../../src/record/chart-release.js'
import { recordOf, type RunRecord } from '../../src/record/run.js'
import {
  startGitHubDouble,
  type GitHubDouble
} from '../helpers/github-double.js'

vi.mock('@actions/core', async original => ({
  ...(await original<typeof import('@actions/core')>()),
  info: vi.fn(),
  warning: vi.fn()
}))

const TOKEN = 'ghs_releasesToken0123456789'
const OWNER = 'octo-org'
let github: GitHubDouble
let repoN = 0
let repo = ''

beforeAll(async () => {
  github = await startGitHubDouble({ tokens: [TOKEN] })
})
afterAll(async () => github?.close())
beforeEach(() => {
  repo = `charts${repoN++}`
  github.addRepository({ owner: OWNER, repo })
  github.clearRecords()
  vi.mocked(core.warning).mockClear()
})

function store() {
  return githubReleases(
    { token: TOKEN, apiUrl: github.apiUrl, waitUnitMs: 1 },
    OWNER,
    repo
  )
}

function chart(version = '1.2.0'): ChartRelease {
  return {
    file: 'Chart.yaml',
    apiVersion: 'v2',
    name: 'web',
    version,
    appVersion: '2.0',
    dependencies: [],
    versionLine: 3,
    dir: '.',
    hasLock: false,
    registry: 'ghcr.io',
    repository: 'octo-org/charts',
    repositoryPath: 'octo-org/charts/web',
    tag: version,
    ref: 'oci://ghcr.io/octo-org/charts/web',
    digest: `sha256:${'a'.repeat(64)}`,
    pushed: true,
    packagePath: '/tmp/web.tgz'
  }
}

/** The run's record of `charts`, which releaseAll writes each result to. */
function recordFor(charts: ChartRelease[]): RunRecord {
  return recordOf({ charts, helmVersion: 'v4.2.3', dryRun: false, skipped: [] })
}

const PACKAGE = Buffer.from('the package bytes')
function sources(bytes = PACKAGE): ReleaseSources {
  return {
    runTag: 'v1.2.0',
    pattern: 'v{version}',
    sha: 'c0ffee',
    bodyInput: () => ({
      appVersion: '2.0',
      changes: '- kind: added\n  description: a thing'
    }),
    packageBytes: () => Promise.resolve(bytes)
  }
}

test('creates the release with the notes and the package', async () => {
  const result = await releaseChart(store(), chart(), sources())
  expect(result.operation).toBe('created')
  expect(result.assets).toEqual([{ name: 'web-1.2.0.tgz', action: 'uploaded' }])
  const [release] = github.releases(OWNER, repo)
  expect(release.tag).toBe('v1.2.0')
  expect(release.targetCommitish).toBe('c0ffee')
  expect(release.body).toContain(
    'helm install web oci://ghcr.io/octo-org/charts/web --version 1.2.0'
  )
  expect(release.body).toContain('a thing')
  expect(release.assets[0].data.equals(PACKAGE)).toBe(true)
  expect(result.url).toContain('/releases/tag/v1.2.0')
  expect(github.violations).toEqual([])
})

test('a re-run updates the one release; an identical asset is not uploaded again', async () => {
  await releaseChart(store(), chart(), sources())
  const rerun = await releaseChart(store(), chart(), sources())
  expect(rerun.operation).toBe('unchanged')
  expect(rerun.assets[0].action).toBe('kept')
  github.releases(OWNER, repo)[0].body = 'old notes'
  const third = await releaseChart(store(), chart(), sources())
  expect(third.operation).toBe('updated')
  expect(github.releases(OWNER, repo)).toHaveLength(1)
  expect(github.releases(OWNER, repo)[0].assets).toHaveLength(1)
  expect(
    github.requests.filter(r => r.operation === 'repos/upload-release-asset')
  ).toHaveLength(1)
  expect(github.violations).toEqual([])
})

test('other assets are kept; a different asset of the same name is warned about, not replaced', async () => {
  const warn = vi.mocked(core.warning)
  const api = store()
  const created = await api.create('v1.2.0', { name: 'x', body: 'y' })
  await api.uploadAsset(created, 'notes.txt', Buffer.from('mine'))
  await api.uploadAsset(
    created,
    'web-1.2.0.tgz',
    Buffer.from('other bytes!!!!!!')
  )
  const result = await releaseChart(store(), chart(), sources())
  expect(result.assets[0].action).toBe('conflict')
  expect(String(warn.mock.calls[0][0])).toContain('web-1.2.0.tgz')
  const [release] = github.releases(OWNER, repo)
  expect(release.assets.map(a => a.name)).toEqual([
    'notes.txt',
    'web-1.2.0.tgz'
  ])
  expect(release.assets[1].data.toString()).toBe('other bytes!!!!!!')
  expect(github.violations).toEqual([])
})

test('403 names contents: write and says the chart is published', async () => {
  github.fail({ operation: 'repos/create-release', kind: 'forbidden' })
  const charts = [chart()]
  const failure = await releaseAll(
    store(),
    charts,
    sources(),
    'fail',
    recordFor(charts)
  ).catch((e: unknown) => e)
  expect(String(failure)).toContain('contents: write')
  expect(String(failure)).toContain('is published')
  expect(String(failure)).toContain('if-exists: skip')
  expect(charts[0].githubRelease).toBeUndefined()
})

test('422 is explained; a 5xx is retried', async () => {
  github.fail({ operation: 'repos/create-release', kind: 'validation' })
  await expect(releaseChart(store(), chart(), sources())).rejects.toThrow(
    /422.*draft/
  )
  github.fail({
    operation: 'repos/create-release',
    kind: 'server-error',
    times: 2
  })
  const result = await releaseChart(store(), chart(), sources())
  expect(result.operation).toBe('created')
})

test('a 422 on the asset upload gets its own hint, not the draft release one', async () => {
  const api = store()
  const created = await api.create('v1.2.0', { name: 'x', body: 'y' })
  await api.uploadAsset(created, 'web-1.2.0.tgz', PACKAGE)
  // GitHub's list lags behind a write: the asset is there, the list is empty.
  github.fail({ operation: 'repos/list-release-assets', kind: 'stale-list' })
  const failure = await releaseChart(store(), chart(), sources()).catch(
    (e: unknown) => e
  )
  const message = String(failure)
  expect(message).toContain('422')
  expect(message).toContain('already_exists')
  expect(message).toContain('asset named web-1.2.0.tgz')
  expect(message).not.toContain('draft')
  expect(github.releases(OWNER, repo)[0].assets).toHaveLength(1)
})

test('several charts each get their own release', async () => {
  const charts = [chart('1.0.0'), { ...chart('2.0.0'), name: 'api' }]
  await releaseAll(
    store(),
    charts,
    { ...sources(), runTag: undefined, pattern: '{name}-v{version}' },
    'skip',
    recordFor(charts)
  )
  expect(github.releases(OWNER, repo).map(r => r.tag)).toEqual([
    'web-v1.0.0',
    'api-v2.0.0'
  ])
  expect(charts.every(c => c.githubRelease?.url)).toBe(true)
})
