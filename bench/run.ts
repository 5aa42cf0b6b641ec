// `npm run bench`: measures the action against the bare commands it replaces
// and writes BENCHMARKS.md. `npm run bench -- --quick` runs a reduced set and
// `-- --smoke` every measurement once on the smallest workloads (what the
// test suite runs); both print the report instead of writing the file (see
// plans.ts). `--out <file>` writes the report to that file in any mode.
// `--only mirror,render` runs those measurements alone; a full run then puts
// their rows and sections into BENCHMARKS.md, the others kept (merge.ts).
//
// Needs what the integration tests need: dist/index.js (`npm run bundle`),
// the Helm binaries (`npm run setup`) and the CNCF distribution registry.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import * as prettier from 'prettier'
import { HELM4, realHelm, repoRoot } from '../__tests__/helpers/paths.js'
import { startFixture, type Fixture } from './fixture.js'
import { describeMachine, type Machine } from './machine.js'
import { renderReport, rowLine, sectionText, whatCell } from './markdown.js'
import { mergeReport } from './merge.js'
import { measureMirror } from './measure/mirror.js'
import { measureGitops } from './measure/gitops.js'
import { measureInstall } from './measure/install.js'
import { measureMonorepo } from './measure/monorepo.js'
import { measurePublish } from './measure/publish.js'
import { measureRender } from './measure/render.js'
import { measureSigning } from './measure/signing.js'
import { measureStartup } from './measure/startup.js'
import {
  sectionOf,
  UNREAD_VALUES_HEADING,
  withSection
} from './kept-sections.js'
import { PLANS, type Mode, type Plan } from './plans.js'
import type { Measurement, Row, Section } from './report.js'

/** The measurements, in the order the report lists them. */
const NAMES = [
  'publish',
  'install',
  'monorepo',
  'gitops',
  'startup',
  'render',
  'signing',
  'mirror'
] as const
type Name = (typeof NAMES)[number]

interface Args {
  mode: Mode
  out?: string
  /** Only these measurements (`--only a,b`); all when absent. */
  only?: Name[]
}

function parseOnly(list: string): Name[] {
  const names = list.split(',').map(name => name.trim())
  const unknown = names.filter(
    name => !(NAMES as readonly string[]).includes(name)
  )
  if (unknown.length || !names.length)
    throw new Error(
      `unknown measurement '${unknown.join(',')}' in --only (use ${NAMES.join(', ')})`
    )
  return NAMES.filter(name => names.includes(name))
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'full' }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') args.mode = 'quick'
    else if (argv[i] === '--smoke') args.mode = 'smoke'
    else if (argv[i] === '--out' && argv[i + 1]) args.out = argv[++i]
    else if (argv[i] === '--only' && argv[i + 1])
      args.only = parseOnly(argv[++i])
    else
      throw new Error(
        `unknown argument '${argv[i]}' (use --quick or --smoke, --out <file>, --only <measurements>)`
      )
  }
  return args
}

function checkPrerequisites(): void {
  const missing: string[] = []
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js')))
    missing.push("dist/index.js: run 'npm run bundle'")
  if (!fs.existsSync(realHelm(HELM4)))
    missing.push("the Helm binaries: run 'npm run setup'")
  if (missing.length) throw new Error(`bench needs ${missing.join('; ')}`)
}

type Log = (message: string) => void

/** How each measurement runs; start-up's node figures are shared by publish and monorepo. */
function measurements(
  fixture: Fixture,
  plan: Plan,
  machine: Machine,
  log: Log
): Record<Name, () => Promise<Measurement>> {
  let startup: ReturnType<typeof measureStartup> | undefined
  const startupOnce = (): ReturnType<typeof measureStartup> =>
    (startup ??= measureStartup({ reps: plan.startupReps }))
  return {
    startup: startupOnce,
    publish: async () => {
      const { nodeMs, failFastMs } = await startupOnce()
      return measurePublish(fixture, {
        reps: plan.reps,
        nodeStartMs: nodeMs,
        failFastMs
      })
    },
    install: () => measureInstall(fixture, { reps: plan.reps }),
    monorepo: async () =>
      measureMonorepo(fixture, {
        reps: plan.reps,
        charts: plan.monorepoCharts,
        cores: machine.cores,
        nodeStartMs: (await startupOnce()).nodeMs
      }),
    gitops: () =>
      measureGitops(
        fixture,
        {
          reps: plan.reps,
          sizes: plan.gitopsSizes,
          timeTargets: new Map([
            [10_000, 1_000],
            [100_000, 3_000]
          ]),
          cloneSize: plan.cloneSize
        },
        log
      ),
    render: () =>
      measureRender(fixture, {
        reps: plan.renderReps,
        sizes: plan.renderPlaces
      }),
    signing: () => measureSigning(fixture, { reps: plan.signingReps }),
    mirror: () =>
      measureMirror(fixture, {
        reps: plan.mirrorReps,
        versions: plan.mirrorVersions,
        cores: machine.cores
      })
  }
}

