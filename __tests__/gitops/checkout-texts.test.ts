// The clone's texts as builds and the preview read them: kept texts first,
// the others read again from the checkout, in listing order.
import { expect, test } from 'vitest'
import { allTexts, buildReader } from '../../src/gitops/checkout-texts.js'
import type { GitopsFiles } from '../../src/gitops/files.js'

const disk = new Map<string, Uint8Array>([
  ['a.yaml', Buffer.from('on disk: a\n')],
  ['b.yaml', Buffer.from('on disk: b\n')],
  ['c.yaml', Buffer.from([0xff, 0xfe, 0x61, 0x00])],
  ['x/kustomization.yaml', Buffer.from('resources: [../b.yaml]\n')]
])
const checkout = { readCheckoutFile: (file: string) => disk.get(file) }
const files: GitopsFiles = {
  texts: new Map([['b.yaml', 'kept: b\n']]),
  encodings: new Map(),
  unread: [],
  paths: ['a.yaml', 'b.yaml', 'c.yaml']
}

test('a build reads a kept text as kept, another from the checkout, a refused encoding not at all', () => {
  const reader = buildReader(checkout, files)
  expect(reader.files).toEqual(['a.yaml', 'b.yaml', 'c.yaml'])
  expect(reader.read('b.yaml')).toBe('kept: b\n')
  expect(reader.read('x/kustomization.yaml')).toBe('resources: [../b.yaml]\n')
  expect(reader.read('c.yaml')).toBeUndefined()
  expect(reader.read('none.yaml')).toBeUndefined()
})

test("with a checkout folder, a build lists what the read's walk listed", () => {
  const listed = ['a.yaml', 'b.yaml', 'c.yaml', 'x/kustomization.yaml']
  const reader = buildReader(
    { ...checkout, dir: '/nonexistent' },
    { ...files, listed }
  )
  expect(reader.files).toBe(listed)
})

test('the preview gets every file of the paths, in their order', () => {
  const texts = allTexts(files, buildReader(checkout, files))
  expect([...texts]).toEqual([
    ['a.yaml', 'on disk: a\n'],
    ['b.yaml', 'kept: b\n']
  ])
})

test('when every text was kept, they are handed on as they are', () => {
  const all: GitopsFiles = { ...files, paths: undefined }
  expect(allTexts(all, buildReader(checkout, all))).toBe(all.texts)
})
