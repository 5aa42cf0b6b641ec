// Diff, Secret redaction and the pull request's markdown, without Helm.
import { describe, expect, test } from 'vitest'
import {
  diffResources,
  MAX_PLACE_DIFF_CHARS,
  MAX_RESOURCE_DIFF_CHARS
} from '../../src/render/diff.js'
import { fitParts, utf16Units, wholeText } from '../../src/fit.js'
import { splitManifests } from '../../src/render/manifests.js'
import { fenced } from '../../src/markdown.js'
import { compareRenders, type PlaceOutcome } from '../../src/render/outcome.js'
import {
  keepBounded,
  MAX_PREVIEW_DIFF_CHARS
} from '../../src/render/preview.js'
import { renderReport } from '../../src/render/report.js'
import type { RenderPlace } from '../../src/render/place.js'

const cm = (name: string, value: string, ns = 'apps'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  value: ${value}\n`
const secret = (data: Record<string, string>): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n${Object.entries(
    data
  )
    .map(([k, v]) => `  ${k}: ${v}\n`)
    .join('')}stringData:\n  token: ${data.token ?? 'tok-old-SECRET'}\n`
const manifest = (...documents: string[]): string =>
  documents.map(d => `---\n# Source: c/templates/x.yaml\n${d}`).join('')
const resources = (...documents: string[]) =>
  splitManifests(manifest(...documents), 'apps').resources

const PLACE: RenderPlace = {
  file: 'apps/web.yaml',
  line: 12,
  title: 'Application web (spec.source)',
  chartRef: 'oci://r.example/charts/web',
  releaseName: 'web',
  namespace: 'apps',
  valueFiles: [],
  setValues: [],
  includeCrds: true,
  apiVersions: [],
  notes: []
}
const VERSIONS = { old: '1.0.0', new: '1.1.0' }

function rendered(
  before: string[],
  after: string[],
  place = PLACE
): PlaceOutcome {
  return compareRenders(
    place,
    VERSIONS,
    { resources: resources(...before), duplicates: [] },
    { resources: resources(...after), duplicates: [] }
  )
}

describe('diffResources', () => {
  test('added, removed and changed, each in kind, namespace, name order', () => {
    const diff = diffResources(
      resources(
        cm('b', '1'),
        cm('gone', '1'),
        cm('a', '1', 'zz'),
        cm('a', '1')
      ),
      resources(cm('new', '1'), cm('a', '2', 'zz'), cm('b', '2'), cm('a', '2'))
    )
    expect(diff.added.map(r => r.name)).toEqual(['new'])
    expect(diff.removed.map(r => r.name)).toEqual(['gone'])
    expect(diff.changed.map(r => `${r.namespace}/${r.name}`)).toEqual([
      'apps/a',
      'apps/b',
      'zz/a'
    ])
    expect(diff.changed[0].diff).toContain('-  value: 1\n+  value: 2\n')
  })
})

describe('Secret redaction', () => {
  const before = secret({
    user: 'dXNlci1PTEQ=',
    pass: 'cGFzcy1PTEQ=',
    gone: 'Z29uZS1PTEQ='
  })
  const after = secret({
    user: 'dXNlci1PTEQ=',
    pass: 'cGFzcy1ORVc=',
    added: 'YWRkZWQtTkVX',
    token: 'tok-new-SECRET'
  })
  const diff = diffResources(resources(before), resources(after))

  test('shows which keys were added, removed or changed', () => {
    const text = diff.changed[0].diff
    expect(text).toContain('-  pass: <redacted, changed, old value>')
    expect(text).toContain('+  pass: <redacted, changed, new value>')
    expect(text).toContain('-  gone: <redacted, removed>')
    expect(text).toContain('+  added: <redacted, added>')
    expect(text).toContain('+  token: <redacted, changed, new value>')
    expect(text).not.toMatch(/^[-+] {2}user:/m)
  })

  test('no secret value appears anywhere in the report', () => {
    const outcome = rendered([before], [after])
    const full = wholeText(
      renderReport([outcome], { helmVersion: '3.17.3' }).parts
    )
    for (const value of [
      'dXNlci1PTEQ=',
      'cGFzcy1PTEQ=',
      'cGFzcy1ORVc=',
      'Z29uZS1PTEQ=',
      'YWRkZWQtTkVX',
      'SECRET'
    ]) {
      expect(full).not.toContain(value)
    }
  })

  test('a Secret that is not YAML shows nothing of itself', () => {
    const broken = (v: string) =>
      `kind: Secret\nmetadata:\n  name: creds\ndata: {a: ${v}\n`
    const outcome = diffResources(
      [
        {
          kind: 'Secret',
          namespace: 'apps',
          name: 'creds',
          text: broken('OLDVALUE')
        }
      ],
      [
        {
          kind: 'Secret',
          namespace: 'apps',
          name: 'creds',
          text: broken('NEWVALUE')
        }
      ]
    )
    expect(JSON.stringify(outcome)).not.toMatch(/OLDVALUE|NEWVALUE/)
    expect(outcome.changed).toHaveLength(1)
  })
})

/** The report with every item: what the job summary shows when it has room. */
function report(outcomes: PlaceOutcome[]): string {
  return wholeText(renderReport(outcomes, { helmVersion: '4.2.3' }).parts)
}

describe('renderReport', () => {
  test('lists, collapsed diffs and the Helm version', () => {
    const body = report([
      rendered([cm('a', '1')], [cm('a', '2'), cm('b', '1')])
    ])
    expect(body).toContain('Rendered with Helm 4.2.3')
    expect(body).toContain('1 added, 0 removed, 1 changed.')
    expect(body).toContain('- ConfigMap apps/b\n')
    expect(body).toContain(
      '<details><summary>ConfigMap apps/a</summary>\n\n```diff\n@@'
    )
  })

  test('no rendered change', () => {
    expect(report([rendered([cm('a', '1')], [cm('a', '1')])])).toContain(
      'No rendered change.'
    )
  })

  test('a failure is marked at the top of its section, with the values file', () => {
    const failed = compareRenders(
      PLACE,
      VERSIONS,
      { resources: [], duplicates: [] },
      {
        error:
          'execution error at (c/templates/x.yaml:3:4): db.password is required',
        valuesFile: 'valueFiles: values-prod.yaml'
      }
    )
    const { parts, failures } = renderReport([failed], {
      helmVersion: '4.2.3'
    })
    expect(failures).toEqual([failed])
    const body = wholeText(parts)
    const section = body.slice(body.indexOf('> [!CAUTION]'))
    expect(section.indexOf('CAUTION')).toBeLessThan(
      section.indexOf('### Application web')
    )
    expect(section).toContain('at the new version 1.1.0')
    expect(section).toContain('db.password is required')
    expect(section).toContain('values-prod.yaml')
  })

  test('the places not rendered are one list, each saying why', () => {
    const skipped = (line: number, reason: string): PlaceOutcome => ({
      status: 'skipped',
      place: { ...PLACE, line, skipped: reason },
      reason
    })
    const body = report([
      skipped(12, 'generated per element'),
      skipped(30, 'more than 100 places in one pull request')
    ])
    expect(body).toContain(
      '### Not rendered\n\n' +
        '- Application web (spec.source), apps/web.yaml line 12: generated per element\n' +
        '- Application web (spec.source), apps/web.yaml line 30: more than 100 places in one pull request\n'
    )
  })

  test('no HTML, markdown, mention or issue reference from outside gets through', () => {
    const place = {
      ...PLACE,
      title: '<img src=x onerror=alert(1)> *x* @org/team #123',
      notes: ['<script>']
    }
    const body = report([
      rendered(
        [cm('"@org/team #123"', '1')],
        [cm('"@org/team #123"', '2')],
        place
      )
    ])
    // Code blocks are text to GitHub: nothing in them is linked or read as HTML.
    const outsideCode = body.replace(/```diff\n[\s\S]*?```\n/g, '')
    expect(outsideCode).not.toMatch(/<img|<script|@org|#123/)
    expect(body).toContain(
      '### &lt;img src=x onerror=alert(1)&gt; \\*x\\* @&#8203;org/team #&#8203;123'
    )
    expect(body).toContain(
      '<summary>ConfigMap apps/@&#8203;org/team #&#8203;123</summary>'
    )
  })

  test('a diff line cannot close the fence', () => {
    const body = report([
      rendered([cm('a', '1')], [cm('a', '"````` </details> <b>x</b>"')])
    ])
    expect(body).toContain('``````diff\n')
    const block = fenced('diff', '+ ```\n')
    expect(block).toBe('````diff\n+ ```\n````\n')
  })

  test('fitted into a small budget, diffs are cut with a line that says so; the whole keeps them', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      cm(`r${i}`, 'x'.repeat(500))
    )
    const changed = many.map(d => d.replace('x'.repeat(500), 'y'.repeat(500)))
    const { parts } = renderReport([rendered(many, changed)], {
      helmVersion: '4.2.3'
    })
    const body = fitParts(parts, {
      budget: 8_000,
      measure: utf16Units,
      reason: 'to fit'
    })
    expect(body.length).toBeLessThanOrEqual(8_000)
    expect(body).toContain('0 added, 0 removed, 40 changed.')
    expect(body).toMatch(/\n_\d+ resource diffs left out to fit\._\n/)
    expect(wholeText(parts).match(/<details>/g)).toHaveLength(40)
  })
})

