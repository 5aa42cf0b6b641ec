// docs/ARCHITECTURE.md stays true: every file of src/ is named in it, and
// every src/ path it names exists (see namedFiles for what naming is).
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

/**
 * The files the document names, as paths from src/: a path written whole
 * (`registry/client.ts`, or `registry/client` in prose), or a bare name
 * (`client.ts`) read in the folder the text last named before it in the same
 * paragraph (`registry/`, or a path in it). A paragraph, or a list item,
 * starts at the root.
 */
export function namedFiles(text: string): Set<string> {
  const named = new Set<string>()
  for (const unit of text.split(/\n\s*\n|\n(?=\s*- )/)) {
    let folder = ''
    for (const [, token] of unit.matchAll(/`([^`\s]+)`/g)) {
      if (token.includes('/')) {
        const whole = token.endsWith('.ts') ? token : `${token}.ts`
        if (!token.endsWith('/')) named.add(whole)
        folder = token.endsWith('/')
          ? token.slice(0, -1)
          : path.posix.dirname(token)
      } else if (token.endsWith('.ts')) {
        named.add(folder ? `${folder}/${token}` : token)
      }
    }
  }
  return named
}

const NAMED = namedFiles(doc)

describe('docs/ARCHITECTURE.md', () => {
  const files = sourceFiles(src).map(file => file.split(path.sep).join('/'))

  test('names every file of src/', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(files.filter(file => !NAMED.has(file))).toEqual([])
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

  test('the check itself: a bare name belongs to the folder named before it', () => {
    const named = namedFiles(
      'In `registry/`, `client.ts` reads; `helm/cli.ts` and `template.ts`.\n\n' +
        'And `writer.ts` writes.\n- `mirror/` holds\n- `run.ts` and `mirror/copy`.'
    )
    expect([...named].sort()).toEqual([
      'helm/cli.ts',
      'helm/template.ts',
      'mirror/copy.ts',
      'registry/client.ts',
      'run.ts',
      'writer.ts'
    ])
  })

  test.each(paragraphs.map((p, i) => [i, p] as const))(
    'paragraph %i has no line over 120 characters',
    (_index, paragraph) => {
      const long = paragraph.split('\n').filter(line => line.length > 120)
      expect(long).toEqual([])
    }
  )
})
