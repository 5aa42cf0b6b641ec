// What a hostile or unusual GitOps repository can hold, against the pure
// scanner and the file reader: aliases that multiply work, encodings other
// than UTF-8, files too large to read, names that cannot be shown.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { bumpBothWays } from './scan/prefiltered.js'
import { encodeFiles } from '../../src/gitops/encoding.js'
import { MAX_FILE_BYTES, readMatchingFiles } from '../../src/gitops/files.js'
import { argoCd } from '../../src/gitops/tools/argocd/pins.js'
import { findPins } from '../../src/gitops/tools/index.js'
import { budgetFor } from '../../src/yaml/merge-keys.js'
import { pullRequestBody } from '../../src/gitops/pr-body.js'
import { removeDir, tempDir } from '../helpers/paths.js'
import { runnerCommands } from '../helpers/runner-log-commands.js'
import { runTool } from './scan/run-tool.js'

const chart = { name: 'hello', registry: 'ghcr.io', repository: 'acme/charts' }
const release = {
  name: 'hello',
  version: '1.0.0',
  ref: 'oci://ghcr.io/acme/charts/hello',
  tag: '1.0.0',
  digest: 'sha256:abc'
}
const GLOBS = ['**/*.yaml']

const root = tempDir('hor-hostile-')
afterAll(() => removeDir(root))
let dirs = 0

/** A fresh checkout holding `files` (path -> bytes or text). */
function checkout(files: Record<string, string | Buffer>): string {
  const dir = path.join(root, `repo-${++dirs}`)
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  return dir
}

function application(version: string, extra: string[] = []): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    ...extra,
    'spec:',
    '  source:',
    '    repoURL: oci://ghcr.io/acme/charts',
    '    chart: hello',
    `    targetRevision: ${version}`,
    ''
  ].join('\n')
}

/** `spec` merges an alias that merges `fan` aliases, `levels` deep (the file). */
function mergeBomb(levels: number, fan = 10): string {
  const lines = ['x0: &a0 {k: v}']
  for (let level = 1; level <= levels; level++) {
    const refs = Array.from({ length: fan }, () => `*a${level - 1}`)
    lines.push(`x${level}: &a${level} {<<: [${refs.join(', ')}]}`)
  }
  return application('0.9.0', lines).replace(
    'spec:\n',
    `spec:\n  <<: *a${levels}\n`
  )
}

describe('aliases and merge keys: scanning is bounded by the size of the file', () => {
  test('merges of merges (fan-out 10, 6 levels, ~600 bytes): found, in fewer steps than the file has characters', () => {
    const text = mergeBomb(6)
    expect(text.length).toBeLessThan(700)
    const result = findPins('apps/bomb.yaml', text, chart)
    expect(result.pins.map(p => p.current)).toEqual(['0.9.0'])
    expect(result.problems).toEqual([])
    // Counted on the scan's own budget, not timed (a busy machine changes
    // no count): each level multiplies the merge paths by 10 and adds one
    // line; the steps grow with the lines.
    const steps = (levels: number): number => {
      const bomb = mergeBomb(levels).replace('chart: hello', 'chart: webapp')
      const budget = budgetFor(bomb)
      const found = runTool(argoCd, bomb, [], 'apps/bomb.yaml', budget)
      expect(found.spans).toEqual(['0.9.0'])
      return budget.limit - budget.left
    }
    expect(steps(6)).toBeLessThan(text.length)
    // A hundred times the paths, not twice the steps.
    expect(steps(8)).toBeLessThan(2 * steps(6))
  })

  test('a file whose aliases need more work than its size allows is named, with why, and not scanned', () => {
    // 400 sources, each an alias of one that merges 2,000 mappings: every
    // lookup of a key it lacks (`ref`) visits them all: quadratic in the size.
    const merged = Array.from({ length: 2000 }, (_, i) => `{k${i}: v}`)
    const text = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      `base: &src {repoURL: oci://ghcr.io/acme/charts, chart: hello, targetRevision: 0.9.0, <<: [${merged.join(', ')}]}`,
      'spec:',
      '  sources:',
      ...Array.from({ length: 400 }, () => '    - *src'),
      ''
    ].join('\n')
    const bump = bumpBothWays(
      new Map([['apps/heavy.yaml', text]]),
      chart,
      '1.0.0'
    )
    expect(bump.files.size).toBe(0)
    expect(bump.problems).toEqual([
      {
        file: 'apps/heavy.yaml',
        line: 1,
        message: expect.stringMatching(
          /^Reading it through its YAML aliases and merge keys takes more than \d+ steps, the limit for a file of \d+ characters, so it is not scanned for pins: .*\.$/
        ) as string,
        notRead: true
      }
    ])
    const body = pullRequestBody(release, bump)
    expect(body).toContain('### Not read')
    expect(body).toContain(
      '`apps/heavy.yaml` line 1: Reading it through its YAML aliases'
    )
  })
})

