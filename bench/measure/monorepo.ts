// 3. A monorepo: N charts released by one run of the action (`chart:
// charts/*`, up to 4 at once) against the sequential loop of bare `helm
// package` + `helm push` per chart.
import path from 'node:path'
import { writeChart } from '../../__tests__/helpers/charts.js'
import { runMainTimed } from '../action.js'
import { alternate } from '../alternate.js'
import { withChildCpu } from '../cpu.js'
import {
  barePublish,
  commonInputs,
  GITHUB_CONTEXT,
  type Fixture
} from '../fixture.js'
import { timed } from '../process.js'
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
  /** Median ms of each step of a single-chart release (from measurePublish). */
  singleSteps: Map<string, number>
}

/** How many charts the action packages and pushes at once (src/main.ts). */
const PUBLISH_CONCURRENCY = 4

function writeCharts(parent: string, count: number, round: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    writeChart(parent, {
      name: `chart-${String(i + 1).padStart(2, '0')}`,
      version: `3.0.${round}`
    })
  )
}

export async function measureMonorepo(
  fixture: Fixture,
  options: MonorepoOptions
): Promise<Measurement> {
  const toolCache = fixture.scratch('monorepo-tool-cache')
  const [actionSamples, bareSamples] = await alternate<Sample>(
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
              inputs: {
                ...commonInputs(fixture),
                chart: 'charts/*',
                repository: 'bench/monorepo-action',
                'check-tag': 'false',
                'if-exists': 'skip'
              },
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
      }
    ],
    options.reps
  )
  const action = actionSamples.map(s => s.ms)
  const bare = bareSamples.map(s => s.ms)
  const ratio = summarize(pairedRatios(action, bare))
  const cpu = {
    action: median(actionSamples.map(s => s.cpuMs)),
    bare: median(bareSamples.map(s => s.cpuMs))
  }
  return {
    rows: [
      {
        what: `Monorepo: ${options.charts} charts in one run`,
        workload:
          `\`chart: charts/*\`, \`check-tag: false\`, \`if-exists: skip\`, new versions each rep (lint, package, push, verify each; up to ${PUBLISH_CONCURRENCY} at once) ` +
          `vs a sequential loop of bare \`helm package\` + \`helm push\`; ${options.reps} reps`,
        action: figure(action, 'ms'),
        baseline: figure(bare, 'ms'),
        ratio,
        target: { goal: '≤ 0.50×', met: ratio.median <= 0.5 }
      }
    ],
    sections: [
      monorepoSection(options, {
        action: median(action),
        bare: median(bare),
        ratio: ratio.median,
        cpu
      })
    ]
  }
}

interface Medians {
  action: number
  bare: number
  ratio: number
  cpu: { action: number; bare: number }
}

function monorepoSection(
  options: MonorepoOptions,
  m: Medians
): Measurement['sections'][number] {
  const step = (label: string): number => options.singleSteps.get(label) ?? 0
  const lint = step('dependencies (none), `helm lint`')
  const helmPerChart = lint + step('`helm package`') + step('`helm push`')
  const cores = options.cores
  // However well the work is spread, `cores` cores cannot burn more than
  // `cores` CPU-ms per ms: the run cannot be shorter than its CPU time / cores.
  const floor = m.cpu.action / cores
  const lines = [
    `The loop spends ${ms(m.bare / options.charts)} per chart; its Helm processes use ` +
      `${ms(m.cpu.bare)} of CPU (${(m.cpu.bare / m.bare).toFixed(2)} cores on average). ` +
      `The action's run took ${ms(m.action)}, and its processes (node and every Helm it started) ` +
      `${ms(m.cpu.action)} of CPU (${(m.cpu.action / m.action).toFixed(2)} cores on average, of ${cores}). ` +
      'CPU is user + system time of the processes each side started (/proc/self/stat cutime + cstime ' +
      'of the benchmark), so other work on the machine is not in it; the registry’s is not either.',
    '',
    `Per chart the action runs three Helm processes (lint ${ms(lint)}, package, push: ` +
      `${ms(helmPerChart)} in a single-chart release) where the loop runs two, and reads each ` +
      `manifest back. The loop runs one Helm at a time, and that Helm is on a CPU ` +
      `${((m.cpu.bare / m.bare) * 100).toFixed(0)}% of the time (the rest is waiting for the registry ` +
      'and for process starts): Helm’s work here (mostly the start-up of a ~60 MB Go binary) is ' +
      'mostly CPU, and a parallel pool can only divide CPU work by the number of cores: on ' +
      `${cores} cores the action's run cannot be shorter than ` +
      `${ms(m.cpu.action)} / ${cores} = ${ms(floor)}, i.e. ${(floor / m.bare).toFixed(2)}× the loop. ` +
      `It took ${ms(m.action)}: what its own processes leave of the ${cores} cores goes to the ` +
      'registry (not measured here) and to the parts of the run that are sequential (start-up, the ' +
      'Helm check, the lookups, the summary).'
  ]
  if (m.ratio > 0.5) {
    lines.push(
      '',
      `**Target ≤ 0.50× not met (${m.ratio.toFixed(2)}×).** The bound above is the reason: ` +
        `the action's CPU work (${ms(m.cpu.action)}) is ${(m.cpu.action / m.cpu.bare).toFixed(2)}× the ` +
        `loop's (${ms(m.cpu.bare)}), and ${cores} cores can divide it by ${cores} at most, not by the ` +
        `${PUBLISH_CONCURRENCY} charts in flight. 0.5× needs at least ` +
        `${Math.ceil((2 * m.cpu.action) / m.bare)} cores with today's CPU work, or less CPU work per chart. ` +
        'Plan (for src/, by the lead developer): (1) lint all charts of a level in one ' +
        '`helm lint dir1 dir2 …` (Helm lints several charts in one process), saving one Helm ' +
        'start per chart; (2) re-run `npm run bench` on the 4-core runners GitHub gives public ' +
        'repositories, where the bound above halves.'
    )
  }
  return { title: 'Monorepo', lines }
}