describe('what is kept of the diffs is bounded, whatever the chart renders', () => {
  /** `count` ConfigMaps whose `lines` lines all change between versions. */
  const big = (count: number, lines: number, version: string) =>
    Array.from({ length: count }, (_, i) =>
      cm(
        `big-${i}`,
        `|\n${Array.from({ length: lines }, (_, j) => `    ${j} ${version} ${'z'.repeat(40)}`).join('\n')}`
      )
    )
  const keptChars = (outcome: PlaceOutcome): number =>
    outcome.status === 'rendered'
      ? outcome.diff.changed.reduce((sum, c) => sum + c.diff.length, 0)
      : 0

  test.each([
    ['one 200 KB resource', 1, 4_000, MAX_RESOURCE_DIFF_CHARS],
    ['six 200 KB resources', 6, 4_000, 6 * MAX_RESOURCE_DIFF_CHARS],
    [
      "twelve 60 KB resources, past the place's bound",
      12,
      1_200,
      MAX_PLACE_DIFF_CHARS
    ]
  ])(
    '%s: each diff and the place within their bounds, the rest counted',
    (_, count, lines, bound) => {
      const outcome = rendered(
        big(count, lines, '1.0.0'),
        big(count, lines, '1.1.0')
      )
      if (outcome.status !== 'rendered') throw new Error(outcome.status)
      expect(outcome.diff.changed).toHaveLength(count)
      for (const resource of outcome.diff.changed) {
        expect(resource.diff.length).toBeLessThanOrEqual(
          MAX_RESOURCE_DIFF_CHARS
        )
        expect(resource.omittedLines).toBeGreaterThan(0)
      }
      expect(keptChars(outcome)).toBeLessThanOrEqual(bound)
      const body = report([outcome])
      expect(body).toMatch(/more lines of this diff not kept/)
    }
  )

  test('over all places, the preview keeps at most MAX_PREVIEW_DIFF_CHARS; the diffs not kept are said', () => {
    const kept = { diffChars: MAX_PREVIEW_DIFF_CHARS }
    const outcomes = Array.from({ length: 4 }, () =>
      keepBounded(
        rendered(big(12, 1_200, '1.0.0'), big(12, 1_200, '1.1.0')),
        kept
      )
    )
    const total = outcomes.reduce((sum, o) => sum + keptChars(o), 0)
    expect(total).toBeLessThanOrEqual(MAX_PREVIEW_DIFF_CHARS)
    expect(total).toBeGreaterThan(MAX_PREVIEW_DIFF_CHARS / 2)
    expect(report(outcomes.slice(3))).toMatch(
      /- 12 resource diffs not kept: the preview keeps a bounded part of the diffs/
    )
  })
})

