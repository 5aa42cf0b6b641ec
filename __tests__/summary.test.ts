import { expect, test } from 'vitest'
import type { ReleaseResult } from '../src/release.js'
import { summaryRows } from '../src/summary.js'

const base: ReleaseResult = {
  chartName: 'hello',
  chartVersion: '1.2.3+build.1',
  tag: '1.2.3_build.1',
  chartRef: 'oci://ghcr.io/acme/charts/hello',
  digest: 'sha256:' + '0'.repeat(64),
  pushed: true,
  packagePath: '/tmp/hello-1.2.3+build.1.tgz',
  helmVersion: 'v4.1.4',
  dryRun: false,
  skipped: []
}

test('the summary reports the real OCI tag of a build-metadata version', () => {
  expect(Object.fromEntries(summaryRows(base))).toEqual({
    Chart: 'hello',
    Version: '1.2.3+build.1',
    'OCI tag': '1.2.3_build.1',
    Reference: 'oci://ghcr.io/acme/charts/hello:1.2.3_build.1',
    Digest: base.digest,
    Pushed: 'yes',
    Helm: 'v4.1.4'
  })
})

test('a dry run says nothing was pushed', () => {
  const rows = Object.fromEntries(
    summaryRows({
      ...base,
      chartVersion: '1.0.0',
      tag: '1.0.0',
      digest: '',
      pushed: false,
      dryRun: true
    })
  )
  expect(rows.Pushed).toBe('no (dry run)')
  expect(rows.Digest).toBe('(not pushed)')
  expect(rows['OCI tag']).toBeUndefined()
})
