// The inputs and outputs lists written from an action.yml: what a reader of
// the README sees for each input, escaped and wrapped so that it renders as
// written and reads as text.
import { describe, expect, test } from 'vitest'
import {
  codeSpan,
  markdownText,
  referenceList,
  wrapItem,
  WRAP_WIDTH
} from '../../../scripts/docs/reference.js'

describe('referenceList', () => {
  const action = [
    'inputs:',
    '  chart:',
    '    description: >-',
    '      The chart folder, or several,',
    '      one a line.',
    '    default: .',
    '  charts:',
    '    description: What to copy.',
    '    required: true',
    '  tag:',
    "    description: 'Default: the tag of `GITHUB_REF`.'",
    "    default: ''",
    '  paths:',
    '    description: Globs.',
    '    default: |',
    '      **/*.yaml',
    '      **/*.yml',
    'outputs:',
    '  digest:',
    '    description: The digest.',
    '  empty: {}'
  ].join('\n')

  test('lists the inputs in order, with their default or "required"', () => {
    expect(referenceList(action, 'inputs')).toBe(
      [
        '- **`chart` (default: `.`):** The chart folder, or several, one a line.',
        '- **`charts` (required):** What to copy.',
        '- **`tag`:** Default: the tag of `GITHUB_REF`.',
        '- **`paths` (default: `**/*.yaml` and `**/*.yml`):** Globs.'
      ].join('\n')
    )
  })

  test('lists the outputs without defaults; one without a description too', () => {
    expect(referenceList(action, 'outputs')).toBe(
      ['- **`digest`:** The digest.', '- **`empty`:**'].join('\n')
    )
  })

  test('an action.yml without inputs gives an empty list', () => {
    expect(referenceList('outputs: {}', 'inputs')).toBe('')
  })
})

describe('markdownText', () => {
  test.each([
    ['plain words', 'Registry user name.', 'Registry user name.'],
    ['a tag-like word', 'goes to <name>', 'goes to \\<name>'],
    ['a glob', 'such as charts/*', 'such as charts/\\*'],
    ['brackets', '[{"name"}]', '\\[{"name"}\\]'],
    ['a word-inner underscore', 'RUNNER_TEMP', 'RUNNER_TEMP'],
    ['a lone underscore', 'a _b_ c', 'a \\_b\\_ c'],
    ['a backslash', 'C:\\dir', 'C:\\\\dir'],
    ['code spans kept', 'in `oci://<r>/*` only', 'in `oci://<r>/*` only'],
    ['double-backtick spans', 'a ``x`y`` <b>', 'a ``x`y`` \\<b>'],
    ['a lone backtick', 'a ` b <c>', 'a ` b \\<c>']
  ])('%s', (_name, text, expected) => {
    expect(markdownText(text)).toBe(expected)
  })
})

describe('codeSpan', () => {
  test.each([
    ['.', '`.`'],
    ['${{ github.token }}', '`${{ github.token }}`'],
    ['a`b', '``a`b``'],
    ['`a', '`` `a ``']
  ])('%j', (text, expected) => {
    expect(codeSpan(text)).toBe(expected)
  })
})

describe('wrapItem', () => {
  const words = (n: number) =>
    Array.from({ length: n }, (_, i) => `word${i}`).join(' ')

  test('wraps at the width, continuation lines indented by two', () => {
    const lines = wrapItem(words(40)).split('\n')
    expect(lines.length).toBeGreaterThan(3)
    expect(lines[0]).toMatch(/^- word0 /)
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}word/)
    for (const line of lines)
      expect(line.length).toBeLessThanOrEqual(WRAP_WIDTH)
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe(`- ${words(40)}`)
  })

  test('never breaks a code span, even one with spaces', () => {
    const span = '`permissions: packages: write`'
    const text = `${'x'.repeat(60)} ${span} end`
    expect(wrapItem(text).split('\n')).toEqual([
      `- ${'x'.repeat(60)}`,
      `  ${span} end`
    ])
  })

  test.each(['>=1.0', '#1', '-', '+', '*', '|', '=', '1.', '2)'])(
    'does not start a line with %j (Markdown would read a block)',
    word => {
      const text = `${'x'.repeat(WRAP_WIDTH - 3)} ${word} tail`
      const lines = wrapItem(text).split('\n')
      expect(lines[0]).toBe(`- ${'x'.repeat(WRAP_WIDTH - 3)} ${word}`)
      expect(lines[1]).toBe('  tail')
    }
  )
})
