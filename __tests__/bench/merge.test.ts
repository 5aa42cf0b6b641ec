// `npm run bench -- --only …` puts the rows and sections it measured into
// BENCHMARKS.md and leaves every other figure as it was.
import { expect, test } from 'vitest'
import { mergeReport, type PartialRun } from '../../bench/merge.js'

const BEFORE = [
  '# Benchmarks',
  '',
  'Measured 2026-11-30 in one run of `npm run bench`.',
  '',
  'Each figure is the median.',
  '',
  '| what | workload | this action |',
  '| --- | --- | --- |',
  '| Publish | a | 1 ms |',
  '| Preview: 1 | b | 2 ms |',
  '| Preview: 20 | c | 3 ms |',
  '| Cold install vs `curl \\| tar` | d | 4 ms |',
  '| Signing | e | 5 ms |',
  '',
  '## Publish overhead',
  '',
  'old publish text',
  '',
  '## Rendered preview',
  '',
  'old preview text',
  '',
  '## Values that no longer apply',
  '',
  'kept',
  ''
].join('\n')

const row = (what: string, value: string) => ({
  what,
  line: `| ${what} | new | ${value} |`
})

function run(overrides: Partial<PartialRun> = {}): PartialRun {
  return {
    groups: [],
    sections: [],
    note: 'Re-measured 2026-12-07 by `npm run bench -- --only render`: load 1.2.',
    noteKey: '--only render`',
    before: '## Values that no longer apply',
    ...overrides
  }
}

/** The table's rows, first cells only. */
function whats(text: string): string[] {
  return text
    .split('\n')
    .filter(line => line.startsWith('| ') && !line.startsWith('| what'))
    .filter(line => !line.startsWith('| ---'))
    .map(line => line.split(' | ')[0].slice(2))
}

test.each([
  {
    name: 'a row of the same name is replaced in place',
    groups: [{ rows: [row('Preview: 20', '9 ms')] }],
    order: [
      'Publish',
      'Preview: 1',
      'Preview: 20',
      'Cold install vs `curl \\| tar`',
      'Signing'
    ]
  },
  {
    name: 'a new row goes after its measurement’s previous row',
    groups: [
      {
        rows: [
          row('Preview: 1', '8 ms'),
          row('Preview: 20', '9 ms'),
          row('Preview: 100', '10 ms')
        ]
      }
    ],
    order: [
      'Publish',
      'Preview: 1',
      'Preview: 20',
      'Preview: 100',
      'Cold install vs `curl \\| tar`',
      'Signing'
    ]
  },
  {
    name: 'a new measurement’s rows go at the end of the table, in order',
    groups: [
      { rows: [row('Mirror: OCI', '1 ms'), row('Mirror: classic', '2 ms')] }
    ],
    order: [
      'Publish',
      'Preview: 1',
      'Preview: 20',
      'Cold install vs `curl \\| tar`',
      'Signing',
      'Mirror: OCI',
      'Mirror: classic'
    ]
  },
  {
    name: 'a row whose name holds an escaped bar is matched as written',
    groups: [{ rows: [row('Cold install vs `curl \\| tar`', '7 ms')] }],
    order: [
      'Publish',
      'Preview: 1',
      'Preview: 20',
      'Cold install vs `curl \\| tar`',
      'Signing'
    ]
  }
])('$name', ({ groups, order }) => {
  const merged = mergeReport(BEFORE, run({ groups }))
  expect(whats(merged)).toEqual(order)
  for (const { rows } of groups)
    for (const r of rows) expect(merged).toContain(r.line)
  // Rows not measured again keep their figures.
  expect(merged).toContain('| Publish | a | 1 ms |')
  expect(merged).toContain('| Signing | e | 5 ms |')
})

test('a section of the same title is replaced; a new one goes before the kept section', () => {
  const merged = mergeReport(
    BEFORE,
    run({
      sections: [
        {
          title: 'Rendered preview',
          text: '## Rendered preview\n\nnew preview $& text\n'
        },
        { title: 'Mirror', text: '## Mirror\n\nmirror text\n' }
      ]
    })
  )
  expect(merged).not.toContain('old preview text')
  expect(merged).toContain('old publish text')
  const headings = [...merged.matchAll(/^## (.*)$/gm)].map(m => m[1])
  expect(headings).toEqual([
    'Publish overhead',
    'Rendered preview',
    'Mirror',
    'Values that no longer apply'
  ])
  expect(merged).toContain(
    '## Rendered preview\n\nnew preview $& text\n\n## Mirror\n\nmirror text\n\n## Values'
  )
})

test('the note goes under the first paragraph, and a later run with the same --only replaces it', () => {
  const once = mergeReport(BEFORE, run())
  expect(once).toContain(
    'Measured 2026-11-30 in one run of `npm run bench`.\n\n' +
      'Re-measured 2026-12-07 by `npm run bench -- --only render`: load 1.2.\n\nEach figure'
  )
  const other = mergeReport(
    once,
    run({
      note: 'Re-measured 2026-12-08 by `npm run bench -- --only mirror`.',
      noteKey: '--only mirror`'
    })
  )
  const again = mergeReport(
    other,
    run({
      note: 'Re-measured 2026-12-09 by `npm run bench -- --only render`: load 0.5.'
    })
  )
  expect(again.match(/^Re-measured .*$/gm)).toEqual([
    'Re-measured 2026-12-09 by `npm run bench -- --only render`: load 0.5.',
    'Re-measured 2026-12-08 by `npm run bench -- --only mirror`.'
  ])
})

test('a file without a table of figures is refused', () => {
  expect(() => mergeReport('# Benchmarks\n', run())).toThrow(
    'no table of figures'
  )
})