describe('a place that does not render', () => {
  const versions = { old: '1.0.0', new: '1.1.0' }
  const failure = (error: string) => ({ error })
  const ok = { resources: [], duplicates: [] }

  test.each<[string, PlaceOutcome, string, number]>([
    [
      'the new version',
      compareRenders(PLACE, versions, ok, failure('boom')),
      'at the new version 1.1.0.',
      1
    ],
    [
      'the old version',
      compareRenders(PLACE, versions, failure('boom'), ok),
      'at the old version 1.0.0.',
      0
    ],
    [
      'both versions',
      compareRenders(PLACE, versions, failure('boom'), failure('boom')),
      'at either version: neither the old 1.0.0 nor the new 1.1.0.',
      1
    ]
  ])(
    '%s: said, and warned about when the new one fails',
    (_, outcome, where, warned) => {
      const { parts, failures } = renderReport([outcome], {
        helmVersion: '4.2.3'
      })
      expect(wholeText(parts)).toContain(`**Does not render** ${where}`)
      expect(failures).toHaveLength(warned)
    }
  )

  test('a long error is clipped with a note; the rest of the body is kept', () => {
    const error = `first line\n${'x'.repeat(20_000)}`
    const outcome = keepBounded(
      compareRenders(PLACE, versions, ok, failure(error)),
      { diffChars: 0 }
    )
    const body = wholeText(
      renderReport([outcome], { helmVersion: '4.2.3' }).parts
    )
    expect(body).toContain('```text\nfirst line\nxxx')
    expect(body).toContain(
      "_Helm's error is longer: its first 8,000 characters are shown._"
    )
    expect(body.length).toBeLessThan(9_000)
  })

  test('an error that would break out of its block or mention someone shows as written', () => {
    const error = '```\n@octocat #1\n::error::x\n<script>'
    const outcome = compareRenders(PLACE, versions, ok, failure(error))
    const body = wholeText(
      renderReport([outcome], { helmVersion: '4.2.3' }).parts
    )
    expect(body).toContain(`\`\`\`\`text\n${error}\n\`\`\`\`\n`)
  })

  test('the pull request cut: the error is left out and counted, the head kept', () => {
    const outcome = compareRenders(
      PLACE,
      versions,
      ok,
      failure('e'.repeat(5_000))
    )
    const parts = renderReport([outcome], { helmVersion: '4.2.3' }).parts
    const body = fitParts(parts, {
      budget: 1_000,
      measure: utf16Units,
      reason: 'to fit'
    })
    expect(body).toContain('**Does not render** at the new version 1.1.0.')
    expect(body).toContain('1 Helm error left out to fit')
  })
})
