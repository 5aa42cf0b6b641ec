// Added and removed resources can be opened: under each name in the
// preview, its manifest in a collapsed block (Secret values redacted, each
// manifest and the place within their bounds), and a fit that leaves the
// manifests out before any name, count or diff. Without Helm.
import { describe, expect, test } from 'vitest'
import {
  cutAtLine,
  diffResources,
  MAX_MANIFEST_CHARS
} from '../../src/render/diff.js'
import { fitParts, utf16Units, wholeText } from '../../src/fit.js'
import { splitManifests } from '../../src/render/manifests.js'
import { compareRenders, type PlaceOutcome } from '../../src/render/outcome.js'
import { keepBounded } from '../../src/render/preview.js'
import { renderReport } from '../../src/render/report.js'
import type { RenderPlace } from '../../src/render/place.js'

const cm = (name: string, value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  value: ${value}\n`
const SECRET = 'c2VjcmV0LXZhbHVlLVNFQ1JFVA=='
const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: apps\ndata:\n  password: ${SECRET}\n`
const resources = (...documents: string[]) =>
  splitManifests(
    documents.map(d => `---\n# Source: c/templates/x.yaml\n${d}`).join(''),
    'apps'
  ).resources

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

function rendered(before: string[], after: string[]): PlaceOutcome {
  return compareRenders(
    PLACE,
    { old: '1.0.0', new: '1.1.0' },
    { resources: resources(...before), duplicates: [] },
    { resources: resources(...after), duplicates: [] }
  )
}

const whole = (outcome: PlaceOutcome): string =>
  wholeText(renderReport([outcome], { helmVersion: '4.2.3' }).parts)

describe('the manifest of an added or removed resource', () => {
  const body = whole(
    rendered([cm('a', '1'), secret], [cm('a', '1'), cm('b', '2')])
  )

  test('is under its name, collapsed, in a yaml block inside the list item', () => {
    expect(body).toContain(
      [
        '**Added:**',
        '',
        '- ConfigMap apps/b',
        '',
        '  <details><summary>Manifest</summary>',
        '',
        '  ```yaml',
        '  apiVersion: v1',
        '  kind: ConfigMap',
        '  metadata:',
        '    name: b'
      ].join('\n')
    )
    expect(body).toContain('    value: 2\n  ```\n\n  </details>\n')
  })

  test('one blank line between a name and its manifest, and between items', () => {
    const two = whole(rendered([], [cm('b', '2'), cm('c', '3')]))
    expect(two).toContain('- ConfigMap apps/b\n\n  <details>')
    expect(two).toContain('  </details>\n\n- ConfigMap apps/c\n\n  <details>')
    expect(two).not.toMatch(/\n\n\n/)
  })

  test("a removed Secret's values are redacted, its keys shown", () => {
    const removed = body.slice(body.indexOf('**Removed:**'))
    expect(removed).toContain('- Secret apps/creds\n')
    expect(removed).toContain('    password: <redacted, removed>\n')
    expect(body).not.toContain(SECRET)
    expect(body).not.toContain('secret-value')
  })

  test('a manifest line cannot close the fence, the details or the list', () => {
    const hostile = whole(
      rendered([], [cm('h', '"```` </details> <b>x</b>\\n- item"')])
    )
    expect(hostile).toContain('  `````yaml\n')
    expect(hostile).toContain('</details> <b>x</b>')
    expect(hostile.match(/^ {2}`````$/gm)).toHaveLength(1)
  })
})

describe('what is kept of the manifests is bounded', () => {
  const lines = (count: number) =>
    `|\n${Array.from({ length: count }, (_, j) => `    line ${j} ${'z'.repeat(40)}`).join('\n')}`

  test('a manifest past MAX_MANIFEST_CHARS is cut at a line, and says how many lines it left out', () => {
    const outcome = rendered([], [cm('big', lines(2_000))])
    if (outcome.status !== 'rendered') throw new Error(outcome.status)
    const [added] = outcome.diff.added
    expect(added.manifest.length).toBeLessThanOrEqual(MAX_MANIFEST_CHARS)
    expect(added.manifest.endsWith('\n')).toBe(true)
    expect(added.omittedLines).toBeGreaterThan(1_500)
    expect(whole(outcome)).toContain(
      `_${added.omittedLines} more lines of this manifest not kept: the preview keeps a bounded part of each manifest._`
    )
  })

  test('past the place bound, a manifest is not kept and the note counts it', () => {
    const many = Array.from({ length: 5 }, (_, i) => cm(`m${i}`, lines(300)))
    const diff = diffResources([], resources(...many), 30_000)
    const kept = diff.added.filter(r => r.manifest)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(5)
    const chars = diff.added.reduce((n, r) => n + r.manifest.length, 0)
    expect(chars).toBeLessThanOrEqual(30_000)
    const outcome = keepBounded(rendered([], many), { diffChars: 1 })
    expect(whole(outcome)).toContain(
      '5 resource manifests not kept: the preview keeps a bounded part of the manifests'
    )
  })

  test.each<[string, number, string]>([
    ['a:1\nb:2\n', 100, 'a:1\nb:2\n'],
    ['a:1\nb:2\n', 5, 'a:1\n'],
    ['a:1\nb:2\n', 4, 'a:1\n'],
    ['a:1\nb:2\n', 3, '']
  ])('cutAtLine(%j, %i) is %j', (text, max, expected) => {
    expect(cutAtLine(text, max)).toBe(expected)
  })
})

describe('in a budget too small for everything', () => {
  test('the manifests are left out first: every name, count and diff kept', () => {
    const added = Array.from({ length: 20 }, (_, i) =>
      cm(`n${i}`, 'x'.repeat(300))
    )
    const { parts } = renderReport(
      [rendered([cm('a', '1')], [cm('a', '2'), ...added])],
      { helmVersion: '4.2.3' }
    )
    const body = fitParts(parts, {
      budget: 4_000,
      measure: utf16Units,
      reason: 'to fit'
    })
    expect(body.length).toBeLessThanOrEqual(4_000)
    expect(body).toContain('20 added, 0 removed, 1 changed.')
    for (let i = 0; i < 20; i++)
      expect(body).toContain(`- ConfigMap apps/n${i}\n`)
    expect(body).toContain('+  value: 2')
    expect(body).toMatch(/_\d+ resource manifests left out to fit\._/)
    expect(wholeText(parts).match(/<summary>Manifest</g)).toHaveLength(20)
  })
})
