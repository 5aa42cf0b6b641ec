// README.md, mirror/README.md and docs/*.md read well as text and as pages:
// the inputs and outputs lists are what `npm run docs` writes from the
// action.yml files, no prose line runs past 120 columns, and every relative
// link leads to a file and a heading that exist.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../helpers/paths.js'
import { GENERATED, generated } from '../../scripts/docs-tables.js'
import { anchors, longLines, relativeLinks } from '../helpers/markdown-docs.js'

const DOCS = [
  'README.md',
  'mirror/README.md',
  ...fs
    .readdirSync(path.join(repoRoot, 'docs'))
    .filter(name => name.endsWith('.md'))
    .sort()
    .map(name => `docs/${name}`)
]

function read(file: string): string {
  return fs.readFileSync(path.join(repoRoot, file), 'utf8')
}

describe('the generated inputs and outputs lists', () => {
  test.each(GENERATED.map(g => [g.file, g.action] as const))(
    "%s's lists are what `npm run docs` writes from %s",
    (file, action) => {
      expect(read(file), `run 'npm run docs' and commit ${file}`).toBe(
        generated(repoRoot, file, action)
      )
    }
  )
})

describe.each(DOCS)('%s', file => {
  const text = read(file)

  test('has no line over 120 characters outside code blocks and URLs', () => {
    expect(longLines(text, 120)).toEqual([])
  })

  test('links only to files and headings that exist', () => {
    const broken = relativeLinks(text).filter(link => {
      const target = link.path
        ? path.posix.normalize(
            path.posix.join(path.posix.dirname(file), link.path)
          )
        : file
      if (!fs.existsSync(path.join(repoRoot, target))) return true
      if (!link.anchor || !target.endsWith('.md')) return false
      return !anchors(read(target)).includes(link.anchor)
    })
    expect(broken.map(link => `${file}:${link.line}: ${link.target}`)).toEqual(
      []
    )
  })
})

test('README links every docs page and the mirror README', () => {
  const linked = new Set(
    relativeLinks(read('README.md')).map(link => link.path)
  )
  const pages = DOCS.filter(
    f => f !== 'README.md' && f !== 'docs/ARCHITECTURE.md'
  )
  expect(pages.filter(page => !linked.has(page))).toEqual([])
})

test('README stays a front page: a few hundred lines', () => {
  expect(read('README.md').split('\n').length).toBeLessThan(450)
})

describe('the checks themselves', () => {
  const long = 'word '.repeat(30).trim()
  test.each([
    ['a long prose line', `# T\n\n${long}\n`, ['3: 149']],
    ['a long line in a code block', `\`\`\`sh\n${long}\n\`\`\`\n`, []],
    ['a long line in a ~~~ block', `~~~\n${long}\n~~~\n`, []],
    ['a long URL', `see https://example.com/${'a'.repeat(130)}\n`, []],
    ['a long link target', `[x](https://e.com/${'a'.repeat(130)})\n`, []],
    ['after a closed block', `\`\`\`\nx\n\`\`\`\n${long}\n`, ['4: 149']]
  ])('longLines: %s', (_name, text, expected) => {
    expect(longLines(text, 120)).toEqual(expected)
  })

  test.each([
    ['## Quick start (ghcr.io)', ['quick-start-ghcrio']],
    [
      '## Deploying the chart: Argo CD and Flux',
      ['deploying-the-chart-argo-cd-and-flux']
    ],
    ["## The GitOps repository's writers", ['the-gitops-repositorys-writers']],
    ['## Tag matches `Chart.yaml`', ['tag-matches-chartyaml']],
    [
      '## Re-runs, and a signing that fails',
      ['re-runs-and-a-signing-that-fails']
    ],
    ['## Known limits\n## Known limits', ['known-limits', 'known-limits-1']],
    ['```\n# not a heading\n```', []]
  ])('anchors of %j', (text, expected) => {
    expect(anchors(text)).toEqual(expected)
  })

  test('relativeLinks: files and anchors, not URLs or code', () => {
    const text = [
      'See [a](docs/a.md#x), [b](#y) and [c](https://e.com/#z),',
      '`[d](nope.md)`, [e](mailto:x@example.com).',
      '```',
      '[f](code.md)',
      '```'
    ].join('\n')
    expect(relativeLinks(text)).toEqual([
      { line: 1, target: 'docs/a.md#x', path: 'docs/a.md', anchor: 'x' },
      { line: 1, target: '#y', path: '', anchor: 'y' }
    ])
  })
})
