// Reading a chart folder: a v1 chart's dependencies come from
// requirements.yaml and its lock is requirements.lock, as Helm's loader has
// them; a v2 chart's lock is Chart.lock.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { loadChart } from '../../src/chart/load.js'
import { UserError } from '../../src/errors.js'
import { removeDir, tempDir } from '../helpers/paths.js'

let workspace: string

beforeEach(() => {
  workspace = fs.realpathSync(tempDir('hor-load-'))
})

afterEach(() => {
  removeDir(workspace)
})

function chart(files: Record<string, string>): string {
  const dir = path.join(workspace, 'charts', 'app')
  fs.mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), text)
  return dir
}

const V1 = 'apiVersion: v1\nname: app\nversion: 1.0.0\n'
const V2 = 'apiVersion: v2\nname: app\nversion: 1.0.0\n'
const REQUIREMENTS =
  'dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: oci://ghcr.io/acme/charts\n'

describe('loadChart', () => {
  test.each([
    ['v1 without a lock', { 'Chart.yaml': V1 }, false],
    [
      'v1 with requirements.lock',
      { 'Chart.yaml': V1, 'requirements.lock': '' },
      true
    ],
    [
      'v1 with only a Chart.lock (Helm reads none)',
      { 'Chart.yaml': V1, 'Chart.lock': '' },
      false
    ],
    ['v2 with Chart.lock', { 'Chart.yaml': V2, 'Chart.lock': '' }, true],
    [
      'v2 with only a requirements.lock',
      { 'Chart.yaml': V2, 'requirements.lock': '' },
      false
    ]
  ])('%s: hasLock %s', (_name, files, hasLock) => {
    expect(loadChart(chart(files), workspace).hasLock).toBe(hasLock)
  })

  test("a v1 chart's dependencies are requirements.yaml's", () => {
    const loaded = loadChart(
      chart({ 'Chart.yaml': V1, 'requirements.yaml': REQUIREMENTS }),
      workspace
    )
    expect(loaded.apiVersion).toBe('v1')
    expect(loaded.dependencies.map(d => d.name)).toEqual(['redis'])
  })

  test.each([
    ['v1', V1],
    ['v2', V2]
  ])(
    'a file:// dependency out of the workspace names requirements.yaml (%s)',
    (_label, chartYaml) => {
      const dir = chart({
        'Chart.yaml': chartYaml,
        'requirements.yaml':
          'dependencies:\n  - name: outside\n    repository: file:///etc\n'
      })
      expect(() => loadChart(dir, workspace)).toThrow(UserError)
      expect(() => loadChart(dir, workspace)).toThrow(
        /^charts\/app\/requirements\.yaml: dependency 'outside' comes from file:\/\/\/etc/
      )
    }
  )
})