/** What the log says as each measurement starts. */
function title(name: Name, plan: Plan): string {
  const sizes = plan.renderPlaces.map(size => size.places).join(', ')
  return {
    startup: '5. start-up and bundle size',
    publish:
      '1. publish one chart, warm tool cache, with and without the post step',
    install:
      '2. installing Helm: cold, warm, system, `curl | tar` + `sha256sum`',
    monorepo: `3. monorepo of ${plan.monorepoCharts} charts`,
    gitops: '4. GitOps scan and clone',
    render: `6. rendered preview: 1 and ${sizes} Applications`,
    signing: '7. keyless signing: legacy, and both layouts with provenance',
    mirror: `8. mirror: ${plan.mirrorVersions} versions, OCI and classic, vs helm pull + push`
  }[name]
}

/** Start-up runs first (publish and monorepo use its figures), the rest in the report's order. */
const RUN_ORDER: readonly Name[] = [
  'startup',
  ...NAMES.filter(name => name !== 'startup')
]

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  checkPrerequisites()
  const plan = PLANS[args.mode]
  const machine = describeMachine()
  const started = performance.now()
  const loadStart = os.loadavg()[0]
  const log = (message: string): void => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    process.stderr.write(`bench [${seconds.padStart(6)} s] ${message}\n`)
  }
  const selected = args.only ?? NAMES
  const done = new Map<Name, Measurement>()
  const fixture = await startFixture()
  try {
    const measure = measurements(fixture, plan, machine, log)
    for (const name of RUN_ORDER.filter(n => selected.includes(n))) {
      log(title(name, plan))
      done.set(name, await measure[name]())
    }
  } finally {
    await fixture.stop()
  }
  // In the order of the issue: publish, install, monorepo, GitOps, start-up;
  // then the rendered preview (issue 13), signing and the mirror (issue 27).
  const results = NAMES.flatMap(name => done.get(name) ?? [])
  const rows: Row[] = results.flatMap(m => m.rows)
  const sections: Section[] = results.flatMap(m => m.sections)
  const minutes = (performance.now() - started) / 60_000
  const load = { start: loadStart, end: os.loadavg()[0] }
  const report = await formatted(
    renderReport({
      machine,
      mode: args.mode,
      date: new Date().toISOString().slice(0, 10),
      minutes,
      load,
      rows,
      sections
    })
  )
  const out =
    args.out ??
    (args.mode === 'full' ? path.join(repoRoot, 'BENCHMARKS.md') : undefined)
  if (!out) {
    process.stdout.write(report)
    return
  }
  const before = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : ''
  if (args.only && before.includes('\n| what')) {
    const names = args.only.join(',')
    const merged = mergeReport(before, {
      groups: results.map(m => ({
        rows: m.rows.map(row => ({
          what: whatCell(row),
          line: rowLine(row, machine)
        }))
      })),
      sections: sections.map(section => ({
        title: section.title,
        text: sectionText(section)
      })),
      note:
        `Re-measured ${new Date().toISOString().slice(0, 10)} by ` +
        `\`npm run bench -- ${args.mode === 'full' ? '' : `--${args.mode} `}--only ${names}\` ` +
        `(${minutes.toFixed(1)} min): the rows and sections of ${args.only.join(', ')}, on the machine each ` +
        `row names; 1-minute load average ${load.start.toFixed(2)} at the start, ${load.end.toFixed(2)} at ` +
        'the end. The other figures are from the run above.',
      noteKey: `--only ${names}\``,
      before: UNREAD_VALUES_HEADING
    })
    fs.writeFileSync(out, await formatted(merged))
  } else {
    // Keep what bench/unread-values.ts wrote there: it runs on its own.
    const kept = sectionOf(before, UNREAD_VALUES_HEADING)
    fs.writeFileSync(
      out,
      kept ? withSection(report, UNREAD_VALUES_HEADING, kept) : report
    )
  }
  log(`wrote ${path.relative(process.cwd(), out) || out}`)
}

/** Formatted as `npm run format:check` wants it, so the written file passes. */
async function formatted(markdown: string): Promise<string> {
  return prettier.format(markdown, {
    ...(await prettier.resolveConfig(path.join(repoRoot, 'BENCHMARKS.md'))),
    parser: 'markdown'
  })
}

await main()
