import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import {
  applyEdits,
  bumpFile,
  editFor,
  lockfileNotice,
  planBump,
  type BumpResult
} from '../../src/gitops/edit.js'
import { createScanContext } from '../../src/gitops/scan/sources.js'
import type { ChartRef, Pin } from '../../src/gitops/scan/types.js'
import { collectSources, TOOLS } from '../../src/gitops/tools/index.js'

// The corpus: each tool's fixtures beside its tests (tools/<tool>/fixtures),
// those of YAML and the edit itself beside this file. A case is named by its
// folder, unique across them.
const FIXTURE_FOLDERS = [
  '__tests__/gitops/fixtures',
  ...TOOLS.map(tool => join('__tests__/gitops/tools', tool.name, 'fixtures'))
].filter(folder => existsSync(folder))
const FIXTURES = new Map(
  FIXTURE_FOLDERS.flatMap(folder =>
    readdirSync(folder).map(name => [name, join(folder, name)] as const)
  )
)

/** The folder of a case. */
function fixture(name: string): string {
  const dir = FIXTURES.get(name)
  if (!dir) throw new Error(`no fixture ${name}`)
  return dir
}

const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

interface CaseConfig {
  /** The path the file has in the GitOps repository (decides its role). */
  file?: string
  chart?: ChartRef
  version?: string
  /** The digest the registry serves for `version`; none: a dry run that pushed nothing. */
  digest?: string
  /** Other files of the repository, scanned first for HelmRepositories. */
  repositories?: { path: string; file: string }[]
}

// Fixtures are read as bytes and decoded without any newline or BOM handling.
function read(dir: string, name: string): string {
  return readFileSync(join(dir, name)).toString('utf8')
}

function runCase(
  name: string,
  text?: string
): { input: string; result: BumpResult } {
  const dir = fixture(name)
  const config: CaseConfig = existsSync(join(dir, 'case.json'))
    ? (JSON.parse(read(dir, 'case.json')) as CaseConfig)
    : {}
  const file = config.file ?? 'apps/webapp/application.yaml'
  const chart = config.chart ?? CHART
  const input = text ?? read(dir, 'input.yaml')
  const context = createScanContext()
  for (const other of config.repositories ?? []) {
    collectSources(other.file, read(dir, other.path), chart, context)
  }
  collectSources(file, input, chart, context)
  const target = {
    version: config.version ?? '1.3.0',
    digest: config.digest ?? ''
  }
  const result = bumpFile(file, input, chart, target, context)
  return { input, result }
}

const cases = [...FIXTURES.keys()].sort()

describe('fixture corpus', () => {
  test('covers every form and trap', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
    // No folder hides another's case of the same name.
    const folders = FIXTURE_FOLDERS.flatMap(folder => readdirSync(folder))
    expect(folders).toHaveLength(cases.length)
  })

  test.each(cases)('%s: output equals expected.yaml byte for byte', name => {
    const { result } = runCase(name)
    const expected = readFileSync(join(fixture(name), 'expected.yaml'))
    expect(result.text).toBe(expected.toString('utf8'))
    expect(Buffer.compare(Buffer.from(result.text, 'utf8'), expected)).toBe(0)
  })

  test.each(cases)('%s: report equals expected.json', name => {
    const { input, result } = runCase(name)
    const { text, ...report } = result
    expect(report).toEqual(JSON.parse(read(fixture(name), 'expected.json')))
    // A file without changes comes back as the very same string.
    expect(result.changed).toBe(text !== input)
  })

  test.each(cases)('%s: bumping the output again changes nothing', name => {
    const { result } = runCase(name)
    const again = runCase(name, result.text).result
    expect(again.changes).toEqual([])
    expect(again.text).toBe(result.text)
    // What was bumped is now reported as current.
    expect(again.current.length).toBe(
      result.current.length + result.changes.length
    )
  })
})

