// `npm run bench -- --smoke` runs every measurement of the benchmark harness
// once, on the smallest workloads (bench/plans.ts), and writes a complete
// report; it never touches BENCHMARKS.md. No figure is asserted, and no time:
// only that every row and section is there, in the report's format. The run
// takes about a minute, several on a busy machine: its bound is a hang guard.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import * as prettier from 'prettier'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PLANS } from '../../bench/plans.js'
import { formatFigure, formatRatio } from '../../bench/report.js'
import {
  leastSquares,
  median,
  pairedRatios,
  quantile,
  summarize
} from '../../bench/stats.js'
import { removeDir, repoRoot, tempDir } from '../helpers/paths.js'

const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const RUN = path.join(repoRoot, 'bench', 'run.ts')
const BENCHMARKS = path.join(repoRoot, 'BENCHMARKS.md')
const SMOKE = PLANS.smoke
/**
 * A hang guard, not a bound on the run: twenty minutes. The run takes about
 * a minute on an idle 2-core machine and took 9 minutes at a load of 15.
 */
const HANG_GUARD_MS = 20 * 60_000

const HEADER = [
  'what',
  'workload',
  'this action',
  'baseline',
  'ratio',
  'target',
  'machine'
]

/** Every row of the table, in order, for the smoke plan's workloads. */
function expectedRows(): string[] {
  const files = (n: number): string => n.toLocaleString('en-US')
  return [
    'Publish one chart, warm tool cache',
    'Publish one chart, post step counted',
    'Publish one chart, lint: false',
    'Cold install vs `curl \\| tar` + `sha256sum`',
    'Cold install: whole run',
    '`helm-version: system`: whole run',
    `Monorepo: ${SMOKE.monorepoCharts} charts in one run`,
    ...SMOKE.gitopsSizes.flatMap(size => [
      `GitOps scan: ${files(size)} files, time`,
      `GitOps scan: ${files(size)} files, peak RSS`
    ]),
    'GitOps scan: growth of time',
    'GitOps scan: growth of peak RSS',
    `GitOps clone: ${files(SMOKE.cloneSize)} files`,
    'Start-up: fail fast on a missing input',
    'Bundle size',
    'Bundle size, gzip',
    'Bundle entry',
    'Start-up: bundle loaded',
    'Rendered preview: cost per place (one Application)',
    ...SMOKE.renderPlaces.flatMap(({ places }) => [
      `Rendered preview: ${places} Applications, total`,
      `Rendered preview: ${places} Applications, per place`
    ]),
    'Publish + sign (legacy `.sig`)',
    'Publish + sign + provenance (`both` layouts)',
    ...MIRRORED.flatMap(what => [what, `${what}, peak RSS`])
  ]
}

/** The mirror's rows, by source, for the smoke plan's versions. */
const MIRRORED = [
  `Mirror: ${SMOKE.mirrorVersions} versions OCI → OCI`,
  `Mirror: ${SMOKE.mirrorVersions} versions from a classic \`index.yaml\` repository`
]
/** The many-places preview that carries the bound. */
const BOUNDED = SMOKE.renderPlaces.find(size => size.targetMs !== undefined)!

/** Cells of the report's first table (header row first). */
function tableRows(markdown: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex(l => l.startsWith('| what'))
  const rows: string[][] = []
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map(c => c.trim())
    )
  }
  return rows
}

