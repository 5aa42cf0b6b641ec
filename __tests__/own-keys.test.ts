import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { ownValue, setOwn } from '../src/own-keys.js'
import { parseInto } from '../src/gitops/tools/flux/strvals.js'
import {
  jsonPatch,
  strategicMerge
} from '../src/gitops/tools/kustomize/build/merge.js'
import { mergeMaps } from '../src/render/values-merge.js'

/** What every object of the process would inherit, had a write gone astray. */
function inherited(): unknown {
  return ({} as Record<string, unknown>).polluted
}

describe('a key named __proto__ is data', () => {
  test('setOwn keeps it as a key, and the prototype as it was', () => {
    const map: Record<string, unknown> = {}
    setOwn(map, '__proto__', { polluted: 1 })
    expect(Object.keys(map)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype)
    expect(ownValue(map, '__proto__')).toEqual({ polluted: 1 })
  })

  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'ownValue(%s) of a map without it is undefined, never what it inherits',
    key => {
      expect(ownValue({}, key)).toBeUndefined()
    }
  )
})

describe('hostile keys from a GitOps file write into no prototype', () => {
  const hostile = parse('__proto__:\n  polluted: yes\n') as Record<
    string,
    unknown
  >

  test.each([
    ['add', '/__proto__/polluted'],
    ['replace', '/__proto__/polluted'],
    ['add', '/spec/__proto__/polluted'],
    ['add', '/constructor/prototype/polluted']
  ])('a JSON 6902 %s of %s is not applied', (op, path) => {
    const base = { spec: { replicas: 1 } }
    expect(jsonPatch(base, [{ op, path, value: 'yes' }])).toEqual(base)
    expect(inherited()).toBeUndefined()
  })

  test('a JSON 6902 add of /__proto__ is a key of the document', () => {
    const out = jsonPatch({ a: 1 }, [
      { op: 'add', path: '/__proto__', value: { polluted: 'yes' } }
    ])
    expect(Object.keys(out)).toEqual(['a', '__proto__'])
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(inherited()).toBeUndefined()
  })

  test('a strategic merge keeps the key, as kustomize keeps any field', () => {
    const out = strategicMerge({ a: 1 }, hostile)
    expect(out && Object.keys(out)).toEqual(['a', '__proto__'])
    expect(out && Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect((out as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('merged values keep the key (Helm and Flux merge Go maps)', () => {
    const out = mergeMaps({ a: 1 }, hostile)
    expect(JSON.stringify(out)).toBe('{"a":1,"__proto__":{"polluted":"yes"}}')
    expect(out.polluted).toBeUndefined()
  })

  test('a --set path through __proto__ sets a key of that name', () => {
    const out: Record<string, unknown> = {}
    expect(parseInto('__proto__.polluted=yes', out, false)).toBeUndefined()
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"yes"}}')
    expect(inherited()).toBeUndefined()
  })
})