describe('fixture encodings survive the edit', () => {
  test('CRLF stays CRLF on every line, including the edited one', () => {
    const { input, result } = runCase('crlf-line-endings')
    expect(input).toContain('\r\n')
    expect(result.text.replace(/\r\n/g, '')).not.toContain('\n')
    expect(result.text).toContain('targetRevision: "1.3.0" # release pin\r\n')
  })

  test('the UTF-8 BOM and non-ASCII text stay', () => {
    const { result } = runCase('utf8-bom')
    expect(result.text.startsWith('\uFEFFapiVersion')).toBe(true)
    expect(result.text).toContain('"Déploiement — webapp ✓"')
    expect(result.changes).toMatchObject([{ line: 11, to: '1.3.0' }])
  })

  test('a file that does not parse is reported with its line and kept', () => {
    const { input, result } = runCase('does-not-parse')
    expect(result.text).toBe(input)
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 11,
        message: expect.stringMatching(/does not parse/)
      })
    ])
  })
})

function pin(current: string, extra: Partial<Pin> = {}): Pin {
  return {
    file: 'app.yaml',
    line: 1,
    column: 1,
    kind: 'argocd-application',
    path: 'spec.source.targetRevision',
    current,
    start: 0,
    end: current.length,
    quote: 'plain',
    ...extra
  }
}

describe('planBump', () => {
  test.each([
    ['1.2.0', '1.3.0', 'bump', '1.3.0', /^1\.2\.0 -> 1\.3\.0$/],
    ['v1.2.0', '1.3.0', 'bump', 'v1.3.0', /-> v1\.3\.0/],
    ['1.2.0', 'v1.3.0', 'bump', '1.3.0', /-> 1\.3\.0/],
    ['1.3.0-rc.1', '1.3.0', 'bump', '1.3.0', /-> 1\.3\.0/],
    ['1.3.0', '1.3.0', 'current', undefined, /already 1\.3\.0/],
    ['v1.3.0', '1.3.0', 'current', undefined, /already v1\.3\.0/],
    [
      '1.4.0',
      '1.3.0',
      'skip',
      undefined,
      /newer than 1\.3\.0; it is not downgraded/
    ],
    ['1.3.0', '1.3.0-rc.1', 'skip', undefined, /newer/],
    ['1.*', '1.3.0', 'skip', undefined, /range that admits 1\.3\.0/],
    ['1.x', '2.0.0', 'skip', undefined, /does not admit 2\.0\.0/],
    ['^1.2', '1.3.0', 'skip', undefined, /admits/],
    ['~1.2', '1.3.0', 'skip', undefined, /does not admit/],
    ['*', '9.9.9', 'skip', undefined, /admits/],
    ['>=1.0.0 <2.0.0', '1.3.0', 'skip', undefined, /admits/],
    ['>=1.0.0, <1.3.0', '1.3.0', 'skip', undefined, /does not admit/],
    ['{{ .version }}', '1.3.0', 'skip', undefined, /template expression/],
    ['${VERSION}', '1.3.0', 'skip', undefined, /template expression/],
    ['sha256:' + 'a'.repeat(64), '1.3.0', 'skip', undefined, /digest/],
    ['latest', '1.3.0', 'skip', undefined, /not a SemVer version or range/],
    ['', '1.3.0', 'skip', undefined, /empty/]
  ])('%j to %s: %s', (current, version, action, to, reason) => {
    const [plan] = planBump([pin(current)], version)
    expect(plan.action).toBe(action)
    expect(plan.to).toBe(to)
    expect(plan.reason).toMatch(reason)
  })

  test.each([
    ['sha256:' + 'a'.repeat(64), /^'sha256:a+' is a digest; /],
    [
      'v1.8.2@sha256:' + 'a'.repeat(64),
      /^'v1\.8\.2@sha256:a+' is a tag with a digest; /
    ]
  ])('%s is told apart: a digest or a tag with a digest', (current, reason) => {
    const [plan] = planBump([pin(current)], '1.3.0')
    expect(plan.action).toBe('skip')
    expect(plan.reason).toMatch(reason)
  })

  test('a blocked pin is skipped with the matcher reason, plus range admission', () => {
    const plans = planBump(
      [
        pin('1.2.0', { blocked: 'the value is the alias *v' }),
        pin('~1.2.0', { path: 'spec.ref.semver', blocked: 'Flux resolves it' })
      ],
      '1.2.5'
    )
    expect(plans.map(p => [p.action, p.reason])).toEqual([
      ['skip', 'the value is the alias *v'],
      ['skip', "Flux resolves it; '~1.2.0' admits 1.2.5"]
    ])
  })

  test.each(['', 'latest', '1.2', '^1.2.0'])('refuses new version %j', bad => {
    expect(() => planBump([], bad)).toThrow(UserError)
    expect(() => planBump([], bad)).toThrow(
      /not a SemVer 2 version.*Chart\.yaml/
    )
  })
})

