import { describe, expect, test } from 'vitest'
import {
  MAX_GLOB_MATCHES,
  expandChartGlobs
} from '../../src/render/chart-globs.js'
import type { ValuesFile } from '../../src/render/place.js'

const CHART = [
  'Chart.yaml',
  'values.yaml',
  'values-b.yaml',
  'values-a.yaml',
  'values-c.yaml',
  'values-B.yaml',
  '.values-hidden.yaml',
  'envs/eu/prod.yaml',
  'envs/us.yaml',
  'templates/cm.yaml'
]

const glob = (pattern: string, optional = false): ValuesFile => ({
  name: `valueFiles ${pattern}`,
  text: '',
  fromChart: pattern,
  glob: true,
  ...(optional ? { optional } : {})
})
const file = (path: string): ValuesFile => ({
  name: `valueFiles ${path}`,
  text: '',
  fromChart: path
})

/** The chart files a list expands to, in order. */
const used = (files: ValuesFile[]): string[] => {
  const result = expandChartGlobs(files, () => CHART)
  if ('error' in result) throw new Error(result.error)
  return result.files.map(f => f.fromChart ?? f.name)
}

describe('valueFiles globs, as Argo CD 3.4 expands them', () => {
  test.each<[string, ValuesFile[], string[]]>([
    [
      'matches in lexical (byte) order',
      [glob('values-*.yaml')],
      ['values-B.yaml', 'values-a.yaml', 'values-b.yaml', 'values-c.yaml']
    ],
    [
      'a file also listed by name keeps its own place',
      [glob('values-*.yaml'), file('values-a.yaml')],
      ['values-B.yaml', 'values-b.yaml', 'values-c.yaml', 'values-a.yaml']
    ],
    [
      'a file two globs match is used once, where first matched',
      [glob('values-[ab].yaml'), glob('values-?.yaml')],
      ['values-a.yaml', 'values-b.yaml', 'values-B.yaml', 'values-c.yaml']
    ],
    [
      '** crosses folders; * does not',
      [glob('envs/**/*.yaml'), glob('*/us.yaml')],
      ['envs/eu/prod.yaml', 'envs/us.yaml']
    ],
    [
      'a name starting with a dot matches like any other',
      [glob('.values-*')],
      ['.values-hidden.yaml']
    ],
    [
      'inline values and plain files are left as they are',
      [file('values-c.yaml'), { name: 'values', text: 'a: 1\n' }],
      ['values-c.yaml', 'values']
    ],
    [
      'an optional glob that matches nothing adds nothing',
      [glob('nope-*', true)],
      []
    ]
  ])('%s', (_name, files, expected) => {
    expect(used(files)).toEqual(expected)
  })

  test('each match is named after its glob', () => {
    const result = expandChartGlobs([glob('envs/*.yaml')], () => CHART)
    expect(result).toEqual({
      files: [
        {
          name: 'valueFiles envs/*.yaml: envs/us.yaml',
          text: '',
          fromChart: 'envs/us.yaml'
        }
      ]
    })
  })

  test('a glob that matches nothing fails the render, named', () => {
    expect(expandChartGlobs([glob('nope-*.yaml')], () => CHART)).toEqual({
      error: 'values file glob nope-*.yaml matched no files in the chart',
      valuesFile: 'valueFiles nope-*.yaml'
    })
  })

  test('the chart is not listed when no entry is a glob', () => {
    let listed = 0
    expandChartGlobs([file('values-a.yaml')], () => {
      listed++
      return CHART
    })
    expect(listed).toBe(0)
  })

  test(`more than ${MAX_GLOB_MATCHES} matches are refused`, () => {
    const many = Array.from({ length: MAX_GLOB_MATCHES + 1 }, (_, i) => `v${i}`)
    const result = expandChartGlobs([glob('v*')], () => many)
    expect(result).toEqual({
      error: `values file glob v* matches ${MAX_GLOB_MATCHES + 1} files in the chart; the preview uses at most ${MAX_GLOB_MATCHES}`,
      valuesFile: 'valueFiles v*'
    })
  })
})
