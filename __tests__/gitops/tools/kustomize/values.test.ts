import { describe, expect, test } from 'vitest'
import {
  merge2,
  type KindConflict,
  mergedValuesText,
  valuesText
} from '../../../../src/gitops/tools/kustomize/values.js'

// Each row is what kyaml's merge2.Merge(src, dest) gives (kustomize v5.8.1,
// kyaml/yaml/merge2); the recorded fixtures check the same rules against a
// real `kustomize build --enable-helm`.
describe('merge2: Kustomize merging valuesInline into a values file', () => {
  test.each<[string, unknown, unknown, unknown]>([
    ['src wins a scalar', { a: 1 }, { a: 2 }, { a: 1 }],
    [
      'maps merge key by key',
      { m: { a: 1 } },
      { m: { b: 2 } },
      { m: { b: 2, a: 1 } }
    ],
    ['a null in src removes the key', { a: null }, { a: 1, b: 2 }, { b: 2 }],
    ['a null in src removes a whole map', { m: null }, { m: { a: 1 } }, {}],
    [
      'a null in src for an absent key adds nothing',
      { a: null },
      { b: 2 },
      { b: 2 }
    ],
    ['a null in dest without src stays null', {}, { a: null }, { a: null }],
    ['src fills a null in dest', { a: { b: 1 } }, { a: null }, { a: { b: 1 } }],
    [
      'lists are replaced, not merged by key',
      { l: [{ name: 'b' }] },
      { l: [{ name: 'a' }, { name: 'c' }] },
      { l: [{ name: 'b' }] }
    ],
    [
      'a list in dest is kept without src',
      { a: 1 },
      { l: [1] },
      { l: [1], a: 1 }
    ],
    ['an empty file is a map', { a: 1 }, null, { a: 1 }],
    [
      'nulls in src under an absent map are removed',
      { m: { a: null, b: 1 } },
      {},
      { m: { b: 1 } }
    ]
  ])('%s', (_name, src, dest, merged) => {
    expect(merge2(src, dest)).toEqual({ value: merged })
  })

  test.each<[string, unknown, unknown, KindConflict]>([
    [
      'a map over a scalar',
      { a: { b: 1 } },
      { a: 'x' },
      { at: 'a', src: 'a mapping', dest: 'a single value' }
    ],
    [
      'a scalar over a list',
      { l: 'x' },
      { l: [1] },
      { at: 'l', src: 'a single value', dest: 'a list' }
    ],
    [
      'nested',
      { m: { l: [1] } },
      { m: { l: { a: 1 } } },
      { at: 'm.l', src: 'a list', dest: 'a mapping' }
    ]
  ])('two kinds fail the build: %s', (_name, src, dest, conflict) => {
    expect(merge2(src, dest)).toEqual({ conflict })
  })
})

describe('mergedValuesText', () => {
  const chart = 'replicas: 1\nimage:\n  tag: "1.0"\n  pullPolicy: Always\n'
  test.each<[string, 'override' | 'merge', Record<string, unknown>, unknown]>([
    [
      'override: inline wins',
      'override',
      { replicas: 3, image: { tag: '2.0' } },
      { replicas: 3, image: { tag: '2.0', pullPolicy: 'Always' } }
    ],
    [
      'merge: the file wins, inline adds',
      'merge',
      { replicas: 3, extra: true },
      { replicas: 1, extra: true, image: { tag: '1.0', pullPolicy: 'Always' } }
    ],
    [
      'override: null drops the key',
      'override',
      { image: { pullPolicy: null } },
      { replicas: 1, image: { tag: '1.0' } }
    ]
  ])('%s', (_name, mode, inline, merged) => {
    expect(mergedValuesText(chart, inline, mode)).toEqual({
      text: valuesText(merged)
    })
  })

  test('a file that is not YAML, or of another kind, is an error', () => {
    expect(mergedValuesText('a: [', { a: 1 }, 'override')).toEqual({
      error: expect.stringMatching(/^it is not YAML: /)
    })
    expect(mergedValuesText('- 1\n', { a: 1 }, 'merge')).toEqual({
      error:
        'Kustomize cannot merge valuesInline into it (merge2): at the top level, valuesInline has a mapping and the file a list'
    })
  })

  test('values are written as JSON: a yes stays a string for Helm', () => {
    expect(valuesText({ a: 'yes' })).toBe('{\n  "a": "yes"\n}\n')
  })
})
