// 4. The GitOps scan: find and edit every pin of the chart in a generated
// repository of 1,000 / 10,000 / 50,000 / 100,000 files (src/'s readMatchingFiles +
// bumpRepository, each sample a fresh process for its own peak RSS), against
// `grep -rlF` over the same tree; and the clone of the 10,000-file repository
// over the loopback git server, the action's clone against a bare `git clone`.
import fs from 'node:fs'
import path from 'node:path'
import { ALICE, startGitServer } from '../../__tests__/helpers/git-server.js'
import { repoRoot } from '../../__tests__/helpers/paths.js'
import { alternate } from '../alternate.js'
import type { ScanSample } from '../children/gitops-scan.js'
import { CORPUS_CHART, corpusFiles, type CorpusFile } from '../gitops-corpus.js'
import type { Fixture } from '../fixture.js'
import {
  gitopsSection,
  MEMORY_TARGET_MB,
  total,
  type Corpus,
  type GrepSample,
  type SizeResult
} from './gitops-section.js'
import { runCommand } from '../process.js'
import {
  figure,
  formatValue,
  ms,
  type Measurement,
  type Row
} from '../report.js'
import { leastSquares, median, pairedRatios, summarize } from '../stats.js'

export interface GitopsOptions {
  reps: number
  /** Repository sizes, in files, ascending. */
  sizes: readonly number[]
  /** Time targets (ms) by size, in files (#27: 100,000 files in < 3 s); memory is checked at every size. */
  timeTargets: ReadonlyMap<number, number>
  /** The size cloned over the git server. */
  cloneSize: number
}

const TSX = ['--import', 'tsx']
const SCAN_CHILD = path.join(repoRoot, 'bench', 'children', 'gitops-scan.ts')
const CLONE_CHILD = path.join(repoRoot, 'bench', 'children', 'gitops-clone.ts')
const GIT_TOKEN = 'bench-gitops-token'

/** Writes the generated repository of `count` files under `dir`. */
function writeCorpus(dir: string, count: number): Corpus {
  let pins = 0
  let bytes = 0
  const made = new Set<string>()
  for (const file of corpusFiles(count)) {
    const target = path.join(dir, file.path)
    const parent = path.dirname(target)
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true })
      made.add(parent)
    }
    fs.writeFileSync(target, file.text)
    pins += file.pins
    bytes += Buffer.byteLength(file.text)
  }
  return { dir, files: count, pins, bytes }
}

/** The last line of a child's stdout, parsed (earlier lines may be `::add-mask::`). */
function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]) as T
}

async function scan(corpus: Corpus): Promise<ScanSample> {
  const out = await runCommand(process.execPath, [
    ...TSX,
    SCAN_CHILD,
    corpus.dir,
    String(corpus.pins)
  ])
  return lastJson<ScanSample>(out.stdout)
}

/** The floor: read every YAML file for the repository's address, parse nothing. */
async function grep(corpus: Corpus): Promise<GrepSample> {
  const args = [
    '-rlF',
    '--include=*.yaml',
    '--include=*.yml',
    `${CORPUS_CHART.registry}/${CORPUS_CHART.repository}`,
    corpus.dir
  ]
  const timeBin = '/usr/bin/time'
  if (!fs.existsSync(timeBin)) {
    const out = await runCommand('grep', args)
    return { ms: out.ms, maxRssMB: Number.NaN }
  }
  // GNU time prints the peak RSS (KB) of grep as the last line of stderr.
  const out = await runCommand(timeBin, ['-f', '%M', 'grep', ...args])
  const kb = Number(out.stderr.trim().split('\n').pop())
  return { ms: out.ms, maxRssMB: kb / 1024 }
}

