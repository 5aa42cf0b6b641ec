// The warning a place opens with when it sets values a version does not
// read: what a reviewer reads, escaped and bounded.
import { describe, expect, test } from 'vitest'
import { unreadWarning } from '../../src/render/unread-report.js'
import type { UnreadValues } from '../../src/render/outcome.js'

function unread(overrides: Partial<UnreadValues> = {}): UnreadValues {
  return {
    versions: { old: '1.0.0', new: '2.0.0' },
    noLongerRead: [],
    neverRead: [],
    cuts: [],
    renders: 6,
    ...overrides
  }
}

describe('unreadWarning', () => {
  test.each([
    ['nothing checked', undefined, ''],
    ['nothing found', unread(), ''],
    [
      'only what was not checked',
      unread({ cuts: ['2 values not decided: the budget ran out'] }),
      'Not checked for values that no longer apply: 2 values not decided: the budget ran out.\n\n'
    ]
  ])('%s', (_name, given, expected) => {
    expect(unreadWarning(given)).toBe(expected)
  })

  test('both lists, as a warning, then how they were found and the cut', () => {
    const text = unreadWarning(
      unread({
        noLongerRead: [{ path: 'replicas', from: 'valuesObject' }],
        neverRead: [{ path: 'imagee.tag', from: '--set' }],
        cuts: ['3 values past the first 64 not checked']
      })
    )
    expect(text).toBe(
      [
        '> [!WARNING]',
        '> **Values the new version no longer reads**: 1.0.0 read them, 2.0.0 ignores them, and Helm says nothing:',
        '> - `replicas`, set in valuesObject',
        '>',
        '> **Values no version reads**, neither 1.0.0 nor 2.0.0, and neither declares them (a typo?):',
        '> - `imagee.tag`, set in --set',
        '>',
        '> Found by rendering each version with the value removed and with a marker in its place: neither changed what that version renders.',
        '>',
        '> Not checked for values that no longer apply: 3 values past the first 64 not checked.',
        '',
        ''
      ].join('\n')
    )
  })

  test('keys from a hostile file stay code, and the list is bounded', () => {
    const keys = Array.from({ length: 13 }, (_, i) => ({
      path: i === 0 ? 'a`b\n::error::x @team' : `k${i}`,
      from: 'values <b>#1</b>'
    }))
    const text = unreadWarning(unread({ neverRead: keys }))
    expect(text).toContain(
      '> - ``"a`b\\n::error::x @team"``, set in values &lt;b&gt;#&#8203;1&lt;/b&gt;\n'
    )
    expect(text).toContain('> - and 3 more values\n')
    expect(text).not.toMatch(/^::/m)
  })
})