describe('npm run bench -- --smoke', () => {
  let dir: string | undefined
  let report = ''
  let before: string | undefined

  beforeAll(async () => {
    dir = tempDir('hor-bench-smoke-')
    const out = path.join(dir, 'smoke.md')
    before = fs.existsSync(BENCHMARKS)
      ? fs.readFileSync(BENCHMARKS, 'utf8')
      : undefined
    await promisify(execFile)(
      process.execPath,
      [TSX, RUN, '--smoke', '--out', out],
      { cwd: repoRoot, maxBuffer: 20 * 1024 * 1024, timeout: HANG_GUARD_MS }
    )
    report = fs.readFileSync(out, 'utf8')
  }, HANG_GUARD_MS + 10_000)
  afterAll(() => {
    if (dir) removeDir(dir)
  })

  test('writes a table with the issue’s columns and every row, in order', () => {
    expect(report).toMatch(/^# Benchmarks \(smoke run\)$/m)
    const [header, separator, ...rows] = tableRows(report)
    expect(header).toEqual(HEADER)
    expect(separator.every(c => /^-+$/.test(c))).toBe(true)
    expect(rows.map(r => r[0])).toEqual(expectedRows())
    for (const row of rows) expect(row).toHaveLength(HEADER.length)
  })

  test('the report is written as `npm run format:check` wants it', async () => {
    const options = await prettier.resolveConfig(BENCHMARKS)
    expect(
      await prettier.check(report, { ...options, parser: 'markdown' })
    ).toBe(true)
  })

  test('every comparison has a figure on both sides, and a ratio', () => {
    const rows = tableRows(report).slice(2)
    const compared = rows.filter(r => r[3] !== '—')
    expect(compared.length).toBeGreaterThanOrEqual(10)
    // One repetition here: a median without a spread (see bench/report).
    for (const [what, , action, baseline, ratio] of compared) {
      const figure = /^[\d,.]+ (ms|MB)( \([\d,.]+–[\d,.]+\))?$/
      expect(action, what).toMatch(figure)
      expect(baseline, what).toMatch(figure)
      expect(ratio, what).toMatch(/^[\d.]+×( \([\d.]+×–[\d.]+×\))?$/)
    }
  })

  test('targets are marked met or not met, and the machine is named', () => {
    const rows = tableRows(report).slice(2)
    const targets = rows.map(r => r[5]).filter(t => t !== '—')
    expect(targets.length).toBeGreaterThanOrEqual(3)
    for (const target of targets)
      expect(target).toMatch(/^\*\*(met|not met)\*\*: /)
    for (const row of rows) {
      expect(row[6]).toContain(`${os.availableParallelism()} cores`)
      expect(row[6]).toContain(`node ${process.version}`)
    }
  })

  test('the issue’s targets, in its order, each on its row', () => {
    const rows = tableRows(report).slice(2)
    const targets = [
      ['Publish one chart, warm tool cache', '≤ 1.50×'],
      ['Publish one chart, post step counted', '≤ 1.60×'],
      ['Publish one chart, lint: false', '≤ 1.35×'],
      ['Cold install vs `curl \\| tar` + `sha256sum`', '≤ 1.10×'],
      [`Monorepo: ${SMOKE.monorepoCharts} charts in one run`, '≤ 0.50×'],
      ['Start-up: fail fast on a missing input', '≤ 2.0×'],
      [`Rendered preview: ${BOUNDED.places} Applications, total`, '< 10 s'],
      ...MIRRORED.map(what => [what, '≤ 0.20×'])
    ]
    const at = targets.map(([what, goal]) => {
      const index = rows.findIndex(r => r[0] === what)
      expect(rows[index]?.[5], what).toMatch(
        new RegExp(`^\\*\\*(met|not met)\\*\\*: ${goal}$`)
      )
      return index
    })
    expect([...at].sort((a, b) => a - b)).toEqual(at)
  })

  test('every section is there, in order', () => {
    const sections = [...report.matchAll(/^## (.*)$/gm)].map(m => m[1])
    expect(sections).toEqual([
      'Publish overhead (warm tool cache)',
      'Installing Helm',
      'Monorepo',
      'GitOps scan and clone',
      'Start-up',
      'Rendered preview (GitOps pull request)',
      'Signing, step by step',
      'Mirror'
    ])
  })

  test('counts the post step only where a runner would start it: not after a clean run', () => {
    const rows = tableRows(report).slice(2)
    const row = (what: string): string[] => rows.find(r => r[0] === what)!
    const main = row('Publish one chart, warm tool cache')
    const post = row('Publish one chart, post step counted')
    expect(post[1]).toMatch(/`runs\.post-if`.*\(started after 0 of \d+ runs\)/)
    expect(post[2]).toBe(main[2])
    expect(report).toMatch(/^\| post step .*a runner starts it after 0 of/m)
  })

  test('explains where the publish overhead goes, step by step, and its floor', () => {
    expect(report).toMatch(/^\| node start-up; JS load .*\| [\d.,]+ ms/m)
    expect(report).toMatch(/^\| `helm lint` ∥ `helm package`.*\| [\d.,]+ ms/m)
    expect(report).toMatch(/^\| post step .*\| [\d.,]+ ms/m)
    expect(report).toContain('**The floor.**')
  })

  test('the cold install is split by the installer’s own lines', () => {
    expect(report).toMatch(/^\| one pass: download \+ sha256 .*\| [\d.,]+ ms/m)
  })

  test('the monorepo run’s Helm processes are counted: one lint and one package per level', () => {
    const n = SMOKE.monorepoCharts
    expect(report).toContain(`\`helm lint\` × 1 (naming ${n} chart folders`)
    expect(report).toContain(`\`helm package\` × 1 (naming ${n} chart folders`)
    expect(report).toMatch(new RegExp(`\`helm push\` × ${n}\\b`))
  })

  test.each(SMOKE.renderPlaces.map(size => size.places))(
    'the rendered preview of %i places pulls each version once for all of them',
    places => {
      const many = tableRows(report).find(
        r => r[0] === `Rendered preview: ${places} Applications, total`
      )
      expect(many?.[1]).toContain('package pulls counted: 2 per run')
    }
  )

  test('the mirror copied every version, and its peak RSS is a figure', () => {
    const rows = tableRows(report).slice(2)
    for (const what of MIRRORED) {
      const rss = rows.find(r => r[0] === `${what}, peak RSS`)
      expect(rss?.[2], what).toMatch(/^[\d,.]+ MB$/)
      expect(rss?.[3], what).toBe('—')
    }
    // The section's table: one line per source, with its run's time.
    expect(report).toMatch(/^\| OCI → OCI +\| [\d,.]+ ms/m)
  })

  test('leaves BENCHMARKS.md as it was', () => {
    const after = fs.existsSync(BENCHMARKS)
      ? fs.readFileSync(BENCHMARKS, 'utf8')
      : undefined
    expect(after).toBe(before)
  })
})

describe('npm run bench -- --only startup', () => {
  let dir: string | undefined
  let before = ''
  let after = ''

  beforeAll(async () => {
    dir = tempDir('hor-bench-only-')
    const out = path.join(dir, 'BENCHMARKS.md')
    before = fs.readFileSync(BENCHMARKS, 'utf8')
    fs.writeFileSync(out, before)
    await promisify(execFile)(
      process.execPath,
      [TSX, RUN, '--smoke', '--only', 'startup', '--out', out],
      { cwd: repoRoot, maxBuffer: 20 * 1024 * 1024, timeout: HANG_GUARD_MS }
    )
    after = fs.readFileSync(out, 'utf8')
  }, HANG_GUARD_MS + 10_000)
  afterAll(() => {
    if (dir) removeDir(dir)
  })

  const rowOf = (text: string, what: string): string[] | undefined =>
    tableRows(text).find(r => r[0] === what)

  test('replaces the start-up rows and section, and keeps every other figure', () => {
    const rows = tableRows(before).slice(2)
    expect(
      tableRows(after)
        .slice(2)
        .map(r => r[0])
    ).toEqual(rows.map(r => r[0]))
    for (const row of rows) {
      if (/^(Start-up|Bundle)/.test(row[0])) continue
      expect(rowOf(after, row[0]), row[0]).toEqual(row)
    }
    // One repetition: a figure without a spread, where the file had one.
    expect(rowOf(after, 'Start-up: fail fast on a missing input')?.[2]).toMatch(
      /^[\d,.]+ ms$/
    )
    expect(after).toContain('## Start-up')
  })

  test('says under the first paragraph what was measured again, and under what load', () => {
    expect(after).toMatch(
      /^Re-measured \d{4}-\d\d-\d\d by `npm run bench -- --smoke --only startup` .*1-minute load average [\d.]+ at the start, [\d.]+ at the end/m
    )
    expect(after.indexOf('Re-measured')).toBeGreaterThan(
      after.indexOf('Measured ')
    )
  })

  test('the file is written as `npm run format:check` wants it', async () => {
    const options = await prettier.resolveConfig(BENCHMARKS)
    expect(
      await prettier.check(after, { ...options, parser: 'markdown' })
    ).toBe(true)
  })
})

test('an unknown measurement in --only is refused with the list', async () => {
  const run = promisify(execFile)(
    process.execPath,
    [TSX, RUN, '--only', 'mirror,fast'],
    { cwd: repoRoot }
  )
  await expect(run).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining(
      "unknown measurement 'fast' in --only (use publish, install"
    )
  })
})

test('an unknown argument is refused with the usage', async () => {
  const run = promisify(execFile)(process.execPath, [TSX, RUN, '--fast'], {
    cwd: repoRoot
  })
  await expect(run).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining("unknown argument '--fast'")
  })
})

