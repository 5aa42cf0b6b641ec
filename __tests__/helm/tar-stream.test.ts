// The streaming tar reader against hand-built archives (every header field
// written here, so each refusal is aimed at exactly one thing) and against
// what GNU tar writes in its gnu and pax formats.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import {
  TarError,
  TarFileFinder,
  type TarEvent,
  type TarLimits
} from '../../src/helm/tar-stream.js'
import { removeDir, tempDir } from '../helpers/paths.js'
import { archive, END, entry, header, padded, pax } from './tar-fixtures.js'

const WANTED = 'linux-amd64/helm'
const BINARY = Buffer.from('#!/bin/sh\necho v3.17.3\n'.repeat(50))

interface Read {
  found: boolean
  done: boolean
  data: Buffer
  events: TarEvent['kind'][]
}

/** Pushes `bytes` in chunks of `chunk` bytes, as gunzip would hand them out. */
function read(
  bytes: Buffer,
  chunk = bytes.length,
  limits: Partial<TarLimits> = {},
  wanted = WANTED
): Read {
  const finder = new TarFileFinder(wanted, limits)
  const events: TarEvent[] = []
  for (let at = 0; at < bytes.length; at += chunk) {
    events.push(...finder.push(bytes.subarray(at, at + chunk)))
  }
  finder.finish()
  const data = Buffer.concat(
    events.flatMap(e => (e.kind === 'data' ? [e.bytes] : []))
  )
  return {
    found: finder.found,
    done: finder.done,
    data,
    events: [...new Set(events.map(e => e.kind))]
  }
}

function refusal(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TarError)
    return (error as Error).message
  }
  throw new Error('expected a TarError')
}

const helmRelease = archive(
  entry('linux-amd64/', '', { type: '5' }),
  entry('linux-amd64/LICENSE', 'Apache License\n'),
  entry(WANTED, BINARY),
  entry('linux-amd64/README.md', '# Helm\n'),
  END
)

describe('finding the binary', () => {
  test.each([1, 7, 511, 512, 513, 4096, helmRelease.length])(
    'reads it whole, pushed %i bytes at a time',
    chunk => {
      const got = read(helmRelease, chunk)
      expect(got.found).toBe(true)
      expect(got.data).toEqual(BINARY)
      expect(got.events).toEqual(['start', 'data', 'end'])
    }
  )

  test('stops after it: later bytes give no events, even garbage', () => {
    const finder = new TarFileFinder(WANTED)
    finder.push(archive(entry(WANTED, BINARY)))
    expect(finder.done).toBe(true)
    expect(finder.push(Buffer.alloc(512, 0xff))).toEqual([])
    expect(() => finder.finish()).not.toThrow()
  })

  test.each(['./linux-amd64/helm', '/linux-amd64/helm', './/linux-amd64/helm'])(
    'matches %s',
    name => {
      expect(read(archive(entry(name, BINARY), END)).data).toEqual(BINARY)
    }
  )

  test('an empty binary is found (the version check refuses it later)', () => {
    const got = read(archive(entry(WANTED, ''), END))
    expect(got).toMatchObject({ found: true, events: ['start', 'end'] })
  })

  test('an archive without it ends cleanly, not found', () => {
    const got = read(archive(entry('linux-amd64/LICENSE', 'x'), END))
    expect(got).toMatchObject({ found: false, done: true, events: [] })
  })

  test('one zero block at the very end is enough, as for Go and GNU tar', () => {
    const got = read(archive(entry('a', 'x'), Buffer.alloc(512)))
    expect(got.found).toBe(false)
  })

  test('other names are not the binary', () => {
    const others = [
      'linux-amd64/helm.sig',
      'linux-amd64/helmx',
      'x/linux-amd64/helm'
    ]
    const got = read(archive(...others.map(n => entry(n, 'no')), END))
    expect(got.found).toBe(false)
  })
})

