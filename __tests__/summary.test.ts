import { describe, expect, test } from 'vitest'
import type { ChartRelease } from '../src/record/chart-release.js'
import type { RunResult } from '../src/record/run.js'
import {
  gitopsSummary,
  SUMMARY_LIMIT,
  summaryRows,
  summaryTitle
} from '../src/summary.js'

const hello: ChartRelease = {
  name: 'hello',
  version: '1.2.3+build.1',
  file: 'charts/hello/Chart.yaml',
  apiVersion: 'v2',
  dir: '/w/charts/hello',
  dependencies: [],
  hasLock: false,
  versionLine: 3,
  registry: 'ghcr.io',
  repository: 'acme/charts',
  repositoryPath: 'acme/charts/hello',
  tag: '1.2.3_build.1',
  ref: 'oci://ghcr.io/acme/charts/hello',
  digest: 'sha256:' + '0'.repeat(64),
  pushed: true,
  packagePath: '/tmp/hello-1.2.3+build.1.tgz'
}
const run = (charts: ChartRelease[], dryRun = false): RunResult => ({
  charts,
  helmVersion: 'v4.1.4',
  dryRun,
  skipped: []
})

test('one row per chart, with the real OCI tag of a build-metadata version', () => {
  const world = {
    ...hello,
    name: 'world',
    version: '2.0.0',
    tag: '2.0.0',
    ref: 'oci://ghcr.io/acme/charts/world',
    pushed: false
  }
  expect(summaryRows(run([hello, world]))).toEqual([
    [
      'hello',
      '1.2.3+build.1',
      'oci://ghcr.io/acme/charts/hello:1.2.3_build.1',
      hello.digest,
      'yes'
    ],
    [
      'world',
      '2.0.0',
      'oci://ghcr.io/acme/charts/world:2.0.0',
      hello.digest,
      'no (already published)'
    ]
  ])
  expect(summaryTitle(run([hello, world]))).toBe('Published 1 of 2 charts')
  expect(summaryTitle(run([hello]))).toBe('Published hello 1.2.3+build.1')
})

test('a dry run says nothing was pushed', () => {
  const dry = {
    ...hello,
    version: '1.0.0',
    tag: '1.0.0',
    digest: '',
    pushed: false
  }
  expect(summaryRows(run([dry], true))[0].slice(3)).toEqual([
    '(not pushed)',
    'no (dry run)'
  ])
  expect(summaryTitle(run([dry], true))).toBe(
    'hello 1.0.0: dry run, nothing pushed'
  )
})

describe('the GitOps sections fit the room the summary leaves', () => {
  const withGitops = (files: number, diffs: number): ChartRelease => ({
    ...hello,
    gitops: {
      operation: 'created',
      number: 7,
      url: 'https://github.test/acme/gitops/pull/7',
      updatedFiles: Array.from(
        { length: files },
        (_, i) => `apps/@org-${i}.yaml`
      ),
      preview: [
        {
          head: '### Application web\n\n',
          items: Array.from({ length: diffs }, () => ({
            text: `${'日'.repeat(9_999)}\n`,
            unit: 'resource diff'
          }))
        }
      ]
    }
  })

  test.each([
    ['a small pull request, whole', 3, 2, 1_000_000, false],
    ['800 files and 200 diffs of 30 KB', 800, 200, 1_000_000, true],
    ['two charts in little room', 50, 50, 20_000, true]
  ])('%s', (_, files, diffs, room, cut) => {
    const charts = [
      withGitops(files, diffs),
      { ...withGitops(files, diffs), name: 'api' }
    ]
    const text = gitopsSummary(charts, room)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(room)
    expect(text).toContain('### GitOps pull request for hello')
    expect(text).toContain(
      '<a href="https://github.test/acme/gitops/pull/7">#7</a>: created'
    )
    expect(text).toContain('- `apps/@org-0.yaml`')
    expect(
      text.includes(
        "left out to keep the job summary within the runner's 1 MiB limit"
      )
    ).toBe(cut)
  })

  test('a summary of everything stays under SUMMARY_LIMIT', () => {
    const text = gitopsSummary([withGitops(50_000, 2_000)], SUMMARY_LIMIT)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    expect(text).toMatch(
      /files left out .*: the `updated-files` output lists every one\._/
    )
  })
})
