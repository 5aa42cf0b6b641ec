// 3. A monorepo: N charts released by one run of the action (`chart:
// charts/*`) against the sequential loop of bare `helm package` + `helm push`
// per chart; beside them, the Helm commands the action runs, by hand (no
// node), and, in one more run, the Helm processes the action started, counted.
import fs from 'node:fs'
import path from 'node:path'
import { writeChart } from '../../__tests__/helpers/charts.js'
import { startMirror } from '../../__tests__/helpers/helm-mirror.js'
import { realHelm } from '../../__tests__/helpers/paths.js'
import { mapLimit } from '../../src/concurrency.js'
import { runMainTimed } from '../action.js'
import { alternate } from '../alternate.js'
import { withChildCpu } from '../cpu.js'
import {
  bareHelmEnv,
  barePublish,
  commonInputs,
  GITHUB_CONTEXT,
  HELM_VERSION,
  pushTarget,
  type Fixture
} from '../fixture.js'
import { runCommand, timed } from '../process.js'
import { figure, ms, type Measurement } from '../report.js'
import { median, pairedRatios, summarize } from '../stats.js'

interface Sample {
  ms: number
  /** CPU ms of the processes the run started (node, Helm). */
  cpuMs: number
}

export interface MonorepoOptions {
  reps: number
  charts: number
  cores: number
  /** Median ms of `node -e ""` (from measureStartup). */
  nodeStartMs: number
}

/** How many charts the action pushes at once (src/publish/publish.ts). */
const PUBLISH_CONCURRENCY = 4

function writeCharts(parent: string, count: number, round: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    writeChart(parent, {
      name: `chart-${String(i + 1).padStart(2, '0')}`,
      version: `3.0.${round}`
    })
  )
}

function monorepoInputs(
  fixture: Fixture,
  repository: string
): Record<string, string> {
  return {
    ...commonInputs(fixture),
    chart: 'charts/*',
    repository,
    'check-tag': 'false',
    'if-exists': 'skip'
  }
}

/**
 * What the action runs for one dependency level, by hand with the same Helm:
 * one `helm lint` and one `helm package` of every chart, side by side, then a
 * push per chart, `PUBLISH_CONCURRENCY` at once. No node, no read-back.
 */
async function helmByHand(
  fixture: Fixture,
  charts: readonly string[]
): Promise<void> {
  const env = bareHelmEnv(fixture)
  const helm = realHelm(HELM_VERSION)
  const [, packaged] = await Promise.all([
    runCommand(helm, ['lint', ...charts], { env }),
    runCommand(helm, ['package', ...charts, '--destination', env.HOME!], {
      env
    })
  ])
  const saved = [
    ...packaged.stdout.matchAll(/saved it to:\s*(\S.*\.tgz)\s*$/gm)
  ].map(m => m[1])
  if (saved.length !== charts.length)
    throw new Error(`helm package said:\n${packaged.stdout}`)
  const target = pushTarget(fixture, 'bench/monorepo-hand')
  await mapLimit(saved, PUBLISH_CONCURRENCY, file =>
    runCommand(helm, ['push', file, target, '--plain-http'], { env })
  )
}

/** Helm processes by subcommand, from the wrapper's argv log. */
type Counts = Map<string, { processes: number; charts: number }>

/**
 * One more run of the action, untimed, whose Helm is a wrapper that logs its
 * arguments (served by a second mirror, so this run downloads it: a cold
 * tool cache, hence one `helm version`). Counts what was started, by subcommand.
 */
async function countHelmProcesses(
  fixture: Fixture,
  charts: number
): Promise<Counts> {
  const log = path.join(fixture.scratch('argv'), 'argv.log')
  const mirror = await startMirror({
    versions: [HELM_VERSION],
    wrapArgvLog: log
  })
  try {
    const dirs = fixture.runnerDirs('monorepo-count')
    writeCharts(path.join(dirs.workspace, 'charts'), charts, 0)
    await runMainTimed({
      inputs: {
        ...monorepoInputs(fixture, 'bench/monorepo-count'),
        'helm-download-url': mirror.url
      },
      github: GITHUB_CONTEXT,
      dirs,
      env: { GITHUB_REF: 'refs/heads/main' }
    })
  } finally {
    await mirror.stop()
  }
  const counts: Counts = new Map()
  const calls = fs
    .readFileSync(log, 'utf8')
    .split(/^---$/m)
    .map(call => call.split('\n').filter(Boolean))
    .filter(args => args.length)
  for (const [command, ...rest] of calls) {
    const count = counts.get(command) ?? { processes: 0, charts: 0 }
    count.processes++
    // Chart folders named on the command line (lint, package).
    count.charts += rest.filter(a => /\/charts\/chart-\d+$/.test(a)).length
    counts.set(command, count)
  }
  return counts
}

