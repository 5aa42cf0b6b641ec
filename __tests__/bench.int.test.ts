// `npm run bench -- --quick` (the CI smoke run of the benchmark harness) runs
// every measurement and prints a complete table; it never touches
// BENCHMARKS.md. Timings are not asserted: only that they are there.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  leastSquares,
  median,
  pairedRatios,
  quantile,
  summarize
} from '../bench/stats.js'
import { repoRoot } from './helpers/paths.js'

const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const RUN = path.join(repoRoot, 'bench', 'run.ts')
const BENCHMARKS = path.join(repoRoot, 'BENCHMARKS.md')

const HEADER = [
  'what',
  'workload',
  'this action',
  'baseline',
  'ratio',
  'target',
  'machine'
]

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

describe('npm run bench -- --quick', () => {
  let stdout = ''
  let before: string | undefined

  beforeAll(async () => {
    before = fs.existsSync(BENCHMARKS)
      ? fs.readFileSync(BENCHMARKS, 'utf8')
      : undefined
    ;({ stdout } = await promisify(execFile)(
      process.execPath,
      [TSX, RUN, '--quick'],
      { cwd: repoRoot, maxBuffer: 20 * 1024 * 1024 }
    ))
  }, 180_000)

  test('prints a table with the issue’s columns and a row per measurement', () => {
    expect(stdout).toMatch(/^# Benchmarks \(quick run\)$/m)
    const [header, separator, ...rows] = tableRows(stdout)
    expect(header).toEqual(HEADER)
    expect(separator.every(c => /^-+$/.test(c))).toBe(true)
    const what = rows.map(r => r[0])
    for (const expected of [
      'Publish one chart, warm tool cache',
      'Publish one chart, post step counted',
      'Cold install vs `curl \\| tar` + `sha256sum`',
      'Cold install: whole run',
      '`helm-version: system`: whole run',
      'Monorepo: 4 charts in one run',
      'GitOps scan: 1,000 files, time',
      'GitOps scan: 1,000 files, peak RSS',
      'GitOps scan: growth of time',
      'GitOps clone: 500 files',
      'Start-up: fail fast on a missing input',
      'Bundle size',
      'Rendered preview: cost per place (one Application)',
      'Rendered preview: 20 Applications, total',
      'Rendered preview: 20 Applications, per place'
    ])
      expect(what).toContain(expected)
    for (const row of rows) expect(row).toHaveLength(HEADER.length)
  })

  test('every comparison has a median with its spread, on both sides, and a ratio', () => {
    const rows = tableRows(stdout).slice(2)
    const compared = rows.filter(r => r[3] !== '—')
    expect(compared.length).toBeGreaterThanOrEqual(10)
    for (const [what, , action, baseline, ratio] of compared) {
      const figure = /^[\d,.]+ (ms|MB) \([\d,.]+–[\d,.]+\)$/
      expect(action, what).toMatch(figure)
      expect(baseline, what).toMatch(figure)
      expect(ratio, what).toMatch(/^[\d.]+× \([\d.]+×–[\d.]+×\)$/)
    }
  })

  test('targets are marked met or not met, and the machine is named', () => {
    const rows = tableRows(stdout).slice(2)
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
    const rows = tableRows(stdout).slice(2)
    const targets = [
      ['Publish one chart, warm tool cache', '≤ 1.30×'],
      ['Publish one chart, post step counted', '≤ 1.50×'],
      ['Cold install vs `curl \\| tar` + `sha256sum`', '≤ 1.10×'],
      ['Monorepo: 4 charts in one run', '≤ 0.50×'],
      ['Start-up: fail fast on a missing input', '≤ 2.0×']
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

  test('explains where the publish overhead goes, step by step, and its floor', () => {
    expect(stdout).toContain('## Publish overhead (warm tool cache)')
    expect(stdout).toMatch(/^\| node start-up; JS load .*\| [\d.,]+ ms/m)
    expect(stdout).toMatch(/^\| `helm lint` ∥ `helm package`.*\| [\d.,]+ ms/m)
    expect(stdout).toMatch(/^\| post step .*\| [\d.,]+ ms/m)
    expect(stdout).toContain('**The floor.**')
  })

  test('the cold install is split by the installer’s own lines', () => {
    expect(stdout).toContain('## Installing Helm')
    expect(stdout).toMatch(/^\| one pass: download \+ sha256 .*\| [\d.,]+ ms/m)
  })

  test('the monorepo run’s Helm processes are counted: one lint and one package per level', () => {
    expect(stdout).toContain('## Monorepo')
    expect(stdout).toMatch(/`helm lint` × 1 \(naming 4 chart folders/)
    expect(stdout).toMatch(/`helm package` × 1 \(naming 4 chart folders/)
    expect(stdout).toMatch(/`helm push` × 4/)
  })

  test('the rendered preview pulls each version once for 20 places', () => {
    expect(stdout).toContain('## Rendered preview (GitOps pull request)')
    const many = tableRows(stdout).find(
      r => r[0] === 'Rendered preview: 20 Applications, total'
    )
    expect(many?.[1]).toContain('package pulls counted: 2 per run')
  })

  test('leaves BENCHMARKS.md as it was', () => {
    const after = fs.existsSync(BENCHMARKS)
      ? fs.readFileSync(BENCHMARKS, 'utf8')
      : undefined
    expect(after).toBe(before)
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
