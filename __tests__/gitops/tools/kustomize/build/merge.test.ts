import { describe, expect, test } from 'vitest'
import {
  jsonPatch,
  strategicMerge
} from '../../../../../src/gitops/tools/kustomize/build/merge.js'

const BASE = {
  spec: {
    values: { replicaCount: 1, ui: { message: 'base', color: 'red' } },
    hosts: ['a', 'b']
  }
}

describe('strategicMerge', () => {
  test.each([
    [
      'maps merge key by key',
      { spec: { values: { ui: { message: 'staging' } } } },
      {
        spec: {
          values: { replicaCount: 1, ui: { message: 'staging', color: 'red' } },
          hosts: ['a', 'b']
        }
      }
    ],
    [
      'lists replace',
      { spec: { hosts: ['c'] } },
      { spec: { values: BASE.spec.values, hosts: ['c'] } }
    ],
    [
      'null deletes',
      { spec: { values: { ui: null } } },
      { spec: { values: { replicaCount: 1 }, hosts: ['a', 'b'] } }
    ],
    [
      '$patch: replace replaces the mapping',
      { spec: { values: { $patch: 'replace', ui: { message: 'x' } } } },
      { spec: { values: { ui: { message: 'x' } }, hosts: ['a', 'b'] } }
    ],
    [
      '$patch: delete deletes the mapping',
      { spec: { values: { $patch: 'delete' } } },
      { spec: { hosts: ['a', 'b'] } }
    ]
  ])('%s', (_, patch, expected) => {
    expect(strategicMerge(BASE, patch)).toEqual(expected)
  })

  test('$patch: delete at the root deletes the resource', () => {
    expect(strategicMerge(BASE, { $patch: 'delete' })).toBeUndefined()
  })
})

describe('jsonPatch', () => {
  test.each([
    [
      'replace',
      [{ op: 'replace', path: '/spec/values/replicaCount', value: 3 }],
      { ...BASE.spec.values, replicaCount: 3 }
    ],
    [
      'add a mapping',
      [{ op: 'add', path: '/spec/values/ui', value: { message: 'x' } }],
      { replicaCount: 1, ui: { message: 'x' } }
    ],
    [
      'remove',
      [{ op: 'remove', path: '/spec/values/ui' }],
      { replicaCount: 1 }
    ],
    [
      'a path that is not there changes nothing',
      [{ op: 'replace', path: '/spec/nothing/here', value: 1 }],
      BASE.spec.values
    ]
  ])('%s', (_, ops, values) => {
    expect(jsonPatch(BASE, ops).spec).toEqual({ ...BASE.spec, values })
  })

  test('list items by index and "-"; the base is never changed', () => {
    const patched = jsonPatch(BASE, [
      { op: 'add', path: '/spec/hosts/-', value: 'c' },
      { op: 'replace', path: '/spec/hosts/0', value: 'z' }
    ])
    expect(patched.spec).toEqual({ ...BASE.spec, hosts: ['z', 'b', 'c'] })
    expect(BASE.spec.hosts).toEqual(['a', 'b'])
  })
})
