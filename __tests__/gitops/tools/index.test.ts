// The tool registry: every pin kind belongs to one tool, the pins in each
// tool's fixtures are of its own kinds, and each tool's README.md holds the
// table of its rules, whose tests exist and hold the test named.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { TOOLS } from '../../../src/gitops/tools/index.js'

const TESTS = '__tests__'
const HEADER = [
  'rule',
  "the tool's source file and function",
  'from version',
  'test'
]

/** The `kind` of every pin an expected.json of `folder` reports. */
function kindsIn(folder: string): string[] {
  if (!existsSync(folder)) return []
  return readdirSync(folder).flatMap(name => {
    const report = JSON.parse(
      readFileSync(join(folder, name, 'expected.json'), 'utf8')
    ) as Record<string, { kind?: string }[] | unknown>
    return ['changes', 'current', 'skipped'].flatMap(key => {
      const items = report[key]
      return Array.isArray(items)
        ? items.flatMap((item: { kind?: string }) => item.kind ?? [])
        : []
    })
  })
}

/** The cells of a Markdown table row (Prettier pads them), or undefined. */
function cells(line: string): string[] | undefined {
  if (!line.startsWith('|')) return undefined
  return line
    .slice(1, -1)
    .split('|')
    .map(cell => cell.trim())
}

/** The rows of the rules tables of a README: their cells each. */
function ruleRows(readme: string): string[][] {
  const rows: string[][] = []
  let inTable = false
  for (const line of readme.split('\n')) {
    const row = cells(line)
    if (!row) inTable = false
    else if (row.join('|') === HEADER.join('|')) inTable = true
    else if (inTable && !/^-+$/.test(row[0])) rows.push(row)
  }
  return rows
}

describe('the tool registry', () => {
  test('every pin kind belongs to one tool', () => {
    const kinds = TOOLS.flatMap(tool => tool.places.kinds)
    expect(new Set(kinds).size).toBe(kinds.length)
    expect(TOOLS.map(tool => tool.name)).toEqual([
      'argocd',
      'flux',
      'kustomize',
      'helm'
    ])
  })

  test.each(TOOLS.map(tool => [tool.name, tool] as const))(
    "%s: the pins of its fixtures are of its kinds, and the corpus's of some tool's",
    (name, tool) => {
      const own = kindsIn(join(TESTS, 'gitops/tools', name, 'fixtures'))
      expect(own.length).toBeGreaterThan(0)
      expect(own.filter(kind => !tool.places.kinds.includes(kind))).toEqual([])
      const all = TOOLS.flatMap(each => each.places.kinds)
      const shared = kindsIn(join(TESTS, 'gitops/fixtures'))
      expect(shared.filter(kind => !all.includes(kind))).toEqual([])
    }
  )

  test.each(TOOLS.map(tool => tool.name))(
    '%s: README.md tables each rule, its source, and a test that exists',
    name => {
      const readme = readFileSync(
        join('src/gitops/tools', name, 'README.md'),
        'utf8'
      )
      const rows = ruleRows(readme)
      expect(rows.length).toBeGreaterThan(2)
      for (const [rule, source, , testCell] of rows.map(row => {
        expect(row).toHaveLength(4)
        return row
      })) {
        expect(rule).not.toBe('')
        expect(source).not.toBe('')
        if (testCell === 'no test yet (#25)') continue
        const file = /^`([^`]+\.test\.ts)`/.exec(testCell)?.[1]
        expect(file, `${name}: ${rule}`).toBeDefined()
        const text = readFileSync(join(TESTS, file ?? ''), 'utf8')
        for (const [, title] of testCell.matchAll(/"([^"]+)"/g))
          expect(text, `${file}: ${title}`).toContain(title)
      }
    }
  )
})
