// Diff, Secret redaction and the pull request's markdown, without Helm.
import { describe, expect, test } from 'vitest'
import { diffResources } from '../../src/render/diff.js'
import { splitManifests } from '../../src/render/manifests.js'
import { fenced } from '../../src/render/markdown.js'
import { compareRenders, type PlaceOutcome } from '../../src/render/outcome.js'
import { renderReport } from '../../src/render/report.js'
import type { RenderPlace } from '../../src/render/types.js'

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
    expect(text).toContain('+  pass: "<redacted: changed>"')
    expect(text).toContain('-  gone: <redacted>')
    expect(text).toContain('+  added: "<redacted: added>"')
    expect(text).toContain('+  token: "<redacted: changed>"')
    expect(text).not.toMatch(/^[-+] {2}user:/m)
  })

  test('no secret value appears anywhere in the report', () => {
    const outcome = rendered([before], [after])
    const { body, full } = renderReport([outcome], {
      helmVersion: '3.17.3',
      budget: 50_000
    })
    for (const value of [
      'dXNlci1PTEQ=',
      'cGFzcy1PTEQ=',
      'cGFzcy1ORVc=',
      'Z29uZS1PTEQ=',
      'YWRkZWQtTkVX',
      'SECRET'
    ]) {
      expect(body).not.toContain(value)
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

describe('renderReport', () => {
  const options = { helmVersion: '4.2.3', budget: 50_000 }

  test('lists, collapsed diffs and the Helm version', () => {
    const { body } = renderReport(
      [rendered([cm('a', '1')], [cm('a', '2'), cm('b', '1')])],
      options
    )
    expect(body).toContain('Rendered with Helm 4.2.3')
    expect(body).toContain('1 added, 0 removed, 1 changed.')
    expect(body).toContain('- ConfigMap apps/b\n')
    expect(body).toContain(
      '<details><summary>ConfigMap apps/a</summary>\n\n```diff\n@@'
    )
  })

  test('no rendered change', () => {
    const { body } = renderReport(
      [rendered([cm('a', '1')], [cm('a', '1')])],
      options
    )
    expect(body).toContain('No rendered change.')
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
    const report = renderReport([failed], options)
    expect(report.failures).toEqual([failed])
    const section = report.body.slice(report.body.indexOf('> [!CAUTION]'))
    expect(section.indexOf('CAUTION')).toBeLessThan(
      section.indexOf('### Application web')
    )
    expect(section).toContain('at the new version 1.1.0')
    expect(section).toContain('db.password is required')
    expect(section).toContain('values-prod.yaml')
  })

  test('a skipped place says why', () => {
    const place = { ...PLACE, skipped: 'generated per element' }
    const outcome: PlaceOutcome = {
      status: 'skipped',
      place,
      reason: 'generated per element'
    }
    expect(renderReport([outcome], options).body).toContain(
      'Not rendered: generated per element'
    )
  })

  test('no HTML or markdown from outside gets through', () => {
    const place = {
      ...PLACE,
      title: '<img src=x onerror=alert(1)> *x*',
      notes: ['<script>']
    }
    const { body } = renderReport(
      [rendered([cm('a', '1')], [cm('a', '2')], place)],
      options
    )
    expect(body).not.toMatch(/<img|<script/)
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt; \\*x\\*')
  })

  test('a diff line cannot close the fence', () => {
    const { body } = renderReport(
      [rendered([cm('a', '1')], [cm('a', '"````` </details> <b>x</b>"')])],
      options
    )
    expect(body).toContain('``````diff\n')
    const block = fenced('diff', '+ ```\n')
    expect(block).toBe('````diff\n+ ```\n````\n')
  })

  test('past the budget diffs are cut with a line that says so; the full text keeps them', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      cm(`r${i}`, 'x'.repeat(500))
    )
    const changed = many.map(d => d.replace('x'.repeat(500), 'y'.repeat(500)))
    const report = renderReport([rendered(many, changed)], {
      ...options,
      budget: 8_000
    })
    expect(report.body.length).toBeLessThan(8_000)
    expect(report.body).toMatch(
      /Cut to keep the pull request within its size limit: \d+ characters left out \(\d+ resource diff\(s\)/
    )
    expect(report.body).toContain('The whole diff is in the job summary')
    expect(report.full.match(/<details>/g)).toHaveLength(40)
    expect(report.full).not.toContain('Cut to keep')
  })
})