describe('bytes outside the edited version come back identical, whatever the encoding', () => {
  test('a Latin-1 file (not valid UTF-8) is bumped byte for byte', () => {
    const latin1 = (version: string): Buffer =>
      Buffer.concat([
        Buffer.from('# caf\xe9 cr\xe8me\r\n', 'latin1'),
        Buffer.from(
          application(version, ['metadata: {name: "d\xe9j\xe0"}']),
          'latin1'
        )
      ])
    expect(() =>
      new TextDecoder('utf-8', { fatal: true }).decode(latin1('0.9.0'))
    ).toThrow()
    const files = readMatchingFiles(
      checkout({ 'apps/hello.yaml': latin1('0.9.0') }),
      GLOBS
    )
    const bump = bumpBothWays(files.texts, chart, '1.0.0')
    expect(bump.changes).toHaveLength(1)
    const bytes = encodeFiles(bump.files, files.encodings)
    expect(bytes.get('apps/hello.yaml')).toEqual(latin1('1.0.0'))
  })

  test('a UTF-8 file with a byte-order mark and multibyte characters keeps them', () => {
    const utf8 = (version: string): Buffer =>
      Buffer.from(`\ufeff# café crème 雪\n${application(version)}`, 'utf8')
    const files = readMatchingFiles(
      checkout({ 'apps/hello.yaml': utf8('0.9.0') }),
      GLOBS
    )
    const bump = bumpBothWays(files.texts, chart, '1.0.0')
    expect(
      encodeFiles(bump.files, files.encodings).get('apps/hello.yaml')
    ).toEqual(utf8('1.0.0'))
  })

  test.each([
    [
      'UTF-16 LE',
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(application('0.9.0'), 'utf16le')
      ]),
      /UTF-16 \(it starts with a byte-order mark\)/
    ],
    [
      'UTF-32 BE',
      Buffer.concat([
        Buffer.from([0, 0, 0xfe, 0xff]),
        Buffer.from(application('0.9.0'), 'utf16le')
      ]),
      /UTF-32/
    ],
    [
      'NUL bytes',
      Buffer.from(`${application('0.9.0')}\0`, 'latin1'),
      /NUL bytes/
    ]
  ])(
    'a file that cannot be edited safely (%s) is left alone with a warning naming it',
    (_name, bytes, why) => {
      const files = readMatchingFiles(
        checkout({ 'apps/hello.yaml': bytes }),
        GLOBS
      )
      expect([...files.texts.keys()]).toEqual([])
      expect(files.unread).toEqual([
        {
          file: 'apps/hello.yaml',
          level: 'warning',
          reason: expect.stringMatching(why) as string
        }
      ])
      expect(files.unread[0].reason).toMatch(
        /left alone: .*bump a pin in it by hand, or convert it to UTF-8/
      )
    }
  )
})

describe('files that match but are not read are named', () => {
  test('a file over the size limit: a notice with its size and the limit, and a line in the pull request', () => {
    const big = application('0.9.0') + `# ${'x'.repeat(MAX_FILE_BYTES)}\n`
    const files = readMatchingFiles(
      checkout({
        'apps/big.yaml': big,
        'apps/hello.yaml': application('0.9.0')
      }),
      GLOBS
    )
    expect([...files.texts.keys()]).toEqual(['apps/hello.yaml'])
    expect(files.unread).toEqual([
      {
        file: 'apps/big.yaml',
        level: 'notice',
        reason: `not scanned: ${big.length} bytes, over the ${MAX_FILE_BYTES}-byte limit for GitOps files; a pin in it is not bumped: bump it by hand, or split the file`
      }
    ])
    const bump = bumpBothWays(files.texts, chart, '1.0.0', files.unread)
    const body = pullRequestBody(release, bump)
    expect(body).toContain(
      `### Not scanned\n\n- \`apps/big.yaml\`: not scanned: ${big.length} bytes, over the ${MAX_FILE_BYTES}-byte limit`
    )
  })

  test('a name with a newline is skipped, shown escaped on one line', () => {
    const files = readMatchingFiles(
      checkout({
        'apps/x\n::error title=NAME::pwned.yaml': application('0.9.0'),
        'apps/hello.yaml': application('0.9.0')
      }),
      GLOBS
    )
    expect([...files.texts.keys()]).toEqual(['apps/hello.yaml'])
    expect(files.unread).toEqual([
      {
        file: '"apps/x\\n::error title=NAME::pwned.yaml"',
        level: 'warning',
        reason:
          'not scanned: its name cannot be used (it contains a control character or a backslash); rename it'
      }
    ])
  })
})

test('a pin value with line breaks stays on its row of the pull request table', () => {
  const text = application('"x\\r::error title=CELL::pwned\\n::warning::pwned"')
  const bump = bumpBothWays(new Map([['apps/a.yaml', text]]), chart, '1.0.0')
  expect(bump.skipped).toHaveLength(1)
  const body = pullRequestBody(release, bump)
  expect(body.split(/\r\n|\r|\n/).filter(l => l.includes('pwned'))).toEqual([
    // The value shows its line breaks as escapes; the reason quotes it on one line.
    expect.stringMatching(
      /^\| <code>apps\/a\.yaml<\/code> \| 7 \| .*&#34;x&#92;r::error title=CELL::pwned&#92;n::warning::pwned&#34;.*x ::error title=CELL::pwned ::warning::pwned/
    )
  ])
  expect(runnerCommands(body)).toEqual([])
})
