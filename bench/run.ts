// `npm run bench`: measures the action against the bare commands it replaces
// and writes BENCHMARKS.md. `npm run bench -- --quick` runs a reduced set and
// `-- --smoke` every measurement once on the smallest workloads (what the
// test suite runs); both print the report instead of writing the file (see
// plans.ts). `--out <file>` writes the report to that file in any mode.
//
// Needs what the integration tests need: dist/index.js (`npm run bundle`),
// the Helm binaries (`npm run setup`) and the CNCF distribution registry.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import * as prettier from 'prettier'
import { HELM4, realHelm, repoRoot } from '../__tests__/helpers/paths.js'
import { startFixture } from './fixture.js'
import { describeMachine } from './machine.js'
import { renderReport } from './markdown.js'
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
import { PLANS, type Mode } from './plans.js'
import type { Row, Section } from './report.js'

interface Args {
  mode: Mode
  out?: string
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'full' }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') args.mode = 'quick'
    else if (argv[i] === '--smoke') args.mode = 'smoke'
    else if (argv[i] === '--out' && argv[i + 1]) args.out = argv[++i]
    else
      throw new Error(
        `unknown argument '${argv[i]}' (use --quick or --smoke, --out <file>)`
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
  const rows: Row[] = []
  const sections: Section[] = []
  const fixture = await startFixture()
  try {
    log('5. start-up and bundle size')
    const startup = await measureStartup({ reps: plan.startupReps })
    log('1. publish one chart, warm tool cache, with and without the post step')
    const publish = await measurePublish(fixture, {
      reps: plan.reps,
      nodeStartMs: startup.nodeMs,
      failFastMs: startup.failFastMs
    })
    log('2. installing Helm: cold, warm, system, `curl | tar` + `sha256sum`')
    const install = await measureInstall(fixture, { reps: plan.reps })
    log(`3. monorepo of ${plan.monorepoCharts} charts`)
    const monorepo = await measureMonorepo(fixture, {
      reps: plan.reps,
      charts: plan.monorepoCharts,
      cores: machine.cores,
      nodeStartMs: startup.nodeMs
    })
    log('4. GitOps scan and clone')
    const gitops = await measureGitops(
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
    )
    log(`6. rendered preview: 1 and ${plan.renderPlaces} Applications`)
    const render = await measureRender(fixture, {
      reps: plan.renderReps,
      places: plan.renderPlaces
    })
    log('7. keyless signing: legacy, and both layouts with provenance')
    const signing = await measureSigning(fixture, { reps: plan.signingReps })
    // In the order of the issue: publish, install, monorepo, GitOps, start-up;
    // then the rendered preview (issue 13) and signing.
    for (const m of [
      publish,
      install,
      monorepo,
      gitops,
      startup,
      render,
      signing
    ]) {
      rows.push(...m.rows)
      sections.push(...m.sections)
    }
  } finally {
    await fixture.stop()
  }
  const markdown = renderReport({
    machine,
    mode: args.mode,
    date: new Date().toISOString().slice(0, 10),
    minutes: (performance.now() - started) / 60_000,
    load: { start: loadStart, end: os.loadavg()[0] },
    rows,
    sections
  })
  // Formatted as `npm run format:check` wants it, so the written file passes.
  const report = await prettier.format(markdown, {
    ...(await prettier.resolveConfig(path.join(repoRoot, 'BENCHMARKS.md'))),
    parser: 'markdown'
  })
  const out =
    args.out ??
    (args.mode === 'full' ? path.join(repoRoot, 'BENCHMARKS.md') : undefined)
  if (out) {
    // Keep what bench/unread-values.ts wrote there: it runs on its own.
    const before = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : ''
    const kept = sectionOf(before, UNREAD_VALUES_HEADING)
    fs.writeFileSync(
      out,
      kept ? withSection(report, UNREAD_VALUES_HEADING, kept) : report
    )
    log(`wrote ${path.relative(process.cwd(), out) || out}`)
  } else {
    process.stdout.write(report)
  }
}

await main()
