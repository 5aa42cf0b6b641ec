// Which charts the `chart` input names: folders and globs over a real
// workspace on disk (charts found by their Chart.yaml).
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { findCharts } from '../../src/chart/find.js'
import { writeChart } from '../helpers/charts.js'
import { tempDir } from '../helpers/paths.js'

let workspace: string

beforeAll(() => {
  workspace = tempDir()
  writeChart(path.join(workspace, 'charts'), { name: 'api' })
  writeChart(path.join(workspace, 'charts'), { name: 'web' })
  writeChart(path.join(workspace, 'charts', 'web', 'charts'), { name: 'sub' })
  writeChart(path.join(workspace, 'deploy', 'team-a'), { name: 'db' })
  writeChart(path.join(workspace, '.hidden'), { name: 'secret' })
  writeChart(path.join(workspace, 'charts', 'node_modules'), { name: 'dep' })
  fs.mkdirSync(path.join(workspace, 'charts', 'docs'))
})

/** The found charts' folders, relative to the workspace. */
function found(patterns: string[]): string[] {
  return findCharts(patterns, workspace).map(chart =>
    path.relative(workspace, chart.dir).split(path.sep).join('/')
  )
}

describe('the chart input: folders and globs', () => {
  test.each<[string, string[], string[]]>([
    ['a folder', ['charts/api'], ['charts/api']],
    ['a glob, one level', ['charts/*'], ['charts/api', 'charts/web']],
    ['a trailing slash', ['charts/*/'], ['charts/api', 'charts/web']],
    [
      'a globstar reaches subcharts, not node_modules',
      ['charts/**'],
      ['charts/api', 'charts/web', 'charts/web/charts/sub']
    ],
    ['braces', ['{charts,deploy}/*'], ['charts/api', 'charts/web']],
    ['a class', ['charts/[aw]*'], ['charts/api', 'charts/web']],
    [
      'two globs',
      ['charts/a*', 'deploy/*/*'],
      ['charts/api', 'deploy/team-a/db']
    ],
    ['a dot folder by name', ['.hidden/*'], ['.hidden/secret']]
  ])('%s', (_, patterns, expected) => {
    expect(found(patterns)).toEqual(expected)
  })

  test.each<[string, string]>([
    ['a wildcard does not match a dot folder', '*/secret'],
    ['nor does a globstar', '**/secret'],
    ['a glob that matches nothing', 'helm/*']
  ])('%s: refused', (_, pattern) => {
    expect(() => found([pattern])).toThrow(
      `Input 'chart' has '${pattern}', which matches no folder in the workspace.`
    )
  })
})