describe('long names', () => {
  const deep = `${'d'.repeat(120)}/${'e'.repeat(60)}/helm`

  test('ustar prefix + name', () => {
    const [prefix, name] = [deep.slice(0, 120), deep.slice(121)]
    const got = read(
      archive(entry(name, BINARY, { prefix }), END),
      100,
      {},
      deep
    )
    expect(got.data).toEqual(BINARY)
  })

  test('the prefix field is not read in GNU headers (it holds times there)', () => {
    const got = read(
      archive(entry('helm', BINARY, { prefix: 'linux-amd64', gnu: true }), END)
    )
    expect(got.found).toBe(false)
  })

  test('a GNU long name (L) names the next entry only', () => {
    const bytes = archive(
      entry('././@LongLink', `${deep}\0`, { type: 'L', gnu: true }),
      entry(deep.slice(0, 99), BINARY, { gnu: true }),
      entry('linux-amd64/other', 'x'),
      END
    )
    expect(read(bytes, 300, {}, deep).data).toEqual(BINARY)
    const first = archive(
      entry('././@LongLink', `${deep}\0`, { type: 'L', gnu: true }),
      entry('short', 'x', { gnu: true }),
      entry(WANTED, BINARY),
      END
    )
    expect(read(first).data).toEqual(BINARY)
  })

  test('a pax header gives path and size; a global one is skipped', () => {
    const bytes = archive(
      pax({ comment: 'from a global header', path: 'ignored' }, 'g'),
      pax({ path: WANTED, size: String(BINARY.length), mtime: '1.5' }),
      // The header itself claims another name and no data.
      header('something-else', { size: 0 }),
      padded(BINARY),
      END
    )
    expect(read(bytes, 64).data).toEqual(BINARY)
  })

  test('a long link name (K) is skipped', () => {
    const bytes = archive(
      entry('././@LongLink', `${'t'.repeat(200)}\0`, { type: 'K', gnu: true }),
      entry('linux-amd64/link', '', { type: '2', linkName: 'x' }),
      entry(WANTED, BINARY),
      END
    )
    expect(read(bytes).data).toEqual(BINARY)
  })
})

describe('links and other entries named like the binary are refused', () => {
  test.each([
    ['2', 'a symbolic link'],
    ['1', 'a hard link'],
    ['5', 'a folder'],
    ['6', 'a FIFO'],
    ['3', 'a character device']
  ])('type %s: %s, nothing of it is handed out', (type, what) => {
    const finder = new TarFileFinder(WANTED)
    const message = refusal(() =>
      finder.push(
        archive(
          entry('linux-amd64/real', BINARY),
          entry(WANTED, '', { type, linkName: 'linux-amd64/real' })
        )
      )
    )
    expect(message).toBe(`${WANTED} is ${what}, not a regular file`)
  })

  test('the folder form "linux-amd64/helm/" too', () => {
    const message = refusal(() =>
      read(archive(entry(`${WANTED}/`, '', { type: '5' }), END))
    )
    expect(message).toContain('is a folder')
  })

  test('a link elsewhere is skipped, its size field ignored', () => {
    const bytes = archive(
      header('linux-amd64/alias', { type: '2', size: 4096, linkName: WANTED }),
      entry(WANTED, BINARY),
      END
    )
    expect(read(bytes).data).toEqual(BINARY)
  })

  test('a pax sparse file named like it', () => {
    const bytes = archive(
      pax({ 'GNU.sparse.major': '1', 'GNU.sparse.name': WANTED }),
      entry('GNUSparseFile.0/helm', BINARY),
      END
    )
    expect(refusal(() => read(bytes))).toContain('is a sparse file')
  })

  test('an old GNU sparse entry, whatever its name', () => {
    const bytes = archive(entry('other', 'x', { type: 'S', gnu: true }), END)
    expect(refusal(() => read(bytes))).toContain('GNU sparse')
  })
})