export async function measureMonorepo(
  fixture: Fixture,
  options: MonorepoOptions
): Promise<Measurement> {
  const toolCache = fixture.scratch('monorepo-tool-cache')
  const [actionSamples, bareSamples, handSamples] = await alternate<Sample>(
    [
      {
        name: 'action',
        run: async round => {
          const dirs = fixture.runnerDirs('monorepo', toolCache)
          writeCharts(
            path.join(dirs.workspace, 'charts'),
            options.charts,
            round
          )
          const { value: run, cpuMs } = await withChildCpu(() =>
            runMainTimed({
              inputs: monorepoInputs(fixture, 'bench/monorepo-action'),
              github: GITHUB_CONTEXT,
              dirs,
              env: { GITHUB_REF: 'refs/heads/main' }
            })
          )
          const pushed = JSON.parse(run.result.outputs.charts ?? '[]') as {
            pushed: boolean
          }[]
          if (pushed.filter(c => c.pushed).length !== options.charts)
            throw new Error(`the action did not push ${options.charts} charts`)
          return { ms: run.ms, cpuMs }
        }
      },
      {
        name: 'bare helm loop',
        run: async round => {
          const charts = writeCharts(
            fixture.scratch('monorepo-bare'),
            options.charts,
            round
          )
          const { value, cpuMs } = await withChildCpu(() =>
            timed(() => barePublish(fixture, charts, 'bench/monorepo-bare'))
          )
          return { ms: value.ms, cpuMs }
        }
      },
      {
        name: 'the action’s Helm commands by hand',
        run: async round => {
          const charts = writeCharts(
            fixture.scratch('monorepo-hand'),
            options.charts,
            round
          )
          const { value, cpuMs } = await withChildCpu(() =>
            timed(() => helmByHand(fixture, charts))
          )
          return { ms: value.ms, cpuMs }
        }
      }
    ],
    options.reps
  )
  const counts = await countHelmProcesses(fixture, options.charts)
  const action = actionSamples.map(s => s.ms)
  const bare = bareSamples.map(s => s.ms)
  const ratio = summarize(pairedRatios(action, bare))
  const cpu = (samples: Sample[]): number => median(samples.map(s => s.cpuMs))
  return {
    rows: [
      {
        what: `Monorepo: ${options.charts} charts in one run`,
        workload:
          '`chart: charts/*`, `check-tag: false`, `if-exists: skip`, new versions each rep (one `helm lint` and one ' +
          `\`helm package\` of all charts, side by side, then push and read-back per chart, up to ${PUBLISH_CONCURRENCY} at once) ` +
          `vs a sequential loop of bare \`helm package\` + \`helm push\`; ${options.reps} reps`,
        action: figure(action, 'ms'),
        baseline: figure(bare, 'ms'),
        ratio,
        target: { goal: '≤ 0.50×', met: ratio.median <= 0.5 }
      }
    ],
    sections: [
      monorepoSection(options, counts, {
        action: median(action),
        bare: median(bare),
        hand: median(handSamples.map(s => s.ms)),
        ratio: ratio.median,
        cpu: {
          action: cpu(actionSamples),
          bare: cpu(bareSamples),
          hand: cpu(handSamples)
        }
      })
    ]
  }
}

interface Medians {
  action: number
  bare: number
  /** The action's Helm commands by hand. */
  hand: number
  ratio: number
  cpu: { action: number; bare: number; hand: number }
}

