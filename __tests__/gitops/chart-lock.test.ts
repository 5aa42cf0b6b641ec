// Chart.lock editing, pure: Helm's digest reproduced on locks Helm wrote, the
// bumped entry moved, and every case where `helm dependency update` could
// move something else left alone with the reason.
import { describe, expect, test } from 'vitest'
import { updateChartLock } from '../../src/gitops/lock/chart-lock.js'
import { goJsonString, lockDigest } from '../../src/gitops/lock/helm-digest.js'
import { goTimestamp, yamlScalar } from '../../src/gitops/lock/lock-yaml.js'
import {
  readChartDependencies,
  readChartLock
} from '../../src/gitops/lock/read-dependencies.js'

// helm/helm v4.2.3 pkg/chart/v2/util/testdata/import-values-from-enabled-subchart/parent-chart:
// a lock Helm wrote (ranges with '>', tags, conditions, import-values).
const HELM_CHART = `apiVersion: v2
name: parent-chart
version: v0.1.0
appVersion: v0.1.0
dependencies:
  - name: dev
    repository: "file://envs/dev"
    version: ">= 0.0.1"
    condition: dev.enabled,global.dev.enabled
    tags:
      - dev
    import-values:
      - data

  - name: prod
    repository: "file://envs/prod"
    version: ">= 0.0.1"
    condition: prod.enabled,global.prod.enabled
    tags:
      - prod
    import-values:
      - data`
const HELM_LOCK = `dependencies:
- name: dev
  repository: file://envs/dev
  version: v0.1.0
- name: prod
  repository: file://envs/prod
  version: v0.1.0
digest: sha256:9403fc24f6cf9d6055820126cf7633b4bd1fed3c77e4880c674059f536346182
generated: "2020-02-03T10:38:51.180474+01:00"
`

const REPO = 'oci://ghcr.io/acme/charts'
const NOW = new Date('2026-03-04T05:06:07.890Z')

function chartYaml(web: string, db = '2.0.0', dbRepo = REPO): string {
  return `apiVersion: v2
name: platform
version: 0.1.0
dependencies:
  - name: web
    version: ${web}
    repository: ${REPO}
  - name: db
    version: "${db}"
    repository: ${dbRepo}
`
}

function lockFor(chart: string, web: string, db = '2.0.0'): string {
  const req = readChartDependencies(chart)
  if (!('value' in req)) throw new Error(req.reason)
  const repository = req.value[1].repository ?? ''
  const entries = [
    { name: 'web', repository: REPO, version: web },
    { name: 'db', repository, version: db }
  ]
  return `dependencies:
- name: web
  repository: ${REPO}
  version: ${web}
- name: db
  repository: ${yamlScalar(repository) ?? JSON.stringify(repository)}
  version: ${db}
digest: ${lockDigest(req.value, entries)}
generated: "2025-01-01T00:00:00.5Z"
`
}

describe("Helm's lock digest", () => {
  test('reproduces the digest of a lock Helm wrote', () => {
    const req = readChartDependencies(HELM_CHART)
    const lock = readChartLock(HELM_LOCK)
    if (!('value' in req) || !('value' in lock)) throw new Error('unread')
    expect(lockDigest(req.value, lock.value.dependencies)).toBe(
      lock.value.digest
    )
  })

  test('escapes strings as Go does', () => {
    expect(goJsonString('>= 1.0 <2 & "x"')).toBe(
      '"\\u003e= 1.0 \\u003c2 \\u0026 \\"x\\""'
    )
  })

  test('writes generated as Go marshals a UTC time', () => {
    expect(goTimestamp(NOW)).toBe('2026-03-04T05:06:07.89Z')
    expect(goTimestamp(new Date('2026-03-04T05:06:07.000Z'))).toBe(
      '2026-03-04T05:06:07Z'
    )
  })

  test('quotes only what YAML 1.1 would not read back as a string', () => {
    expect(yamlScalar('1.2.3')).toBe('1.2.3')
    expect(yamlScalar('')).toBe('""')
    expect(yamlScalar('yes')).toBe('"yes"')
    expect(yamlScalar('1.2')).toBe('"1.2"')
    expect(yamlScalar('a b')).toBeUndefined()
  })
})

describe('updateChartLock', () => {
  test('moves the bumped entry, the digest and generated; nothing else', () => {
    const before = chartYaml('1.0.0')
    const after = chartYaml('1.1.0')
    const update = updateChartLock({
      chartBefore: before,
      chartAfter: after,
      lock: lockFor(before, '1.0.0'),
      now: NOW
    })
    if (!('text' in update)) throw new Error(update.leftAlone)
    expect(update.moved).toEqual([{ name: 'web', from: '1.0.0', to: '1.1.0' }])
    expect(update.text).toBe(
      lockFor(after, '1.1.0').replace(
        '2025-01-01T00:00:00.5Z',
        '2026-03-04T05:06:07.89Z'
      )
    )
  })

  test.each([
    [
      'another dependency on a range',
      chartYaml('1.0.0', '^2.0.0'),
      /'db' is on '\^2\.0\.0'.*newer version/
    ],
    [
      'a file:// dependency',
      chartYaml('1.0.0', '2.0.0', 'file://../db'),
      /file:\/\/\.\.\/db: helm dependency update locks the local chart's version/
    ],
    [
      'an @alias repository',
      chartYaml('1.0.0', '2.0.0', '"@stable"'),
      /repositories\.yaml/
    ]
  ])('%s: the lock is left alone, with the reason', (_, before, reason) => {
    const update = updateChartLock({
      chartBefore: before,
      chartAfter: before.replace('version: 1.0.0', 'version: 1.1.0'),
      lock: lockFor(before, '1.0.0'),
      now: NOW
    })
    expect(update).toEqual({ leftAlone: expect.stringMatching(reason) })
  })

  test('a lock already out of sync is left alone', () => {
    const before = chartYaml('1.0.0')
    const update = updateChartLock({
      chartBefore: before,
      chartAfter: chartYaml('1.1.0'),
      lock: lockFor(before, '1.0.0').replace(
        /digest: sha256:\w+/,
        `digest: sha256:${'0'.repeat(64)}`
      ),
      now: NOW
    })
    expect(update).toEqual({ leftAlone: expect.stringMatching(/not in sync/) })
  })

  test('a Helm lock on ranges (helm/helm testdata) is left alone', () => {
    const update = updateChartLock({
      chartBefore: HELM_CHART,
      chartAfter: HELM_CHART,
      lock: HELM_LOCK,
      now: NOW
    })
    expect(update).toEqual({
      leftAlone: expect.stringMatching(/file:\/\/envs\/dev/)
    })
  })

  test.each([
    [
      'a non-v2 chart',
      chartYaml('1.0.0').replace('apiVersion: v2', 'apiVersion: v1'),
      /apiVersion v1/
    ],
    [
      'a field Helm does not know',
      chartYaml('1.0.0').replace('  - name: db', '  - name: db\n    extra: x'),
      /'extra'/
    ],
    [
      'a non-string version',
      chartYaml('1.0.0').replace('"2.0.0"', '2.0'),
      /not a plain ASCII string/
    ]
  ])('%s: left alone', (_, before, reason) => {
    const update = updateChartLock({
      chartBefore: before,
      chartAfter: before.replace('version: 1.0.0', 'version: 1.1.0'),
      lock: lockFor(chartYaml('1.0.0'), '1.0.0'),
      now: NOW
    })
    expect(update).toEqual({ leftAlone: expect.stringMatching(reason) })
  })
})