describe('bounds and damage', () => {
  test('an entry larger than allowed is refused before its data', () => {
    const finder = new TarFileFinder(WANTED, { maxEntryBytes: 1000 })
    const message = refusal(() => finder.push(header(WANTED, { size: 1001 })))
    expect(message).toBe(
      'an entry of 1001 bytes is larger than the 1000 bytes allowed'
    )
  })

  test('an absurd size in base-256 is refused', () => {
    const field = Buffer.alloc(12)
    field[0] = 0x80
    field.writeUIntBE(2 ** 40, 6, 6)
    const message = refusal(() =>
      read(archive(header('big', { sizeField: field }), END))
    )
    expect(message).toContain(`an entry of ${2 ** 40} bytes is larger`)
  })

  test('a negative base-256 size is refused', () => {
    const field = Buffer.alloc(12, 0xff)
    expect(refusal(() => read(header('x', { sizeField: field })))).toContain(
      'negative size'
    )
  })

  test('a pax size is held to the same bound', () => {
    const bytes = archive(pax({ size: String(2 ** 50) }), header(WANTED), END)
    expect(refusal(() => read(bytes))).toContain('is larger than')
  })

  test('a long name or pax header is bounded (it is kept in memory)', () => {
    const bytes = archive(entry('L', 'n'.repeat(2000), { type: 'L' }), END)
    expect(refusal(() => read(bytes, 512, { maxHeaderBytes: 1024 }))).toBe(
      'a long name or pax header of 2000 bytes is larger than the 1024 bytes allowed'
    )
  })

  test('so is the whole stream', () => {
    const many = archive(...Array.from({ length: 10 }, () => entry('a', 'x')))
    expect(refusal(() => read(many, 512, { maxTotalBytes: 4096 }))).toContain(
      'more than 4096 bytes'
    )
  })

  test('a declared size beyond the data left: truncated', () => {
    const cut = archive(
      header(WANTED, { size: BINARY.length }),
      BINARY.subarray(0, 100)
    )
    expect(refusal(() => read(cut))).toBe(
      'the archive ends in the middle of an entry: it is truncated'
    )
  })

  test('more data than declared: the surplus is read as a header, refused', () => {
    const bytes = archive(
      header('linux-amd64/LICENSE', { size: 10 }),
      padded(Buffer.alloc(600, 0x41)),
      entry(WANTED, BINARY),
      END
    )
    expect(refusal(() => read(bytes))).toContain('checksum does not match')
  })

  test.each([
    ['inside a header', helmRelease.subarray(0, 1536 + 100)],
    ['inside the padding', archive(entry('a', 'x')).subarray(0, 600)],
    ['before the end-of-archive marker', archive(entry('a', 'x'))]
  ])('ending %s: truncated', (_, bytes) => {
    expect(refusal(() => read(bytes))).toContain('it is truncated')
  })

  test('a header with a wrong checksum (not a tar archive)', () => {
    const block = header(WANTED, { size: 1 })
    block[0] ^= 1
    expect(refusal(() => read(block))).toContain('checksum does not match')
    const html = Buffer.from('<html>'.padEnd(512, ' '))
    expect(refusal(() => read(html))).toContain('not a tar archive')
  })

  test('an entry after the end-of-archive marker', () => {
    const bytes = archive(Buffer.alloc(512), entry(WANTED, BINARY), END)
    expect(refusal(() => read(bytes))).toContain('follows the end-of-archive')
  })

  test('a damaged pax record', () => {
    const bad = entry('p', '99 path=x\n', { type: 'x' })
    expect(refusal(() => read(archive(bad, END)))).toBe(
      'a pax header is damaged'
    )
  })
})

describe('what GNU tar writes', () => {
  const work = tempDir('hor-tar-')
  afterAll(() => removeDir(work))
  // Over 100 characters (a long name for gnu and pax, a prefix for ustar),
  // with parts short enough for ustar to split.
  const deep = `${Array(4).fill('folder-name-'.repeat(4)).join('/')}/linux-amd64`

  test.each(['gnu', 'pax', 'ustar'])('--format=%s', format => {
    const stage = path.join(work, format)
    fs.mkdirSync(path.join(stage, deep), { recursive: true })
    fs.writeFileSync(path.join(stage, deep, 'helm'), BINARY, { mode: 0o755 })
    fs.writeFileSync(path.join(stage, deep, 'LICENSE'), 'Apache\n')
    fs.symlinkSync('helm', path.join(stage, deep, 'helm-link'))
    const tarball = path.join(work, `${format}.tar`)
    execFileSync('tar', [
      `--format=${format}`,
      '-cf',
      tarball,
      '-C',
      stage,
      '.'
    ])
    const got = read(fs.readFileSync(tarball), 1000, {}, `${deep}/helm`)
    expect(got.data).toEqual(BINARY)
  })
})
