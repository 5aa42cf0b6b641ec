// The generated blocks of a Markdown file: written between their markers,
// everything else kept, and a file whose markers are wrong refused by name.
import { describe, expect, test } from 'vitest'
import {
  emptyBlock,
  endMarker,
  replaceBlocks,
  startMarker
} from '../../../scripts/docs/blocks.js'

const file = ['# Title', '', emptyBlock('inputs'), '', 'After.', ''].join('\n')

describe('replaceBlocks', () => {
  test('puts the text between the markers and keeps the rest', () => {
    const result = replaceBlocks(
      file,
      [{ name: 'inputs', text: '- `a`\n' }],
      'README.md'
    )
    expect(result).toBe(
      [
        '# Title',
        '',
        '<!-- prettier-ignore-start -->',
        startMarker('inputs'),
        '',
        '- `a`',
        '',
        endMarker('inputs'),
        '<!-- prettier-ignore-end -->',
        '',
        'After.',
        ''
      ].join('\n')
    )
  })

  test('writing twice gives the same file', () => {
    const blocks = [{ name: 'inputs', text: '- `a`' }]
    const once = replaceBlocks(file, blocks, 'README.md')
    expect(replaceBlocks(once, blocks, 'README.md')).toBe(once)
  })

  test('replaces what was there before', () => {
    const once = replaceBlocks(
      file,
      [{ name: 'inputs', text: '- old' }],
      'README.md'
    )
    const twice = replaceBlocks(
      once,
      [{ name: 'inputs', text: '- new' }],
      'README.md'
    )
    expect(twice).toContain('- new')
    expect(twice).not.toContain('- old')
  })

  const start = startMarker('inputs')
  const end = endMarker('inputs')
  test.each([
    ['missing', 'no markers here'],
    ['without its end', start],
    ['without its start', end],
    ['ends before it starts', `${end}\n${start}`],
    ['doubled', `${start}\n${end}\n${start}\n${end}`]
  ])('a block %s is refused, naming the file and the block', (_name, text) => {
    expect(() =>
      replaceBlocks(text, [{ name: 'inputs', text: '' }], 'mirror/README.md')
    ).toThrow(
      `mirror/README.md: the block 'inputs' needs its two marker lines, once each and in order:\n${start}\n${end}`
    )
  })
})