describe('bench/report', () => {
  const ms = (values: number[]) => ({
    summary: summarize(values),
    unit: 'ms' as const
  })

  test('a figure is its median with the spread, or the value alone for one repetition', () => {
    expect(formatFigure(ms([12, 10, 15]))).toBe('12.0 ms (10.0–15.0)')
    expect(formatFigure(ms([1_234]))).toBe('1,234 ms')
  })

  test('a ratio likewise', () => {
    expect(formatRatio(summarize([2, 1.5, 3]))).toBe('2.00× (1.50×–3.00×)')
    expect(formatRatio(summarize([0.5]))).toBe('0.50×')
  })
})

describe('bench/stats', () => {
  test.each([
    { values: [3], q: 0.5, expected: 3 },
    { values: [1, 2, 3, 4], q: 0.5, expected: 2.5 },
    { values: [4, 1, 3, 2], q: 0.25, expected: 1.75 },
    { values: [10, 20, 30], q: 1, expected: 30 },
    { values: [10, 20, 30], q: 0, expected: 10 }
  ])('quantile($values, $q) = $expected', ({ values, q, expected }) => {
    expect(quantile(values, q)).toBeCloseTo(expected)
  })

  test.each([
    { values: [5, 1, 9], median: 5, min: 1, max: 9 },
    { values: [2, 8], median: 5, min: 2, max: 8 }
  ])('summarize($values)', ({ values, median: m, min, max }) => {
    expect(summarize(values)).toMatchObject({
      n: values.length,
      median: m,
      min,
      max
    })
    expect(median(values)).toBe(m)
  })

  test.each([
    { x: [1, 2, 3], y: [2, 4, 6], slope: 2, intercept: 0, r2: 1 },
    { x: [1, 10, 50], y: [105, 150, 350], slope: 5, intercept: 100, r2: 1 },
    { x: [0, 1, 2, 3], y: [1, 3, 2, 4], slope: 0.8, intercept: 1.3, r2: 0.64 }
  ])('leastSquares slope $slope, intercept $intercept', ({ x, y, ...line }) => {
    const fit = leastSquares(x, y)
    expect(fit.slope).toBeCloseTo(line.slope)
    expect(fit.intercept).toBeCloseTo(line.intercept)
    expect(fit.r2).toBeCloseTo(line.r2)
  })

  test('pairedRatios divides round by round and refuses unpaired samples', () => {
    expect(pairedRatios([2, 9], [1, 3])).toEqual([2, 3])
    expect(() => pairedRatios([1], [1, 2])).toThrow('unpaired')
  })
})
