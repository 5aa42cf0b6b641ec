import { describe, expect, test } from 'vitest'
import { lineEdits, unifiedDiff } from '../../src/render/unified-diff.js'

const lines = (n: number, f = (i: number) => `line ${i}`): string =>
  Array.from({ length: n }, (_, i) => f(i + 1)).join('\n') + '\n'

describe('unifiedDiff', () => {
  test('equal texts give no hunk', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toEqual({
      text: '',
      replacedWhole: false,
      omittedLines: 0
    })
  })

  test('one changed line with 3 lines of context', () => {
    const before = lines(10)
    const after = before.replace('line 5\n', 'line five\n')
    expect(unifiedDiff(before, after).text).toBe(
      '@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n'
    )
  })

  test('distant changes make two hunks, near ones one', () => {
    const before = lines(30)
    const far = before.replace('line 3\n', 'x\n').replace('line 25\n', 'y\n')
    expect(unifiedDiff(before, far).text.match(/^@@/gm)).toHaveLength(2)
    const near = before.replace('line 3\n', 'x\n').replace('line 9\n', 'y\n')
    expect(unifiedDiff(before, near).text.match(/^@@/gm)).toHaveLength(1)
  })

  test('added and removed lines, ranges as GNU diff prints them', () => {
    expect(unifiedDiff('', 'a\n').text).toBe('@@ -0,0 +1,1 @@\n+a\n')
    expect(unifiedDiff('a\nb\n', 'a\n').text).toBe('@@ -1,2 +1,1 @@\n a\n-b\n')
  })

  test('the edit script turns the old lines into the new ones', () => {
    const a = ['a', 'b', 'c', 'a', 'b', 'b', 'a']
    const b = ['c', 'b', 'a', 'b', 'a', 'c']
    const edits = lineEdits(a, b)!
    expect(edits.filter(e => e.op !== '+').map(e => e.line)).toEqual(a)
    expect(edits.filter(e => e.op !== '-').map(e => e.line)).toEqual(b)
    expect(edits.filter(e => e.op !== ' ')).toHaveLength(5)
  })

  test('past the bound, the whole resource shows as replaced', () => {
    const before = lines(50)
    const after = lines(50, i => `other ${i}`)
    const diff = unifiedDiff(before, after, 3, {
      maxLines: 10_000,
      maxEdits: 20
    })
    expect(diff.replacedWhole).toBe(true)
    expect(diff.text.split('\n').filter(l => l.startsWith('-'))).toHaveLength(
      50
    )
  })

  test.each([
    // [what, old, new, maxChars, kept text, omitted lines]
    ['all fits', lines(3), lines(3, i => `x${i}`), 1_000, 7, 0],
    ['cut after some lines', lines(3), lines(3, i => `x${i}`), 40, 4, 3],
    ['a header alone is not kept', lines(3), lines(3, i => `x${i}`), 18, 0, 7],
    ['nothing fits', lines(3), lines(3, i => `x${i}`), 0, 0, 7]
  ])('maxChars: %s', (_, before, after, maxChars, keptLines, omitted) => {
    const diff = unifiedDiff(before, after, 3, {
      maxLines: 10_000,
      maxEdits: 1_000,
      maxChars
    })
    expect(diff.text.length).toBeLessThanOrEqual(maxChars)
    expect(diff.text.split('\n').filter(Boolean)).toHaveLength(keptLines)
    expect(diff.omittedLines).toBe(omitted)
  })

  test('a huge replaced-whole diff keeps maxChars and counts the rest', () => {
    const before = lines(100_000)
    const after = lines(100_000, i => `other ${i}`)
    const diff = unifiedDiff(before, after, 3, {
      maxLines: 1_000,
      maxEdits: 20,
      maxChars: 5_000
    })
    expect(diff.replacedWhole).toBe(true)
    expect(diff.text.length).toBeLessThanOrEqual(5_000)
    expect(
      diff.text.split('\n').filter(Boolean).length + diff.omittedLines
    ).toBe(200_001)
  })
})
