// Reading the clone's files: the texts the pre-filter lets go are not held,
// but their paths (in listing order) and encodings are, so a build or the
// preview can read them again and a bump can write them back.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import {
  readBounded,
  readCheckoutFile,
  readMatchingFiles
} from '../../src/gitops/files.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-files-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function checkout(name: string, files: Record<string, string | Buffer>) {
  const dir = path.join(root, name)
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  return dir
}

const GLOBS = ['**/*.yaml']

test('a text `keep` lets go is not held; its path and encoding are', () => {
  const dir = checkout('kept', {
    'a/pin.yaml': 'chart: webapp\n',
    'a/other.yaml': 'kind: ConfigMap\n',
    'b/latin.yaml': Buffer.from('name: caf\xe9\n', 'latin1'),
    'b/notes.txt': 'chart: webapp\n'
  })
  const files = readMatchingFiles(dir, GLOBS, (_, text) =>
    text.includes('webapp')
  )
  expect([...files.texts]).toEqual([['a/pin.yaml', 'chart: webapp\n']])
  expect(files.paths?.slice().sort()).toEqual([
    'a/other.yaml',
    'a/pin.yaml',
    'b/latin.yaml'
  ])
  expect(Object.fromEntries(files.encodings)).toEqual({
    'a/other.yaml': 'utf8',
    'a/pin.yaml': 'utf8',
    'b/latin.yaml': 'latin1'
  })
  expect(files.unread).toEqual([])
})

test('the walk lists every regular file for the builds: not .git, not a symlink', () => {
  const dir = checkout('listed', {
    'a.yaml': 'a: 1\n',
    'b/notes.txt': 'x\n',
    '.git/config': '[core]\n'
  })
  fs.symlinkSync('a.yaml', path.join(dir, 'link.yaml'))
  const files = readMatchingFiles(dir, GLOBS, () => false)
  expect(files.listed?.slice().sort()).toEqual(['a.yaml', 'b/notes.txt'])
  expect(files.paths).toEqual(['a.yaml'])
})

test('without `keep`, or when it keeps all, every text is held and no paths are listed', () => {
  const dir = checkout('all', {
    'x.yaml': 'a: 1\n',
    'deep/er/y.yaml': 'b: 2\n'
  })
  for (const keep of [undefined, () => true]) {
    const files = readMatchingFiles(dir, GLOBS, keep)
    expect([...files.texts.keys()].sort()).toEqual(['deep/er/y.yaml', 'x.yaml'])
    expect(files.paths).toBeUndefined()
  }
})

test('a file that is not read is neither kept nor listed', () => {
  const dir = checkout('unread', {
    'ok.yaml': 'a: 1\n',
    'utf16.yaml': Buffer.from([0xff, 0xfe, 0x61, 0x00])
  })
  const files = readMatchingFiles(dir, GLOBS, () => false)
  expect(files.texts.size).toBe(0)
  expect(files.paths).toEqual(['ok.yaml'])
  expect(files.unread.map(u => [u.file, u.level])).toEqual([
    ['utf16.yaml', 'warning']
  ])
})

// A file the walk listed is read with one open; should it have been replaced
// since (a symlink, a pipe), it is not followed and the read never blocks.
test('readBounded: bytes, the size past the bound, and no symlink, pipe or missing name', () => {
  const dir = checkout('bounded', {
    'a.yaml': 'kind: ConfigMap\n',
    'big.yaml': 'x'.repeat(100),
    'secret.txt': 'outside\n'
  })
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'link.yaml'))
  execFileSync('mkfifo', ['--', path.join(dir, 'pipe.yaml')])
  const read = (file: string) => readBounded(path.join(dir, file), 50)
  expect(Buffer.from(read('a.yaml') as Buffer).toString()).toBe(
    'kind: ConfigMap\n'
  )
  expect(read('big.yaml')).toBe(100)
  expect(read('link.yaml')).toBe('not a regular file')
  expect(read('pipe.yaml')).toBe('not a regular file')
  expect(read('gone.yaml')).toBe('missing')
})

test('readCheckoutFile reads as the scan does: a regular file inside the checkout, never a symlink', () => {
  const dir = checkout('checkout-file', {
    'apps/values.yaml': 'a: 1\n',
    'secret.txt': 'outside\n'
  })
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'apps/link.yaml'))
  const text = (file: string) => {
    const bytes = readCheckoutFile(dir, file)
    return bytes && Buffer.from(bytes).toString()
  }
  expect(text('apps/values.yaml')).toBe('a: 1\n')
  expect(text('apps/link.yaml')).toBeUndefined()
  expect(text('../checkout-file/secret.txt')).toBeUndefined()
  expect(text('apps/gone.yaml')).toBeUndefined()
})