describe('editFor', () => {
  test.each([
    ['plain', '1.3.0'],
    ['single', "'1.3.0'"],
    ['double', '"1.3.0"']
  ] as const)('keeps %s quoting', (quote, text) => {
    const [plan] = planBump(
      [pin('1.2.0', { quote, start: 5, end: 12 })],
      '1.3.0'
    )
    expect(editFor(plan)).toEqual({ start: 5, end: 12, text })
  })

  test('skipped and current pins have no edit', () => {
    expect(
      planBump([pin('1.3.0'), pin('2.0.0')], '1.3.0').map(editFor)
    ).toEqual([undefined, undefined])
  })
})

describe('applyEdits', () => {
  test('applies edits given in any order', () => {
    const text = 'a: 1.2.0\nb: "1.2.0"\n'
    const edits = [
      { start: 3, end: 8, text: '1.10.0' },
      { start: 12, end: 19, text: '"2.0.0"' }
    ]
    expect(applyEdits(text, edits)).toBe('a: 1.10.0\nb: "2.0.0"\n')
    expect(applyEdits(text, [...edits].reverse())).toBe(
      'a: 1.10.0\nb: "2.0.0"\n'
    )
  })

  test('no edits: same text', () => {
    expect(applyEdits('x', [])).toBe('x')
  })

  test.each([
    [
      [
        { start: 0, end: 4, text: '' },
        { start: 3, end: 5, text: '' }
      ]
    ],
    [[{ start: 4, end: 3, text: '' }]],
    [[{ start: 0, end: 99, text: '' }]]
  ])('refuses overlapping or out-of-range edits %j', edits => {
    expect(() => applyEdits('0123456789', edits)).toThrow(/overlaps|outside/)
  })
})

describe('lockfileNotice', () => {
  test.each([
    [
      'charts/platform/Chart.yaml',
      'charts/platform/Chart.lock',
      "'helm dependency update charts/platform'"
    ],
    ['Chart.yaml', './Chart.lock', "'helm dependency update .'"]
  ])('%s', (file, lock, command) => {
    const notice = lockfileNotice(file, 'webapp', '1.3.0')
    expect(notice).toContain(lock)
    expect(notice).toContain(command)
    expect(notice).toContain("'webapp' is now 1.3.0")
  })
})

describe('bumpFile', () => {
  const app = (revision: string): string =>
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  source:',
      '    repoURL: oci://ghcr.io/acme/charts',
      '    chart: webapp',
      `    targetRevision: ${revision}`,
      ''
    ].join('\n')

  test('returns the same string when nothing changes', () => {
    const text = app('1.3.0')
    const result = bumpFile('a.yaml', text, CHART, '1.3.0')
    expect(result.text).toBe(text)
    expect(result.changed).toBe(false)
    expect(result.current).toEqual([
      {
        file: 'a.yaml',
        line: 7,
        path: 'spec.source.targetRevision',
        kind: 'argocd-application',
        value: '1.3.0'
      }
    ])
  })

  test('changes only the version bytes', () => {
    const result = bumpFile('a.yaml', app("'1.2.0' # pin"), CHART, '1.10.0')
    expect(result.text).toBe(app("'1.10.0' # pin"))
    expect(result.changes).toEqual([
      {
        file: 'a.yaml',
        line: 7,
        path: 'spec.source.targetRevision',
        kind: 'argocd-application',
        from: '1.2.0',
        to: '1.10.0'
      }
    ])
  })

  test('refuses a new version that is not SemVer', () => {
    expect(() => bumpFile('a.yaml', app('1.2.0'), CHART, 'main')).toThrow(
      UserError
    )
  })
})