function monorepoSection(
  options: MonorepoOptions,
  counts: Counts,
  m: Medians
): Measurement['sections'][number] {
  const n = options.charts
  const cores = options.cores
  const count = (command: string) =>
    counts.get(command) ?? { processes: 0, charts: 0 }
  const helmProcesses = [...counts.values()].reduce(
    (sum, c) => sum + c.processes,
    0
  )
  const listed = [...counts.entries()]
    .map(
      ([command, c]) =>
        `\`helm ${command}\` × ${c.processes}` +
        (c.charts ? ` (naming ${c.charts} chart folders in all)` : '')
    )
    .join(', ')
  const version = count('version').processes
  // However well the work is spread, `cores` cores cannot burn more than
  // `cores` CPU-ms per ms: the run cannot be shorter than its CPU time / cores.
  const cpuBound = m.cpu.action / cores
  const handBound = m.cpu.hand / cores
  const floor = options.nodeStartMs + m.hand
  const pushCpu = m.cpu.bare / (2 * n)
  const lines = [
    `Helm processes the action started for ${n} charts, counted in one more run (untimed) whose Helm ` +
      `is a wrapper that logs its arguments: ${listed}; ${helmProcesses} in all` +
      (version
        ? ` (that run had an empty tool cache, so ${version} of them is the install's \`helm version\`; ` +
          `the timed runs hit the cache: ${helmProcesses - version})`
        : '') +
      `. The loop runs ${2 * n} (a package and a push per chart).`,
    '',
    `The loop spends ${ms(m.bare / n)} per chart; its Helm processes use ${ms(m.cpu.bare)} of CPU ` +
      `(${(m.cpu.bare / m.bare).toFixed(2)} cores on average). The action's run took ${ms(m.action)}, ` +
      `and its processes (node and every Helm it started) ${ms(m.cpu.action)} of CPU ` +
      `(${(m.cpu.action / m.action).toFixed(2)} cores on average, of ${cores}). The same Helm commands ` +
      `by hand, with no node (one lint ∥ one package, then ${n} pushes ${PUBLISH_CONCURRENCY} at once), ` +
      `took ${ms(m.hand)} and ${ms(m.cpu.hand)} of CPU. CPU is user + system time of the processes each ` +
      'side started (/proc/self/stat cutime + cstime of the benchmark), so other work on the machine is ' +
      'not in it; the registry’s is not either.',
    '',
    `**The floor.** With no JavaScript cost at all the action would still start node ` +
      `(${ms(options.nodeStartMs)}) and run those Helm commands: ${ms(floor)}, ` +
      `${(floor / m.bare).toFixed(2)}× the loop. And ${cores} cores cannot run faster than the CPU work ` +
      `divided by ${cores}: ${ms(handBound)} for the Helm commands alone ` +
      `(${(handBound / m.bare).toFixed(2)}× the loop), ${ms(cpuBound)} for the action's whole process ` +
      `tree (${(cpuBound / m.bare).toFixed(2)}×).`
  ]
  if (m.ratio > 0.5) {
    lines.push(
      '',
      `**Target ≤ 0.50× not met (${m.ratio.toFixed(2)}×: ${ms(m.action - 0.5 * m.bare)} over ` +
        `0.50 × ${ms(m.bare)}).** The action's Helm commands alone, by hand with no node, take ` +
        `${ms(m.hand)}, ${(m.hand / m.bare).toFixed(2)}× the loop and ` +
        `${((m.hand / m.action) * 100).toFixed(0)}% of the action's run; with node's start the floor is ` +
        `${(floor / m.bare).toFixed(2)}×` +
        (floor / m.bare > 0.5
          ? `, above the target: on ${cores} cores no action that runs these Helm commands (a lint and a ` +
            `package per level, a push per chart, ${PUBLISH_CONCURRENCY} at once) meets it. `
          : '. ') +
        `Those Helm commands keep ${(m.cpu.hand / m.hand).toFixed(2)} of the ${cores} cores busy on average ` +
        `(the rest of the time they wait on the registry and on process starts); their CPU divided by ` +
        `${cores} (${(handBound / m.bare).toFixed(2)}×) is the limit for any schedule of them. The ` +
        `${n} pushes are ${n} Helm processes (the loop's Helm processes take ${ms(pushCpu)} of CPU each, ` +
        'on average), and `helm push` takes one package, so they cannot be batched. Left over the floor: ' +
        `the action's own JavaScript, ${ms(m.action - floor)} (start-up and the JS load of the release ` +
        'path as in a single-chart release, the lookups, a read-back per chart, the summary). Done in ' +
        'src/ (#15): one `helm lint` and one `helm package` per dependency level, side by side (counted ' +
        'above), instead of one of each per chart. The CPU bound halves on the 4-core runners GitHub ' +
        'gives public repositories.'
    )
  }
  return { title: 'Monorepo', lines }
}
