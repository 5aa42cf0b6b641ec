// The changelog's pure core: which versions, what each config says, and the
// markdown that goes into the pull request.
import { describe, expect, test } from 'vitest'
import { MAX_CHANGES } from '../../src/chart/changes.js'
import {
  changelogEntry,
  changelogMarkdown,
  versionsBetween,
  type Changelog
} from '../../src/render/changelog.js'
import { readChangelog } from '../../src/render/changelog-source.js'
import { escapeMarkdown } from '../../src/markdown.js'
import type { ChangelogEntry } from '../../src/render/changelog.js'

const TAGS = [
  '0.9.0',
  '1.0.0',
  '1.0.1',
  '1.1.0-rc.1',
  '1.1.0-rc.2',
  '1.1.0',
  '1.2.0_build.7',
  '2.0.0',
  'latest',
  'v1.0.5',
  'sha256-abc.sig',
  '1.0'
]

function versions(tags: string[], from: string, to: string): string[] {
  return versionsBetween(tags, from, to).versions.map(v => v.version)
}

describe('versionsBetween', () => {
  test.each([
    {
      name: 'old exclusive, new inclusive, newest first, stable only',
      from: '1.0.0',
      to: '1.1.0',
      want: ['1.1.0', '1.0.1']
    },
    {
      name: 'build metadata: the tag writes + as _',
      from: '1.1.0',
      to: '2.0.0',
      want: ['2.0.0', '1.2.0+build.7']
    },
    {
      name: 'a prerelease target brings the prereleases in',
      from: '1.0.0',
      to: '1.1.0-rc.2',
      want: ['1.1.0-rc.2', '1.1.0-rc.1', '1.0.1']
    },
    {
      name: 'the new version is in even when not listed yet',
      from: '2.0.0',
      to: '2.1.0',
      want: ['2.1.0']
    },
    {
      name: 'a downgrade has no versions',
      from: '2.0.0',
      to: '1.0.0',
      want: []
    },
    { name: 'the same version has none', from: '1.0.0', to: '1.0.0', want: [] },
    { name: 'a non-SemVer pin has none', from: 'main', to: '1.0.0', want: [] }
  ])('$name', ({ from, to, want }) => {
    expect(versions(TAGS, from, to)).toEqual(want)
  })

  test('ignores tags that are not canonical SemVer (v1.0.5, 1.0, latest)', () => {
    expect(versions(TAGS, '0.9.0', '1.0.1')).toEqual(['1.0.1', '1.0.0'])
  })

  test('keeps the tag to read each version under', () => {
    const range = versionsBetween(TAGS, '1.1.0', '1.2.0+build.7')
    expect(range.versions).toEqual([
      { version: '1.2.0+build.7', tag: '1.2.0_build.7' }
    ])
  })

  test('past the limit, the oldest are cut and counted', () => {
    const tags = Array.from({ length: 60 }, (_, i) => `1.0.${i}`)
    const range = versionsBetween(tags, '1.0.0', '1.0.59', 50)
    expect(range.versions).toHaveLength(50)
    expect(range.versions[0].version).toBe('1.0.59')
    expect(range.versions[49].version).toBe('1.0.10')
    expect(range.omitted).toBe(9)
  })
})

function config(chart: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v2', name: 'app', ...chart })
}

function withChanges(annotation: string): string {
  return config({ annotations: { 'artifacthub.io/changes': annotation } })
}

