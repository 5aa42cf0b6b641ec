// One budget for every part of a document: the pull request body and the
// job summary always fit, and each part that is cut says what it left out.
import { describe, expect, test } from 'vitest'
import {
  fairShares,
  fitParts,
  plural,
  utf16Units,
  utf8Bytes,
  wholeText,
  type Limit,
  type Part
} from '../src/fit.js'

const limit = (budget: number, measure = utf16Units): Limit => ({
  budget,
  measure,
  reason: 'to fit'
})
const rows = (count: number, width = 20, unit = 'pin') =>
  Array.from({ length: count }, (_, i) => ({
    text: `| ${String(i).padEnd(width - 5, '.')} |\n`,
    unit
  }))
const table = (count: number, width = 20): Part => ({
  head: '### T\n\n',
  items: rows(count, width),
  tail: '\n',
  elsewhere: 'the log lists every pin'
})

describe('fairShares', () => {
  test.each([
    [[10, 100, 1000], 300, [10, 100, 190]],
    [[500, 500], 300, [150, 150]],
    [[0, 0], 100, [0, 0]],
    [[50, 50], 1000, [50, 50]],
    [[100, 5], -10, [0, 0]],
    [[], 100, []]
  ])('%j in %i: %j', (demands, room, expected) => {
    expect(fairShares(demands, room)).toEqual(expected)
  })
})

describe('fitParts', () => {
  test('what fits is the whole text, with no cut line', () => {
    const parts = [{ head: 'intro\n\n', pinned: true }, table(3)]
    expect(fitParts(parts, limit(1_000))).toBe(wholeText(parts))
  })

  test.each([
    // [rows, row width, budget]
    [800, 245, 65_000],
    [50, 20, 300],
    [10, 100, 200]
  ])(
    '%i rows of %i characters in %i: the first rows, then how many were left out and where to see them',
    (count, width, budget) => {
      const text = fitParts([table(count, width)], limit(budget))
      expect(text.length).toBeLessThanOrEqual(budget)
      const shown = text.split('\n').filter(l => l.startsWith('| ')).length
      expect(shown).toBeGreaterThan(0)
      expect(text).toContain(
        `\n_${plural(count - shown, 'pin')} left out to fit: the log lists every pin._\n`
      )
      expect(text).toContain('| 0.')
    }
  )

  test('parts share what is left fairly: a small part whole, the big ones cut alike', () => {
    const parts = [table(5, 20), table(1_000, 50), table(1_000, 50)]
    const text = fitParts(parts, limit(10_000))
    expect(text.length).toBeLessThanOrEqual(10_000)
    const sections = text.split('### T').slice(1)
    expect(sections[0]).not.toContain('left out')
    const shownOf = (section: string) =>
      section.split('\n').filter(l => l.startsWith('| ')).length
    expect(Math.abs(shownOf(sections[1]) - shownOf(sections[2]))).toBeLessThan(
      3
    )
  })

  test('units are counted apart in the cut line', () => {
    const part: Part = {
      head: 'H\n',
      items: [
        ...rows(30, 20, 'listed resource'),
        ...rows(30, 20, 'resource diff')
      ]
    }
    expect(fitParts([part], limit(400))).toMatch(
      /_\d+ listed resources and 30 resource diffs left out to fit\._/
    )
  })

  /** A name and, under it, its long expendable detail, `count` times. */
  const named = (count: number, detail = 200): Part => ({
    head: '### N\n\n',
    items: Array.from({ length: count }, (_, i) => [
      { text: `- name ${i}\n`, unit: 'listed resource' },
      {
        text: `  detail ${i} ${'d'.repeat(detail)}\n`,
        unit: 'resource manifest',
        expendable: true
      }
    ]).flat()
  })

  test.each<[string, Part[], number, number, number]>([
    // [what, parts, budget, names shown, details shown]
    ['room for all', [named(5)], 10_000, 5, 5],
    ['room for the names and two details', [named(5)], 600, 5, 2],
    ['room for the names only', [named(5)], 200, 5, 0],
    ['not even the names: no detail', [named(40)], 300, -1, 0],
    [
      "another part's items first, even one that comes after",
      [named(3), table(20, 20)],
      700,
      3,
      0
    ]
  ])(
    'expendable items are cut before any other: %s',
    (_what, parts, budget, names, details) => {
      const text = fitParts(parts, limit(budget))
      expect(text.length).toBeLessThanOrEqual(budget)
      const shownNames = text.match(/^- name \d+$/gm)?.length ?? 0
      const shownDetails = text.match(/^ {2}detail \d+ /gm)?.length ?? 0
      if (names >= 0) expect(shownNames).toBe(names)
      else expect(shownNames).toBeGreaterThan(0)
      expect(shownDetails).toBe(details)
      // Each detail shown is under its own name.
      for (const [, i] of text.matchAll(/^ {2}detail (\d+) /gm))
        expect(text).toContain(`- name ${i}\n  detail ${i} `)
      if (details < names || names < 0)
        expect(text).toMatch(
          /_.*\d+ resource manifests?\b.* left out to fit\._/
        )
    }
  )

  test('heads that do not fit: later parts dropped whole, pinned ones kept, and said', () => {
    const parts: Part[] = [
      { head: 'intro\n', pinned: true },
      ...Array.from({ length: 50 }, (_, i) => ({
        head: `## place ${i} ${'x'.repeat(90)}\n`
      })),
      { head: 'footer\n', pinned: true }
    ]
    const text = fitParts(parts, limit(2_000))
    expect(text.length).toBeLessThanOrEqual(2_000)
    expect(text.startsWith('intro\n')).toBe(true)
    expect(text.endsWith('footer\n')).toBe(true)
    const shown = text.match(/## place/g)?.length ?? 0
    expect(text).toContain(
      `_${plural(50 - shown, 'more section')} left out to fit._`
    )
  })

  test('bytes, not characters, when the measure is UTF-8', () => {
    const wide = (n: number): Part => ({
      head: '',
      items: Array.from({ length: n }, () => ({
        text: '日本語\n',
        unit: 'line'
      }))
    })
    const text = fitParts([wide(1_000)], limit(3_000, utf8Bytes))
    expect(utf8Bytes(text)).toBeLessThanOrEqual(3_000)
    // 10 bytes a line (4 characters): about 290 of them, not 740.
    const shown = text.match(/日本語/g)?.length ?? 0
    expect(shown).toBeGreaterThan(250)
    expect(shown).toBeLessThan(300)
  })

  test('whatever the parts, the text is within the budget', () => {
    let seed = 11
    const next = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % max
    }
    for (let round = 0; round < 200; round++) {
      const parts: Part[] = Array.from({ length: 1 + next(12) }, () => ({
        head: 'h'.repeat(next(200)),
        items: rows(next(300), 5 + next(400)),
        tail: next(2) ? '\n' : undefined,
        pinned: next(5) === 0,
        elsewhere: next(2) ? 'see the log' : undefined
      }))
      const pinned = parts
        .filter(p => p.pinned)
        .reduce((sum, p) => sum + p.head.length + 200, 0)
      const budget = pinned + next(20_000)
      expect(fitParts(parts, limit(budget)).length).toBeLessThanOrEqual(budget)
    }
  })
})
