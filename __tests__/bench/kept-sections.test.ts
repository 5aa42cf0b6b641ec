// `npm run bench` rewrites BENCHMARKS.md; the section bench/unread-values.ts
// writes there survives it, and that script replaces only its own.
import { describe, expect, test } from 'vitest'
import {
  sectionOf,
  UNREAD_VALUES_HEADING,
  withSection
} from '../../bench/kept-sections.js'

const H = UNREAD_VALUES_HEADING
const SECTION = `${H}\n\nrecall 100%\n`

describe('kept sections', () => {
  test.each([
    ['absent', '# Benchmarks\n\n## Publish\n', ''],
    ['at the end', `# Benchmarks\n\n${SECTION}`, SECTION],
    ['before another', `# B\n\n${SECTION}## Next\n\nx\n`, SECTION]
  ])('sectionOf: %s', (_name, text, expected) => {
    expect(sectionOf(text, H)).toBe(expected)
  })

  test.each([
    [
      'added at the end',
      '# B\n\n## Publish\n\nrows\n',
      `# B\n\n## Publish\n\nrows\n\n${SECTION}`
    ],
    [
      'replaced in place',
      `# B\n\n${H}\n\nold $& text\n## Next\n`,
      `# B\n\n${SECTION}## Next\n`
    ]
  ])('withSection: %s', (_name, text, expected) => {
    expect(withSection(text, H, SECTION)).toBe(expected)
  })
})
