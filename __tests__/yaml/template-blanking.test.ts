import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  blankTemplates,
  mayHoldTemplates,
  overlapping
} from '../../src/yaml/template-blanking.js'
import { lines } from './documents.js'

/** The blanked text; fails the test when nothing was blanked. */
function blank(text: string): string {
  const blanked = blankTemplates(text)
  if (!blanked) throw new Error('nothing blanked')
  expect(blanked.text).toHaveLength(text.length)
  // Offsets are kept: every line break is where it was.
  expect([...blanked.text].map((c, i) => (c === '\n' ? i : -1))).toEqual(
    [...text].map((c, i) => (c === '\n' ? i : -1))
  )
  return blanked.text
}

describe('mayHoldTemplates', () => {
  test('is the cheap test: no `{{`, no work', () => {
    expect(mayHoldTemplates('a: 1\n')).toBe(false)
    expect(mayHoldTemplates('a: ${X}\n')).toBe(false)
    expect(mayHoldTemplates('a: {{ .x }}\n')).toBe(true)
  })
})

describe('blankTemplates', () => {
  test.each([
    ['an if line', '{{- if .Values.web.enabled }}'],
    ['an end line, trim on both sides', '  {{- end -}}'],
    ['a toYaml line', '    {{- toYaml .Values.y | nindent 4 }}'],
    ['a comment', '  {{/* a comment with }} inside */}}'],
    ['a trimmed comment', '{{- /* note */ -}}'],
    ['two actions', '{{ $x := 1 }} {{ $y := 2 }}'],
    ['a string holding }}', '{{ print "}}" }}'],
    ['a raw string holding }}', '{{ print `}}` }}'],
    ['a character', "{{ print '}' }}"],
    ['an escaped quote', '{{ print "a\\"}}" }}'],
    ['CRLF', '{{- if .x }}\r']
  ])('a line holding only %s becomes spaces', (_name, line) => {
    const text = lines('a: 1', line, 'b: 2')
    const expected = lines('a: 1', line.replace(/[^\r]/g, ' '), 'b: 2')
    expect(blank(text)).toBe(expected)
  })

  test('a multi-line action on lines of its own becomes spaces, newlines kept', () => {
    const template = [
      '{{- $x := dict',
      '      "k" "v" }}',
      '  {{/* one',
      '  two */}}'
    ]
    const text = lines('a: 1', ...template, 'b: 2')
    const spaces = template.map(line => ' '.repeat(line.length))
    expect(blank(text)).toBe(lines('a: 1', ...spaces, 'b: 2'))
  })

  test.each([
    ['a value', 'v: {{ .Values.v }}', 'v: xx xxxxxxxxx xx'],
    ['part of a value', 'v: 1.2.{{ .p }}', 'v: 1.2.xx xx xx'],
    ['a quoted value', "v: '{{ .v }}'", "v: 'xx xx xx'"],
    [
      'quotes inside the action',
      'v: "{{ include "x" . }}"',
      'v: "xx xxxxxxx xxx x xx"'
    ],
    ['a key', '{{ .k }}: 1', 'xx xx xx: 1'],
    ['a comment', 'v: 1 # {{ .c }}', 'v: 1 # xx xx xx']
  ])('an action in %s becomes one opaque word', (_name, line, expected) => {
    expect(blank(lines(line))).toBe(lines(expected))
  })

  test('a multi-line action after a key: its first line opaque, the rest spaces', () => {
    const text = lines('labels: {{- include "x" (dict', '   "a" 1) }}', 'b: 2')
    expect(blank(text)).toBe(
      lines('labels: xxx xxxxxxx xxx xxxxx', ' '.repeat(12), 'b: 2')
    )
  })

  test("a block scalar's content is a value: its `{{` stay", () => {
    const text = lines(
      '{{- if .x }}',
      'data:',
      '  tmpl: |',
      '    {{ define "t" }}',
      '    {{- if .y }}',
      '',
      '    a: {{ .z }}',
      '{{- end }}',
      '    still: content',
      '  next: {{ .n }}',
      '- list: >-',
      '    {{ .folded }}',
      '  tagged: !!str |2 # note',
      '    {{ .tagged }}',
      '  {{ .after }}: 1'
    )
    expect(blank(text)).toBe(
      lines(
        ' '.repeat(12),
        'data:',
        '  tmpl: |',
        '    {{ define "t" }}',
        '    {{- if .y }}',
        '',
        '    a: {{ .z }}',
        ' '.repeat(10),
        '    still: content',
        '  next: xx xx xx',
        '- list: >-',
        '    {{ .folded }}',
        '  tagged: !!str |2 # note',
        '    {{ .tagged }}',
        '  xx xxxxxx xx: 1'
      )
    )
  })

  test('nothing to blank, or only a `{{` Go would not read as an action: undefined', () => {
    expect(blankTemplates('a: 1\n')).toBeUndefined()
    expect(blankTemplates('data: |\n  {{ .x }}\n')).toBeUndefined()
    expect(blankTemplates('a: {{ .x\n')).toBeUndefined()
    expect(blankTemplates('a: {{ print "x\n" }}\n')).toBeUndefined()
    expect(blankTemplates('a: {{/* open\n')).toBeUndefined()
    expect(blankTemplates('a: {{/* x */ }}\n')).toBeUndefined()
    expect(blankTemplates('# see {{\na: 1 }}\n')).toBeUndefined()
    expect(blankTemplates('a: {{ x[0] }}\n')).toBeUndefined()
  })

  test('a stray `{{` stays text; the actions after it are blanked', () => {
    const text = lines('a: 1 # see {{', 'b: 2', '{{- end }}', 'c: {{ .c }}')
    expect(blank(text)).toBe(
      lines('a: 1 # see {{', 'b: 2', ' '.repeat(10), 'c: xx xx xx')
    )
  })

  test('lists the actions it blanked, in order', () => {
    const text = 'a: {{ .x }}\n{{ if .y }}\n'
    expect(blankTemplates(text)?.actions).toEqual([
      { start: 3, end: 11 },
      { start: 12, end: 23 }
    ])
  })

  // Linear work is checked by counting the characters looked at, not with a
  // stopwatch (a busy machine changes no count; the times are in bench/).
  // Ten times the text must cost ten times the characters: per character of
  // text the count stays put, where quadratic work would grow tenfold.

  /** Characters `blankTemplates` looks at, per character of `text`. */
  function workPerChar(text: string): number {
    const counter = { chars: 0 }
    const counted = blankTemplates(text, counter)
    expect(counted).toEqual(blankTemplates(text))
    return counter.chars / text.length
  }

  test('looks at each character a bounded number of times, however long the text', () => {
    const unit = lines(
      '{{- if .Values.a }}',
      'k: {{ .Values.v | quote }}',
      'data: |',
      '  {{ .x }}',
      '{{- end }}',
      // Stray openings that each look far ahead must not make it quadratic.
      '# {{/* {{ ` {{ " {{'
    )
    const small = workPerChar(unit.repeat(200))
    const large = workPerChar(unit.repeat(2_000))
    expect(large).toBeLessThan(small * 1.1)
    expect(large).toBeLessThan(10)
  })

  test('many lines before one far action: still linear', () => {
    const text = (rows: number): string => 'a: 1\n'.repeat(rows) + '{{ .x }}\n'
    const small = workPerChar(text(2_000))
    const large = workPerChar(text(20_000))
    expect(large).toBeLessThan(small * 1.1)
    expect(large).toBeLessThan(10)
  })
})

