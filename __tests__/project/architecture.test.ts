// docs/ARCHITECTURE.md stays true: every file of src/ is named in it, and
// every src/ path it names exists. A file is named by its path from src/
// (`registry/client.ts`, or `registry/client` in prose), or by its own name
// in a paragraph that names its folder (`registry/`, or a path in it).
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../helpers/paths.js'

const src = path.join(repoRoot, 'src')
const doc = fs.readFileSync(path.join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8')
const paragraphs = doc.split(/\n\s*\n/)

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [path.relative(src, full)] : []
  })
}

/** Whether the document names `file` (a path from src/, with `/`). */
export function named(file: string, text = doc): boolean {
  const folder = path.posix.dirname(file)
  const name = path.posix.basename(file)
  if (folder === '.') return text.includes(`\`${name}\``)
  if (text.includes(file) || text.includes(`\`${file.slice(0, -3)}\``))
    return true
  return text
    .split(/\n\s*\n/)
    .some(p => p.includes(`\`${folder}/`) && p.includes(`\`${name}\``))
}

describe('docs/ARCHITECTURE.md', () => {
  const files = sourceFiles(src).map(file => file.split(path.sep).join('/'))

  test('names every file of src/', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(files.filter(file => !named(file))).toEqual([])
  })

  test('names no src/ path that does not exist', () => {
    const mentioned = [
      ...doc.matchAll(/`([a-z-]+(?:\/[a-z-<>]+)*\/[a-z-]+\.ts)`/g)
    ]
      .map(match => match[1])
      .filter(name => !name.includes('<'))
    expect(mentioned.length).toBeGreaterThan(10)
    expect(
      mentioned.filter(name => !fs.existsSync(path.join(src, name)))
    ).toEqual([])
  })

  test('the check itself: a file named only elsewhere is not named', () => {
    const text = 'In `registry/`, `client.ts` reads.\n\nAnd `writer.ts` writes.'
    expect(named('registry/client.ts', text)).toBe(true)
    expect(named('registry/writer.ts', text)).toBe(false)
    expect(named('mirror/run.ts', 'See `mirror/run`.')).toBe(true)
  })

  test.each(paragraphs.map((p, i) => [i, p] as const))(
    'paragraph %i has no line over 120 characters',
    (_index, paragraph) => {
      const long = paragraph.split('\n').filter(line => line.length > 120)
      expect(long).toEqual([])
    }
  )
})
