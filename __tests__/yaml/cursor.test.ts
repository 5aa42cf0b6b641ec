import { describe, expect, test } from 'vitest'
import { parseYaml, type MapCursor } from '../../src/yaml/cursor.js'
import { documentsOf, lines } from './documents.js'

function rootOf(text: string): MapCursor {
  const root = documentsOf(text)[0].root()
  if (!root) throw new Error('no mapping at the top')
  return root
}

describe('parseYaml', () => {
  test('a file that parses has no problem, one entry per document', () => {
    const parsed = parseYaml('a.yaml', 'a: 1\n---\nb: 2\n')
    expect(parsed.docs).toHaveLength(2)
    expect(parsed.problem).toBeUndefined()
  })

  test('the first error is the problem, with its line', () => {
    const parsed = parseYaml('a.yaml', lines('a: 1', 'b: 2', 'a: 3'))
    expect(parsed.problem).toMatchObject({ file: 'a.yaml', line: 3 })
    expect(parsed.problem?.message).toMatch(
      /^YAML does not parse \(.+\); the file is left unchanged\.$/
    )
  })
})

describe('MapCursor', () => {
  const text = lines(
    'base: &base',
    '  chart: webapp',
    '  nested: {version: 1.0.0}',
    'spec:',
    '  <<: *base',
    '  own: {x: 1}',
    '  number: 1.10',
    '  list:',
    '    - a: 1',
    '    - plain',
    '    - *base',
    'copy: *base'
  )
  const root = rootOf(text)

  test('reads strings, not numbers', () => {
    const spec = root.child('spec')
    expect(spec?.string('chart')).toBe('webapp')
    expect(spec?.string('number')).toBeUndefined()
    expect(spec?.string('missing')).toBeUndefined()
    expect(spec?.has('number')).toBe(true)
    expect(spec?.has('missing')).toBe(false)
  })

  test('paths and lines of children', () => {
    const own = root.child('spec')?.child('own')
    expect(own).toMatchObject({ path: 'spec.own', viaAlias: false, line: 6 })
    expect(root.child('spec')?.child('number')).toBeUndefined()
  })

  test('what is reached through an alias or merge key is marked', () => {
    const spec = root.child('spec')
    expect(spec?.viaAlias).toBe(false)
    expect(spec?.child('nested')).toMatchObject({
      path: 'spec.nested',
      viaAlias: true
    })
    expect(root.child('copy')).toMatchObject({ path: 'copy', viaAlias: true })
  })

  test('children keeps list indexes and skips items that are not mappings', () => {
    const items = root.child('spec')?.children('list') ?? []
    expect(items.map(item => [item.path, item.viaAlias])).toEqual([
      ['spec.list[0]', false],
      ['spec.list[2]', true]
    ])
    expect(root.children('base')).toEqual([])
  })

  test('a document that is not a mapping has no root', () => {
    expect(documentsOf('- a\n- b\n')[0].root()).toBeUndefined()
    expect(documentsOf('')[0]?.root()).toBeUndefined()
  })
})

describe('YamlDocument.spanOf', () => {
  const text = lines(
    'plain: 1.10',
    "single: '1.0.0'",
    'double: "1.0.0"',
    'block: |',
    '  1.0.0',
    'empty: ~',
    'anchor: &v 2.0.0',
    'alias: *v',
    'map: {a: 1}'
  )
  const root = rootOf(text)
  const span = (key: string) => root.document.spanOf(root.field(key)?.value)

  test.each([
    ['plain', 'plain', '1.10', '1.10'],
    ['single', 'single', '1.0.0', "'1.0.0'"],
    ['double', 'double', '1.0.0', '"1.0.0"'],
    ['block', 'block', '1.0.0\n', '|\n  1.0.0\n'],
    ['empty', 'plain', '', '~'],
    ['alias', 'alias', '2.0.0', '*v']
  ])('%s: %s, reads %j, covers %j', (key, quote, current, source) => {
    const found = span(key)
    expect(found).toMatchObject({ quote, current })
    expect(text.slice(found?.start, found?.end)).toBe(source)
  })

  test('lines and columns are 1-based', () => {
    expect(span('double')).toMatchObject({ line: 3, column: 9 })
  })

  test('a mapping has no span', () => {
    expect(span('map')).toBeUndefined()
  })
})