describe('changelogEntry', () => {
  test('the list-of-strings form', () => {
    const entry = changelogEntry(
      '1.1.0',
      withChanges('- Added a Service\n- "Fixed: the probe path"\n')
    )
    expect(entry.changes).toEqual([
      { description: 'Added a Service' },
      { description: 'Fixed: the probe path' }
    ])
    expect(entry.notes).toBeUndefined()
  })

  test('the list-of-objects form, links left out', () => {
    const annotation = [
      '- kind: added',
      '  description: A Service',
      '  links:',
      '    - name: PR',
      '      url: https://example.com/pr/1',
      '- kind: security',
      '  description: |',
      '    Bumped the image',
      '    for CVE-2024-1'
    ].join('\n')
    expect(changelogEntry('1.1.0', withChanges(annotation)).changes).toEqual([
      { kind: 'added', description: 'A Service' },
      { kind: 'security', description: 'Bumped the image\nfor CVE-2024-1' }
    ])
  })

  test('appVersion and deprecated', () => {
    const entry = changelogEntry(
      '1.1.0',
      config({ appVersion: '2.3.4', deprecated: true })
    )
    expect(entry).toEqual({
      version: '1.1.0',
      appVersion: '2.3.4',
      deprecated: true,
      changes: []
    })
    expect(
      changelogEntry('1.0.0', config({ deprecated: 'yes' })).deprecated
    ).toBe(false)
  })

  test.each([
    { name: 'not YAML', annotation: '- a\n b: [', note: /not valid YAML/ },
    { name: 'not a list', annotation: 'kind: added', note: /not a YAML list/ },
    {
      name: 'a plain string',
      annotation: 'just text',
      note: /not a YAML list/
    },
    {
      name: 'items without description',
      annotation: '- kind: added\n- 42\n- ok',
      note: /2 item\(s\).*no description/
    },
    {
      name: 'an alias bomb',
      annotation:
        'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n' +
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]',
      note: /not valid YAML|not a YAML list/
    }
  ])(
    'a malformed annotation is a note, not a throw: $name',
    ({ annotation, note }) => {
      const entry = changelogEntry('1.1.0', withChanges(annotation))
      expect(entry.notes?.join(' ')).toMatch(note)
    }
  )

  test('an annotation that is not a string, and a config that is not JSON', () => {
    const entry = changelogEntry(
      '1.1.0',
      config({ annotations: { 'artifacthub.io/changes': ['x'] } })
    )
    expect(entry.notes).toEqual(['`artifacthub.io/changes` is not a string'])
    expect(changelogEntry('1.1.0', Buffer.from('{nope')).notes?.[0]).toMatch(
      /not a JSON object/
    )
  })

  test('too many changes are cut with a note', () => {
    const annotation = Array.from(
      { length: MAX_CHANGES + 5 },
      (_, i) => `- change ${i}`
    ).join('\n')
    const entry = changelogEntry('1.1.0', withChanges(annotation))
    expect(entry.changes).toHaveLength(MAX_CHANGES)
    expect(entry.notes).toEqual(['5 more change(s) not shown'])
  })
})

describe('escapeMarkdown', () => {
  test.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a & b', 'a &amp; b'],
    ['line one\nline two\r\n\u2028three', 'line one line two three'],
    [
      '**bold** _it_ `code` [l](u) ![i](u)',
      '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[l\\](u) \\!\\[i\\](u)'
    ],
    ['ping @admin about #12', 'ping @&#8203;admin about #&#8203;12'],
    ['# heading', '\\# heading'],
    ['- nested', '\\- nested'],
    ['1. ordered', '1\\. ordered'],
    ['> quote', '&gt; quote'],
    ['$x$ | ~y~', '\\$x\\$ \\| \\~y\\~'],
    ['back\\slash', 'back\\\\slash'],
    ['\u202Eevil', 'evil']
  ])('%j', (text, want) => {
    expect(escapeMarkdown(text)).toBe(want)
  })
})

function entry(
  partial: Partial<ChangelogEntry> & { version: string }
): ChangelogEntry {
  return { deprecated: false, changes: [], ...partial }
}