export async function measureGitops(
  fixture: Fixture,
  options: GitopsOptions,
  log: (message: string) => void
): Promise<Measurement> {
  const results: SizeResult[] = []
  for (const size of options.sizes) {
    log(
      `generating a GitOps repository of ${size.toLocaleString('en-US')} files`
    )
    const corpus = writeCorpus(fixture.scratch(`gitops-${size}`), size)
    const [scans, greps] = await alternate<ScanSample | GrepSample>(
      [
        { name: `scan ${size}`, run: () => scan(corpus) },
        { name: `grep ${size}`, run: () => grep(corpus) }
      ],
      options.reps
    )
    results.push({
      corpus,
      scans: scans as ScanSample[],
      greps: greps as GrepSample[]
    })
    fs.rmSync(corpus.dir, { recursive: true, force: true })
  }
  log(
    `cloning the ${options.cloneSize.toLocaleString('en-US')}-file repository`
  )
  const clone = await measureClone(fixture, options)
  return {
    rows: [
      ...results.flatMap(r => sizeRows(r, options)),
      ...growthRows(results, options),
      clone.row
    ],
    sections: [gitopsSection(results, options, clone.section)]
  }
}

function describe(corpus: Corpus): string {
  return (
    `${corpus.files.toLocaleString('en-US')} files (${(corpus.bytes / 1024 / 1024).toFixed(1)} MB; ` +
    `${corpus.pins.toLocaleString('en-US')} pins, all found and edited)`
  )
}

/** How many texts the pre-filter kept (median), said with the files read. */
function keptOf(r: SizeResult): string {
  const kept = median(r.scans.map(s => s.kept))
  return `${kept.toLocaleString('en-US')} texts kept by the pre-filter`
}

function sizeRows(r: SizeResult, options: GitopsOptions): Row[] {
  const n = options.reps
  const times = r.scans.map(total)
  const grepTimes = r.greps.map(g => g.ms)
  const rss = r.scans.map(s => s.maxRssMB)
  const grepRss = r.greps.map(g => g.maxRssMB)
  const timeTarget = options.timeTargets.get(r.corpus.files)
  return [
    {
      what: `GitOps scan: ${r.corpus.files.toLocaleString('en-US')} files, time`,
      workload:
        `\`readMatchingFiles(dir, ['**/*.yaml','**/*.yml'], mayMatter(chart))\` + \`bumpRepository\` as the step runs them on ${describe(r.corpus)}, ${keptOf(r)} ` +
        `vs \`grep -rlF <registry>/<repository>\` over the same files (reads, parses nothing); ${n} reps`,
      action: figure(times, 'ms'),
      baseline: figure(grepTimes, 'ms'),
      ratio: summarize(pairedRatios(times, grepTimes)),
      ...(timeTarget !== undefined
        ? {
            target: {
              goal: `< ${timeTarget.toLocaleString('en-US')} ms`,
              met: median(times) < timeTarget
            }
          }
        : {})
    },
    {
      what: `GitOps scan: ${r.corpus.files.toLocaleString('en-US')} files, peak RSS`,
      workload:
        'peak RSS of the scanning process (node + tsx + the scan; `process.resourceUsage().maxRSS`) ' +
        `vs grep's (GNU time %M); ${n} reps, each a fresh process`,
      action: figure(rss, 'MB'),
      baseline: grepRss.some(Number.isNaN) ? undefined : figure(grepRss, 'MB'),
      ratio: grepRss.some(Number.isNaN)
        ? undefined
        : summarize(pairedRatios(rss, grepRss)),
      target: {
        goal: `< ${MEMORY_TARGET_MB} MB`,
        met: median(rss) < MEMORY_TARGET_MB
      }
    }
  ]
}

/**
 * Slopes fitted per repetition (repetition i of every size), so the slope
 * gets a spread like every other figure.
 */
function slopes(
  results: readonly SizeResult[],
  value: (s: ScanSample) => number
): { perRep: number[]; r2: number } {
  const x = results.map(r => r.corpus.files / 1000)
  const reps = results[0].scans.length
  const perRep = Array.from(
    { length: reps },
    (_, i) =>
      leastSquares(
        x,
        results.map(r => value(r.scans[i]))
      ).slope
  )
  const r2 = leastSquares(
    x,
    results.map(r => median(r.scans.map(value)))
  ).r2
  return { perRep, r2 }
}

/** Marginal ms per 1,000 files between consecutive sizes (medians). */
function marginal(results: readonly SizeResult[]): number[] {
  const out: number[] = []
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1]
    const b = results[i]
    out.push(
      (median(b.scans.map(total)) - median(a.scans.map(total))) /
        ((b.corpus.files - a.corpus.files) / 1000)
    )
  }
  return out
}

