// 5. Start-up: `node dist/index.js` until it fails fast on a missing required
// input, against `node -e ""`; and the size of the bundle.
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { parse } from 'yaml'
import { repoRoot } from '../../__tests__/helpers/paths.js'
import { alternate } from '../alternate.js'
import { runCommand } from '../process.js'
import { figure, ms, type Measurement } from '../report.js'
import { median, pairedRatios, summarize } from '../stats.js'

export interface StartupOptions {
  reps: number
}

const BUNDLE = path.join(repoRoot, 'dist', 'index.js')

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
}

export async function measureStartup(
  options: StartupOptions
): Promise<StartupResult> {
  const [action, empty] = await alternate(
    [
      {
        name: 'node dist/index.js',
        run: async () => {
          const out = await runCommand(process.execPath, [BUNDLE], {
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
  const bytes = fs.readFileSync(BUNDLE)
  const gzipped = gzipSync(bytes).length
  const load = summarize(action.map((a, i) => a - empty[i]))
  const n = options.reps
  return {
    nodeMs: median(empty),
    rows: [
      {
        what: 'Start-up: fail fast on a missing input',
        workload: `\`node dist/index.js\` with no INPUT_* until it exits 1 vs \`node -e ""\`; ${n} reps`,
        action: figure(action, 'ms'),
        baseline: figure(empty, 'ms'),
        ratio: summarize(pairedRatios(action, empty))
      },
      {
        what: 'Bundle size',
        workload: 'dist/index.js, bytes',
        action: figure([bytes.length], 'bytes')
      },
      {
        what: 'Bundle size, gzip',
        workload: 'dist/index.js through zlib (level 6)',
        action: figure([gzipped], 'bytes')
      }
    ],
    sections: [
      {
        title: 'Start-up',
        lines: [
          `Loading and running the bundle up to the first input check costs ` +
            `${ms(load.median)} (${ms(load.min)}–${ms(load.max)}) on top of a bare ` +
            `node start (${ms(summarize(empty).median)}). The bundle is ` +
            `${(bytes.length / 1024 / 1024).toFixed(2)} MiB ` +
            `(${(gzipped / 1024).toFixed(0)} KiB gzipped); node parses all of it ` +
            'before `run()` starts, including the GitOps and GitHub API code a ' +
            'release without `gitops-repository` never calls. On GitHub the runner starts it with ' +
            `\`${runsUsing()}\` (action.yml); here it ran on this machine's node, ${process.version}.`
        ]
      }
    ]
  }
}
