import { expect, test } from 'vitest'
import type { ChartRelease, RunResult } from '../src/publish/result.js'
import { summaryRows, summaryTitle } from '../src/summary.js'

const hello: ChartRelease = {
  name: 'hello',
  version: '1.2.3+build.1',
  file: 'charts/hello/Chart.yaml',
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
