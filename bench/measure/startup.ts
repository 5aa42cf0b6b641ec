// 5. Start-up: `node dist/index.js` until it fails fast on a missing required
// input, against `node -e ""`; the size of the bundle (entries and chunks) and
// how much of it that start-up loads.
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { parse } from 'yaml'
import { repoRoot } from '../../__tests__/helpers/paths.js'
import { alternate } from '../alternate.js'
import { DIST, kib, LOADED_HOOK, loadedDistFiles } from '../loaded.js'
import { runCommand } from '../process.js'
import { figure, ms, type Measurement } from '../report.js'
import { median, pairedRatios, summarize } from '../stats.js'

export interface StartupOptions {
  reps: number
}

const ENTRY = path.join(DIST, 'index.js')

/** Every JavaScript file of the bundle: the entries and dist/chunks/. */
function bundleFiles(): string[] {
  return fs
    .readdirSync(DIST, { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.js'))
    .sort()
    .map(name => path.join(DIST, name))
}

/** The bundle's files the fail-fast start-up loads. */
async function loadedFiles(): Promise<string[]> {
  const out = await runCommand(
    process.execPath,
    ['--import', LOADED_HOOK, ENTRY],
    { env: bareEnv(), okCodes: [1] }
  )
  return loadedDistFiles(out.stderr)
}

function size(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + fs.statSync(file).size, 0)
}

/** The node the runner starts the action with (`runs.using` in action.yml). */
function runsUsing(): string {
  const action = parse(
    fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')
  ) as { runs: { using: string } }
  return action.runs.using
}

/** A runner-like environment with no inputs at all: the first required one is missing. */
function bareEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME }
}

export interface StartupResult extends Measurement {
  /** Median ms of `node -e ""`. */
  nodeMs: number
  /** Median ms the fail-fast start-up takes over `node -e ""` (paired). */
  failFastMs: number
}

export async function measureStartup(
  options: StartupOptions
): Promise<StartupResult> {
  const [action, empty] = await alternate(
    [
      {
        name: 'node dist/index.js',
        run: async () => {
          const out = await runCommand(process.execPath, [ENTRY], {
            env: bareEnv(),
            okCodes: [1]
          })
          if (!/::error::Input '[\w-]+' is/.test(out.stdout))
            throw new Error(`no input error from the bundle:\n${out.stdout}`)
          return out.ms
        }
      },
      {
        name: 'node -e ""',
        run: async () =>
          (await runCommand(process.execPath, ['-e', ''], { env: bareEnv() }))
            .ms
      }
    ],
    options.reps
  )
  const files = bundleFiles()
  const bytes = size(files)
  // Each file on its own: that is how they are stored and read.
  const gzipped = files.reduce(
    (sum, file) => sum + gzipSync(fs.readFileSync(file)).length,
    0
  )
  const loaded = await loadedFiles()
  const loadedBytes = size(loaded)
  const load = summarize(action.map((a, i) => a - empty[i]))
  const ratio = summarize(pairedRatios(action, empty))
  const n = options.reps
  return {
    nodeMs: median(empty),
    failFastMs: load.median,
    rows: [
      {
        what: 'Start-up: fail fast on a missing input',
        workload: `\`node dist/index.js\` with no INPUT_* until it exits 1 vs \`node -e ""\`; ${n} reps`,
        action: figure(action, 'ms'),
        baseline: figure(empty, 'ms'),
        ratio,
        target: { goal: '≤ 2.0×', met: ratio.median <= 2 }
      },
      {
        what: 'Bundle size',
        workload: `dist/**/*.js (${files.length} files: entries and chunks), bytes`,
        action: figure([bytes], 'bytes')
      },
      {
        what: 'Bundle size, gzip',
        workload: 'each file of dist/**/*.js through zlib (level 6), summed',
        action: figure([gzipped], 'bytes')
      },
      {
        what: 'Bundle entry',
        workload: 'dist/index.js alone (it imports the rest), bytes',
        action: figure([fs.statSync(ENTRY).size], 'bytes')
      },
      {
        what: 'Start-up: bundle loaded',
        workload: `what the fail-fast start-up imports: ${loaded.map(f => path.relative(DIST, f)).join(', ')}`,
        action: figure([loadedBytes], 'bytes')
      }
    ],
    sections: [
      {
        title: 'Start-up',
        lines: [
          `Loading and running the bundle up to the first input check costs ` +
            `${ms(load.median)} (${ms(load.min)}–${ms(load.max)}) on top of a bare ` +
            `node start (${ms(summarize(empty).median)}). The bundle is ` +
            `${(bytes / 1024 / 1024).toFixed(2)} MiB in ${files.length} files ` +
            `(${kib(gzipped)} gzipped); that start-up loads ${kib(loadedBytes)} of it ` +
            `(${loaded.length} files). The GitOps, GitHub API and signing code are ` +
            'chunks the main step imports only when the run uses them. On GitHub the runner starts it with ' +
            `\`${runsUsing()}\` (action.yml); here it ran on this machine's node, ${process.version}.`,
          ...(ratio.median > 2
            ? [
                '',
                `**Target ≤ 2.0× not met (${ratio.median.toFixed(2)}×: ${ms(median(action) - 2 * median(empty))} ` +
                  `over 2 × ${ms(median(empty))}).** The floor is \`node -e ""\` itself (1.00×): what is above it ` +
                  `is the JavaScript the fail-fast path loads and runs, ${kib(loadedBytes)} in ${loaded.length} files.`
              ]
            : [])
        ]
      }
    ]
  }
}