function growthRows(
  results: readonly SizeResult[],
  options: GitopsOptions
): Row[] {
  const sizes = results
    .map(r => r.corpus.files.toLocaleString('en-US'))
    .join(' / ')
  const time = slopes(results, total)
  const memory = slopes(results, s => s.maxRssMB)
  const steps = marginal(results)
  const linear = steps[steps.length - 1] <= 1.5 * steps[0]
  return [
    {
      what: 'GitOps scan: growth of time',
      workload:
        `least-squares slope over ${sizes} files (one fit per rep; R² of the fit of the medians ` +
        `${time.r2.toFixed(4)}); marginal cost between sizes ${steps.map(s => formatValue(s, 'ms')).join(', ')} per 1,000 files; ${options.reps} reps`,
      action: figure(time.perRep, 'ms per 1,000 files'),
      target: {
        goal: 'linear: the marginal cost per 1,000 files between the largest sizes ≤ 1.5× that between the smallest',
        met: linear
      }
    },
    {
      what: 'GitOps scan: growth of peak RSS',
      workload: `least-squares slope of peak RSS over ${sizes} files (R² ${memory.r2.toFixed(4)}); ${options.reps} reps`,
      action: figure(memory.perRep, 'MB per 1,000 files')
    }
  ]
}

async function measureClone(
  fixture: Fixture,
  options: GitopsOptions
): Promise<{ row: Row; section: string[] }> {
  const server = await startGitServer(GIT_TOKEN)
  try {
    const files: Record<string, string> = {}
    const corpus: CorpusFile[] = [...corpusFiles(options.cloneSize)]
    for (const file of corpus) files[file.path] = file.text
    server.createRepo('bench/gitops', 'main', files, ALICE)
    const bytes = fs
      .readdirSync(server.barePath('bench/gitops'), { recursive: true })
      .map(f => path.join(server.barePath('bench/gitops'), String(f)))
      .filter(f => fs.statSync(f).isFile())
      .reduce((sum, f) => sum + fs.statSync(f).size, 0)
    const header = `Authorization: Basic ${Buffer.from(`x-access-token:${GIT_TOKEN}`).toString('base64')}`
    const env = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0'
    }
    const [action, bare] = await alternate(
      [
        {
          name: 'action clone',
          run: async () => {
            const temp = fixture.scratch('clone-action')
            const out = await runCommand(
              process.execPath,
              [...TSX, CLONE_CHILD, server.url, 'bench/gitops', 'main', temp],
              { env: { ...env, BENCH_GIT_TOKEN: GIT_TOKEN } }
            )
            fs.rmSync(temp, { recursive: true, force: true })
            return lastJson<{ ms: number }>(out.stdout).ms
          }
        },
        {
          name: 'git clone',
          run: async () => {
            const dest = path.join(fixture.scratch('clone-bare'), 'repo')
            const out = await runCommand(
              'git',
              [
                '-c',
                `http.extraheader=${header}`,
                'clone',
                '--quiet',
                '--depth=1',
                '--single-branch',
                '--branch',
                'main',
                server.repoUrl('bench/gitops'),
                dest
              ],
              { env }
            )
            fs.rmSync(path.dirname(dest), { recursive: true, force: true })
            return out.ms
          }
        }
      ],
      options.reps
    )
    return {
      row: {
        what: `GitOps clone: ${options.cloneSize.toLocaleString('en-US')} files`,
        workload:
          `the action's \`Git.clone\` (src/github/git.ts: --depth=1 --single-branch --no-tags, token in git's environment) ` +
          `vs \`git clone --depth=1 --single-branch -c http.extraheader=…\`, over the loopback smart-HTTP git server ` +
          `(bare repository ${(bytes / 1024 / 1024).toFixed(1)} MB); ${options.reps} reps`,
        action: figure(action, 'ms'),
        baseline: figure(bare, 'ms'),
        ratio: summarize(pairedRatios(action, bare))
      },
      section: [
        `Cloning the ${options.cloneSize.toLocaleString('en-US')}-file repository takes ${ms(median(action))} ` +
          `the action's way and ${ms(median(bare))} with a bare \`git clone\`: the clone is git's work, ` +
          'and over a real network it is bounded by the transfer instead.'
      ]
    }
  } finally {
    await server.stop()
  }
}