describe('changelogMarkdown', () => {
  const changelog: Changelog = {
    from: '1.0.0',
    to: '1.2.0',
    omitted: 0,
    notes: [],
    entries: [
      entry({
        version: '1.2.0',
        appVersion: '3.0.0',
        deprecated: true,
        changes: [
          { kind: 'changed', description: 'New <b>default</b>\nport' },
          { description: 'plain' }
        ]
      }),
      entry({
        version: '1.1.0',
        notes: ['`artifacthub.io/changes` is not a YAML list']
      }),
      entry({ version: '1.0.1' })
    ]
  }

  test('one heading per version, newest first, with appVersion, deprecation and kinds', () => {
    expect(changelogMarkdown(changelog)).toBe(
      [
        '### Chart changelog 1.0.0 → 1.2.0',
        '',
        '#### 1.2.0 (deprecated)',
        '',
        'appVersion 3.0.0 · **deprecated**: this version is marked `deprecated: true`',
        '',
        '- **changed**: New &lt;b&gt;default&lt;/b&gt; port',
        '- plain',
        '',
        '#### 1.1.0',
        '',
        '- _note_: \\`artifacthub.io/changes\\` is not a YAML list',
        '',
        '#### 1.0.1',
        '',
        'No `artifacthub.io/changes` annotation.',
        ''
      ].join('\n')
    )
  })

  test('every item stays on one line, no raw HTML gets through', () => {
    const markdown = changelogMarkdown({
      ...changelog,
      entries: [
        entry({
          version: '1.2.0',
          appVersion: '</details><script>x</script>',
          changes: [{ kind: '<b>', description: 'a\n\n# injected\n- item' }]
        })
      ]
    })
    expect(markdown).not.toMatch(/<(?!\/?details)/)
    expect(markdown).not.toContain('<script')
    expect(markdown).toContain('- **&lt;b&gt;**: a # injected - item\n')
  })

  test('the cut and the notes', () => {
    const markdown = changelogMarkdown({
      from: '1.0.0',
      to: '9.0.0',
      entries: [entry({ version: '9.0.0' })],
      omitted: 7,
      notes: ["the registry's tags could not be listed: 503"]
    })
    expect(markdown).toContain(
      "_note_: the registry's tags could not be listed: 503"
    )
    expect(markdown).toContain(
      '… and 7 older versions in the range, not shown.'
    )
  })

  test('nothing in the range', () => {
    expect(
      changelogMarkdown({
        from: '1.0.0',
        to: '1.0.1',
        entries: [],
        omitted: 0,
        notes: []
      })
    ).toContain('No chart version found')
  })
})

describe('readChangelog with a fake registry', () => {
  const configs: Record<string, string> = {
    '1.0.1': config({ appVersion: '1.0.1' }),
    '1.1.0': withChanges('- kind: added\n  description: x')
  }
  const registry = {
    listTags: (): Promise<string[]> =>
      Promise.resolve(['1.0.0', '1.0.1', '1.1.0', '1.2.0']),
    getConfig: (_repository: string, tag: string) => {
      if (tag === '1.2.0') return Promise.reject(new Error('boom'))
      const body = configs[tag]
      return Promise.resolve(
        body === undefined
          ? undefined
          : {
              mediaType: 'application/vnd.cncf.helm.config.v1+json',
              digest: 'sha256:x',
              body: Buffer.from(body)
            }
      )
    }
  }

  test('each version read; one that fails is a note', async () => {
    const changelog = await readChangelog(
      registry,
      'charts/app',
      '1.0.0',
      '1.2.0'
    )
    expect(changelog.entries.map(e => [e.version, e.notes?.[0]])).toEqual([
      ['1.2.0', 'its config could not be read: boom'],
      ['1.1.0', undefined],
      ['1.0.1', undefined]
    ])
    expect(changelog.entries[1].changes).toEqual([
      { kind: 'added', description: 'x' }
    ])
  })

  test('tags that cannot be listed are a note', async () => {
    const changelog = await readChangelog(
      { ...registry, listTags: () => Promise.reject(new Error('denied')) },
      'charts/app',
      '1.0.0',
      '1.2.0'
    )
    expect(changelog.notes).toEqual([
      "the registry's tags could not be listed: denied"
    ])
    expect(changelog.entries).toEqual([])
  })
})
