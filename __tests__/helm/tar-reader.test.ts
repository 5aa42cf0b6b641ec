// The generic tar reader (every entry reported, the chosen ones' data handed
// out) and the places where it must read names as Go's archive/tar does:
// meta headers that replace, win over or end each other, the old-style
// folder, and star's shorter prefix. Hand-built archives (tar-fixtures).
import { describe, expect, test } from 'vitest'
import { TarReader, type TarEntry } from '../../src/helm/tar-stream.js'
import { archive, END, entry, header, padded, pax } from './tar-fixtures.js'

/** Every entry `choose` saw, and the data of those whose name is in `wanted`. */
function readAll(
  bytes: Buffer,
  wanted: string[] = [],
  chunk = 100
): { entries: TarEntry[]; data: string[] } {
  const entries: TarEntry[] = []
  const reader = new TarReader(e => {
    entries.push(e)
    return wanted.includes(e.name)
  })
  const data: string[] = []
  let current: Buffer[] = []
  for (let at = 0; at < bytes.length; at += chunk)
    for (const event of reader.push(bytes.subarray(at, at + chunk))) {
      if (event.kind === 'start') current = []
      else if (event.kind === 'data') current.push(Buffer.from(event.bytes))
      else data.push(Buffer.concat(current).toString())
    }
  reader.finish()
  return { entries, data }
}

const names = (bytes: Buffer): string[] =>
  readAll(bytes).entries.map(e => e.name)

describe('TarReader', () => {
  test('reports every entry, raw, and hands out the data of each chosen one', () => {
    const got = readAll(
      archive(
        entry('m7/', '', { type: '5' }),
        entry('m7/Chart.yaml', 'name: m7\n'),
        entry('./m7//values.yaml', 'a: 1\n'),
        entry('zz/Chart.yaml', 'name: victim\n'),
        entry('m7/link', '', { type: '2', linkName: 'Chart.yaml' }),
        END
      ),
      ['m7/Chart.yaml', 'zz/Chart.yaml']
    )
    expect(got.entries).toEqual([
      { name: 'm7/', type: '5', size: 0, sparse: false },
      { name: 'm7/Chart.yaml', type: '0', size: 9, sparse: false },
      { name: './m7//values.yaml', type: '0', size: 5, sparse: false },
      { name: 'zz/Chart.yaml', type: '0', size: 13, sparse: false },
      { name: 'm7/link', type: '2', size: 0, sparse: false }
    ])
    expect(got.data).toEqual(['name: m7\n', 'name: victim\n'])
  })

  test('a pax header replaces the one before it, as in Go', () => {
    expect(
      names(
        archive(
          pax({ path: 'm7/notes.txt' }),
          pax({ comment: 'the second one holds no path' }),
          entry('m7/Chart.yaml', 'name: victim\n'),
          END
        )
      )
    ).toEqual(['m7/Chart.yaml'])
  })

  test('a GNU long name wins over a pax path, before or after it', () => {
    const long = entry('././@LongLink', 'm7/Chart.yaml\0', {
      type: 'L',
      gnu: true
    })
    const path = pax({ path: 'm7/notes.txt' })
    for (const meta of [
      [long, path],
      [path, long]
    ])
      expect(
        names(archive(...meta, entry('x', 'name: victim\n'), END))
      ).toEqual(['m7/Chart.yaml'])
  })

  test('a pax global header ends the meta headers before it', () => {
    expect(
      names(
        archive(
          pax({ path: 'm7/notes.txt' }),
          pax({ comment: 'global' }, 'g'),
          entry('m7/Chart.yaml', 'name: victim\n'),
          END
        )
      )
    ).toEqual(['m7/Chart.yaml'])
  })

  test('an old-style file named with a trailing / is a folder: its size field is not data', () => {
    // Go reads no data for it, so what follows is the next header.
    const hidden = entry('m7/Chart.yaml', 'name: victim\n')
    const got = readAll(
      archive(header('m7/x/', { type: '\0', size: hidden.length }), hidden, END)
    )
    expect(got.entries.map(e => `${e.type} ${e.name} ${e.size}`)).toEqual([
      '5 m7/x/ 0',
      '0 m7/Chart.yaml 13'
    ])
  })

  test("star's prefix is 131 bytes: what follows it is not part of the name", () => {
    const prefix = 'p'.repeat(131)
    const bytes = archive(
      entry('Chart.yaml', 'x', {
        prefix: `${prefix}${'7'.repeat(24)}`,
        star: true
      }),
      entry('plain', 'y', { prefix: 'q'.repeat(155) }),
      END
    )
    expect(names(bytes)).toEqual([
      `${prefix}/Chart.yaml`,
      `${'q'.repeat(155)}/plain`
    ])
  })

  test('with `once`, it reads nothing after the chosen entry', () => {
    const seen: string[] = []
    const reader = new TarReader(
      e => {
        seen.push(e.name)
        return e.name === 'b'
      },
      {},
      true
    )
    reader.push(
      archive(
        entry('a', '1'),
        entry('b', '2'),
        entry('c', '3'),
        padded(Buffer.from('garbage'))
      )
    )
    expect(seen).toEqual(['a', 'b'])
    expect(reader.stopped).toBe(true)
  })
})
