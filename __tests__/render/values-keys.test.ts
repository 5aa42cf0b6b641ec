// The keys a place sets, the probes that change them, and what a chart
// version declares: pure, one table each.
import { describe, expect, test } from 'vitest'
import type { RenderPlace } from '../../src/render/place.js'
import {
  declares,
  MAX_KEYS,
  placeKeys,
  probedPlace
} from '../../src/render/values-keys.js'

function place(overrides: Partial<RenderPlace> = {}): RenderPlace {
  return {
    file: 'app.yaml',
    line: 1,
    title: 'app',
    chartRef: 'oci://r/c',
    releaseName: 'app',
    valueFiles: [],
    setValues: [],
    includeCrds: true,
    apiVersions: [],
    notes: [],
    ...overrides
  }
}

describe('placeKeys', () => {
  test.each([
    ['leaves of maps', 'a: {b: 1, c: {d: x}}\n', ['a.b', 'a.c.d']],
    [
      'a list and an empty map are one key each',
      'l: [1, 2]\nm: {}\n',
      ['l', 'm']
    ],
    ['a null is a key', 'n: null\n', ['n']],
    ['a file that does not parse has none', 'a: [\n', []],
    ['a scalar document has none', 'just text\n', []]
  ])('%s', (_name, text, paths) => {
    const found = placeKeys(place({ valueFiles: [{ name: 'values', text }] }))
    expect(found.keys.map(k => k.path)).toEqual(paths)
  })

  test("files read from the chart are not the place's; --set keys are, once", () => {
    const found = placeKeys(
      place({
        valueFiles: [
          { name: 'valueFiles: v.yaml', text: '', fromChart: 'v.yaml' },
          { name: 'values', text: 'a: 1\n' }
        ],
        setValues: [
          { path: 'a', value: '2', forceString: false },
          { path: 'l[0].x', value: '2', forceString: false }
        ]
      })
    )
    expect(found.keys).toEqual([
      { path: 'a', segments: ['a'], from: '--set' },
      { path: 'l[0].x', segments: undefined, from: '--set' }
    ])
  })

  test(`at most ${MAX_KEYS} keys; the rest counted`, () => {
    const text = Array.from(
      { length: MAX_KEYS + 5 },
      (_, i) => `k${i}: 1`
    ).join('\n')
    const found = placeKeys(place({ valueFiles: [{ name: 'v', text }] }))
    expect(found.keys).toHaveLength(MAX_KEYS)
    expect(found.more).toBe(5)
  })
})

describe('probedPlace', () => {
  const given = place({
    valueFiles: [{ name: 'values', text: 'a: {b: 1}\n' }],
    setValues: [
      { path: 'c', value: 'x', forceString: false },
      { path: 'd', value: 'y', forceString: false }
    ]
  })
  const keys = placeKeys(given).keys.filter(k => k.path !== 'd')

  test.each([
    [
      'absent',
      '{"a":{"b":null},"c":null}',
      [{ path: 'd', value: 'y', forceString: false }],
      []
    ],
    [
      'marker',
      '{"a":{"b":"helm-oci-release-probe-0"},"c":"helm-oci-release-probe-1"}',
      [
        { path: 'c', value: 'helm-oci-release-probe-1', forceString: true },
        { path: 'd', value: 'y', forceString: false }
      ],
      ['helm-oci-release-probe-0', 'helm-oci-release-probe-1']
    ]
  ] as const)(
    '%s: a last values file, and the --set replaced',
    (probe, file, sets, markers) => {
      const probed = probedPlace(given, keys, probe)
      expect(probed.place.valueFiles.at(-1)?.text).toBe(file)
      expect(probed.place.valueFiles).toHaveLength(2)
      expect(probed.place.setValues).toEqual(sets)
      expect(probed.markers).toEqual(markers)
    }
  )

  test('a key named __proto__ is a key, not a prototype', () => {
    const hostile = place({
      valueFiles: [{ name: 'v', text: '__proto__: {polluted: 1}\n' }]
    })
    const probed = probedPlace(hostile, placeKeys(hostile).keys, 'absent')
    expect(probed.place.valueFiles.at(-1)?.text).toBe(
      '{"__proto__":{"polluted":null}}'
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('declares', () => {
  const defaults = { image: { tag: '1' }, podAnnotations: {}, extra: null }
  const schema = {
    properties: {
      schemaOnly: { type: 'string' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      byPattern: { patternProperties: { '^x': {} } }
    }
  }
  test.each([
    ['in values.yaml', ['image', 'tag'], true],
    ['a sibling typo', ['image', 'tga'], false],
    ['under an empty map', ['podAnnotations', 'a'], true],
    ['under a null', ['extra', 'a', 'b'], true],
    ['in the schema only', ['schemaOnly'], true],
    ['under additionalProperties', ['labels', 'team'], true],
    ['under patternProperties (never run)', ['byPattern', 'anything'], true],
    ['nowhere', ['replicas'], false],
    ['below a scalar default', ['image', 'tag', 'x'], false]
  ])('%s', (_name, segments, expected) => {
    expect(declares(defaults, schema, segments)).toBe(expected)
  })
})
