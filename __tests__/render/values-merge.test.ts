import { describe, expect, test } from 'vitest'
import {
  mergeMaps,
  readValues,
  unlessTooDeep
} from '../../src/render/values-merge.js'

describe('mergeMaps (fluxcd/pkg chartutil MergeMaps)', () => {
  test.each<
    [string, Record<string, unknown>, Record<string, unknown>, unknown]
  >([
    [
      'maps merge key by key',
      { a: { b: 1, c: 2 } },
      { a: { b: 3 } },
      { a: { b: 3, c: 2 } }
    ],
    ['a flat value replaces a map', { a: { b: 1 } }, { a: 'x' }, { a: 'x' }],
    [
      'a map replaces a flat value',
      { a: 'x' },
      { a: { b: 1 } },
      { a: { b: 1 } }
    ],
    ['lists are replaced, not merged', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    [
      'null is kept as a value (Helm deletes the key later)',
      { a: 1 },
      { a: null },
      { a: null }
    ]
  ])('%s', (_name, a, b, expected) => {
    expect(mergeMaps(a, b)).toEqual(expected)
  })

  test('a map of b not in a is the same object (Go shares it too)', () => {
    const inner = { tag: 'x' }
    expect(mergeMaps({}, { image: inner }).image).toBe(inner)
  })
})

describe('readValues (sigs.k8s.io/yaml, YAML 1.1)', () => {
  test.each<[string, string, unknown]>([
    ['empty: no values', '', { values: {} }],
    ['yes is a boolean', 'enabled: yes', { values: { enabled: true } }],
    [
      'merge keys',
      'base: &b {a: 1}\nother: {<<: *b, c: 2}',
      { values: { base: { a: 1 }, other: { a: 1, c: 2 } } }
    ],
    ['a list is not values', '- a', { error: 'not a map of values' }]
  ])('%s', (_name, text, expected) => {
    expect(readValues(text)).toEqual(expected)
  })
})

describe('unlessTooDeep', () => {
  /** A map nested deeper than any stack recursion can follow. */
  function nested(depth: number): Record<string, unknown> {
    let value: Record<string, unknown> = { leaf: 1 }
    for (let level = 0; level < depth; level++) value = { a: value }
    return value
  }

  test('values nested past the stack give the refusal, not a crash', () => {
    const deep = nested(1_000_000)
    expect(unlessTooDeep(() => mergeMaps(deep, deep), 'too deep')).toBe(
      'too deep'
    )
  })

  test('a merge within the stack gives its result', () => {
    const shallow = nested(50)
    expect(unlessTooDeep(() => mergeMaps({}, shallow), 'too deep')).toEqual(
      shallow
    )
  })

  test('any other error is not taken for depth', () => {
    expect(() =>
      unlessTooDeep(() => {
        throw new TypeError('a bug')
      }, 'too deep')
    ).toThrow('a bug')
  })
})