describe('blankTemplates on any text', () => {
  const piece = fc.constantFrom(
    '{{',
    '}}',
    '{{- ',
    ' -}}',
    '/*',
    '*/',
    '"',
    "'",
    '`',
    '\\',
    ':',
    ': |',
    '- ',
    '#',
    ' ',
    '  ',
    '\n',
    '\r\n',
    'a',
    '.x',
    '$v',
    '|',
    '=',
    '1.2.0'
  )
  const textArb = fc
    .array(piece, { maxLength: 60 })
    .map(parts => parts.join(''))

  test('keeps every offset and line break, and changes only the actions', () => {
    fc.assert(
      fc.property(textArb, text => {
        const blanked = blankTemplates(text)
        if (!blanked) return
        expect(blanked.text).toHaveLength(text.length)
        let previous = 0
        for (const action of blanked.actions) {
          expect(action.start).toBeGreaterThanOrEqual(previous)
          expect(text.startsWith('{{', action.start)).toBe(true)
          expect(text.slice(action.end - 2, action.end)).toBe('}}')
          previous = action.end
        }
        for (let at = 0; at < text.length; at++) {
          const inAction = overlapping(blanked.actions, at, at + 1)
          if (!inAction || text[at] === '\n' || text[at] === '\r')
            expect(blanked.text[at]).toBe(text[at])
          else expect(blanked.text[at]).toMatch(/^[ x]$/)
        }
      }),
      { numRuns: 2000 }
    )
  })
})

describe('overlapping', () => {
  const actions = [
    { start: 2, end: 5 },
    { start: 8, end: 10 },
    { start: 12, end: 20 }
  ]

  test.each([
    [0, 2, undefined],
    [0, 3, [0, 0]],
    [4, 9, [0, 1]],
    [5, 8, undefined],
    [9, 30, [1, 2]],
    [20, 25, undefined]
  ])('[%i, %i) overlaps %j', (start, end, expected) => {
    expect(overlapping(actions, start, end)).toEqual(expected)
  })
})
