// Artifact Hub's `artifacthub.io/changes` as both its readers get it: the raw
// annotation of a Chart.yaml (a GitHub release's notes) or of a config blob
// (the GitOps changelog, through changelogEntry in render/changelog.test.ts).
import { describe, expect, test } from 'vitest'
import {
  boundedText,
  MAX_CHANGES,
  parseChanges
} from '../../src/chart/changes.js'
import { CHANGES_ANNOTATION } from '../../src/chart/metadata.js'

describe('parseChanges', () => {
  test.each<[string, unknown, ReturnType<typeof parseChanges>]>([
    ['no annotation', undefined, { changes: [], notes: [] }],
    [
      'strings, blank ones left out with a note',
      '- Added a Service\n- "  "\n- Fixed the probe\n',
      {
        changes: [
          { description: 'Added a Service' },
          { description: 'Fixed the probe' }
        ],
        notes: [
          `1 item(s) of \`${CHANGES_ANNOTATION}\` have no description: not shown`
        ]
      }
    ],
    [
      'objects: a blank kind is no kind',
      '- kind: fixed\n  description: " the probe "\n- kind: " "\n  description: docs\n',
      {
        changes: [
          { kind: 'fixed', description: 'the probe' },
          { description: 'docs' }
        ],
        notes: []
      }
    ],
    [
      'a list, not a string (as Chart.yaml may hold it)',
      ['Added'],
      { changes: [], notes: [`\`${CHANGES_ANNOTATION}\` is not a string`] }
    ],
    [
      'longer than 64 KiB',
      `- ${'x'.repeat(64 * 1024)}`,
      {
        changes: [],
        notes: [
          `\`${CHANGES_ANNOTATION}\` is longer than ${64 * 1024} characters: not read`
        ]
      }
    ]
  ])('%s', (_, annotation, expected) => {
    expect(parseChanges(annotation)).toEqual(expected)
  })

  test('at most MAX_CHANGES changes, each text at most 500 characters', () => {
    const long = 'y'.repeat(600)
    const annotation = Array.from(
      { length: MAX_CHANGES + 1 },
      () => `- ${long}`
    ).join('\n')
    const { changes, notes } = parseChanges(annotation)
    expect(changes).toHaveLength(MAX_CHANGES)
    expect(changes[0].description).toBe(`${'y'.repeat(500)}…`)
    expect(notes).toEqual(['1 more change(s) not shown'])
  })
})

describe('boundedText', () => {
  test.each([
    ['  trimmed  ', 'trimmed'],
    ['a'.repeat(500), 'a'.repeat(500)],
    ['a'.repeat(501), `${'a'.repeat(500)}…`]
  ])('%#', (text, expected) => {
    expect(boundedText(text)).toBe(expected)
  })
})
