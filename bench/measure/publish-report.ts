// What a publish run is made of (its steps as the log shows them, the
// samples each side yields) and how BENCHMARKS.md says it: the section
// "Publish overhead", its floor and, for each #27 target missed, what the
// floor leaves the action. bench/measure/publish.ts measures.
import path from 'node:path'
import type { Milestone } from '../action.js'
import { kib, totalBytes, DIST } from '../loaded.js'
import { ms, type Section } from '../report.js'
import { median } from '../stats.js'
import {
  postFloorSentence,
  postTargetMissed,
  started,
  type PostSample
} from './post-step.js'

/** Issue #27's targets: with lint on (the default), and with `lint: false`. */
export const LINT_TARGET = 1.5
export const NO_LINT_TARGET = 1.35

/** From spawn until the first log group: what runs before the release's first step. */
export const STARTUP_STEP =
  'node start-up; JS load (entry, inputs, then the release path); inputs read'
const INSTALL_STEP =
  'install Helm: tool-cache hit, no `helm version` (the lookup runs meanwhile)'
const LOOKUP_STEP =
  'registry lookup (HEAD manifest): the wait left after the install, its lines'
const LINT_PACKAGE_STEP =
  '`helm lint` ∥ `helm package`, side by side (their output printed once both are done)'
const PUSH_STEP = '`helm push`'
const VERIFY_STEP = 'read-back (GET manifest)'

/**
 * Where each step of a single-chart release starts in the action's log
 * (dist/ as of the split and batch changes of #15). The registry lookup starts
 * at the end of "Check the tag" and runs during the install; it prints in its
 * own group after it. Lint and package start together once the dependencies
 * are done; their output (`[command]` lines first) arrives when both exited.
 */
export const PUBLISH_STEPS: readonly Milestone[] = [
  { label: 'read Chart.yaml', match: /^::group::Read Chart\.yaml/ },
  {
    label: 'check the tag; start the registry lookup',
    match: /^::group::Check the tag/
  },
  { label: INSTALL_STEP, match: /^::group::Install Helm/ },
  { label: LOOKUP_STEP, match: /^::group::Look up the versions/ },
  {
    label: 'sandbox for Helm (folders, credentials files)',
    match: /^::endgroup::$/,
    after: /^::group::Look up the versions/
  },
  { label: 'login (skipped: anonymous)', match: /^::group::Log in/ },
  { label: 'dependencies (none)', match: /^::group::Package and push/ },
  { label: LINT_PACKAGE_STEP, match: /^The chart declares no dependencies\./ },
  {
    label: 'check the lint, keep the package, sha256 of the package',
    match: /^\[command\]\S+ (lint|package) /
  },
  { label: PUSH_STEP, match: /^\[command\]\S+ push / },
  { label: VERIFY_STEP, match: /^Pushed [^:]/ },
  {
    label: 'outputs, job summary, clean-up, exit',
    match: /^The registry serves /
  }
]

/** What each step has in common with the bare commands. */
const IN_BASELINE = new Map([
  [LINT_PACKAGE_STEP, 'its `helm package`'],
  [PUSH_STEP, 'yes']
])

export interface ActionSample extends PostSample {
  steps: Map<string, number>
}

/** A run with `lint: false` (no post step: its row compares the main step). */
export interface NoLintSample {
  main: number
}

export interface BareSample {
  total: number
  packageMs: number
  pushMs: number
}

/** The action's Helm commands, run by hand with the same binary (no node). */
export interface HandSample {
  version: number
  lint: number
  lintAndPackage: number
}

export interface Loaded {
  main: string[]
  post: string[]
}

/** The files of dist/ that main and post load in a publish (hook in NODE_OPTIONS). */

/** The median of each step over the runs (a step missing from a run counts 0). */
export function medianSteps(
  runs: readonly Map<string, number>[]
): Map<string, number> {
  const labels = [...new Set(runs.flatMap(run => [...run.keys()]))]
  return new Map(
    labels.map(label => [label, median(runs.map(run => run.get(label) ?? 0))])
  )
}

interface Samples {
  action: ActionSample[]
  bare: BareSample[]
  hand: HandSample[]
  /** `node -e ""`. */
  node: number
  /** The fail-fast start-up (entry, main, inputs) over `node -e ""`. */
  failFast: number
  ratio: number
  ratioPost: number
  noLint: NoLintSample[]
  ratioNoLint: number
  loaded: Loaded
}

const x = (ratio: number): string => `${ratio.toFixed(2)}×`

/** `123 KiB in 3 files (a.js 100 KiB, b.js 20 KiB, c.js 3 KiB)`, largest first. */
function files(list: readonly string[]): string {
  const sized = list
    .map(f => ({ name: path.relative(DIST, f), bytes: totalBytes([f]) }))
    .sort((a, b) => b.bytes - a.bytes)
  return `${kib(totalBytes(list))} in ${list.length} files (${sized
    .map(f => `${f.name} ${kib(f.bytes)}`)
    .join(', ')})`
}

export function publishSection(s: Samples): Section {
  const steps = medianSteps(s.action.map(a => a.steps))
  const step = (label: string): number => steps.get(label) ?? 0
  const order = [STARTUP_STEP, ...PUBLISH_STEPS.map(m => m.label)]
  const of = <T>(samples: T[], f: (t: T) => number): number =>
    median(samples.map(f))
  const main = of(s.action, a => a.main)
  const post = of(s.action, a => a.post)
  const bare = of(s.bare, b => b.total)
  const pkg = of(s.bare, b => b.packageMs)
  const push = of(s.bare, b => b.pushMs)
  const version = of(s.hand, h => h.version)
  const lint = of(s.hand, h => h.lint)
  const both = of(s.hand, h => h.lintAndPackage)
  // Paired per round: the same machine moment on both sides.
  const lintAdds = median(
    s.hand.map((h, i) => h.lintAndPackage - s.bare[i].packageMs)
  )
  const jsLoad = step(STARTUP_STEP) - s.node
  const readBack = step(VERIFY_STEP)
  // What a node action that lints, pushes and reads back must pay even if
  // its own JavaScript took no time at all.
  const floor = s.node + both + push + readBack
  const floorNoLint = s.node + pkg + push + readBack
  const floorPost = floor + s.node
  const own = main - floor
  const helmSteps = new Set([LINT_PACKAGE_STEP, PUSH_STEP, VERIFY_STEP])
  const rest = order
    .filter(label => !helmSteps.has(label) && label !== STARTUP_STEP)
    .map(label => ({ label, value: step(label) }))
    .sort((a, b) => b.value - a.value)
  const restSum = rest.reduce((sum, r) => sum + r.value, 0)
  const lines = [
    'Where the action’s time goes (median of each step over the timed runs, from when each ' +
      'line arrived from the child process; a step lasts until the next one starts). The ' +
      'milestones follow today’s log: the registry lookup starts at the end of the tag check ' +
      'and runs while Helm is installed (its lines are printed in its group after the install); ' +
      '`helm lint` and `helm package` start together and their output, `[command]` lines ' +
      'included, is printed once both exited, so the log cannot split them: the by-hand ' +
      'figures below do.',
    '',
    '| step | median | also in the baseline? |',
    '| --- | --- | --- |',
    ...order.map(
      label =>
        `| ${label} | ${ms(step(label))} | ${IN_BASELINE.get(label) ?? 'no'} |`
    ),
    `| whole run (main step) | ${ms(main)} | bare commands: ${ms(bare)} |`,
    `| post step (\`node dist/post.js\`, its own process; a runner starts it after ` +
      `${started(s.action)} of ${s.action.length} runs) | ${ms(post)} | no |`,
    '',
    'The same Helm binary run by hand, in the same rounds (medians): ' +
      `\`helm package\` alone ${ms(pkg)} and \`helm push\` ${ms(push)} (the bare side's own commands); ` +
      `\`helm lint\` alone ${ms(lint)}; \`helm lint\` ∥ \`helm package\` side by side ${ms(both)}, ` +
      `so here the lint beside the package adds ${ms(lintAdds)} of wall time ` +
      `(median of the paired differences) where run after it, it would add ${ms(lint)}; ` +
      `\`helm version\` ${ms(version)}. Node: \`node -e ""\` ${ms(s.node)} (see Start-up).`,
    '',
    `**The floor.** A node action that lints, pushes and reads the manifest back pays, even if its ` +
      `own JavaScript took no time: node's start (${ms(s.node)}), lint ∥ package (${ms(both)}), ` +
      `push (${ms(push)}) and the read-back (${ms(readBack)}, one GET on loopback): ` +
      `${ms(floor)}, ${x(floor / bare)} the bare commands (${x(floorNoLint / bare)} with \`lint: false\`). ` +
      postFloorSentence(s.action, floorPost, bare) +
      `The action's own JavaScript is the rest: ${ms(own)} of the ${ms(main)} run (main − floor). ` +
      `By the step table, the JS load of the release path (from the spawn to the first log group, ` +
      `\`::group::Read Chart.yaml\`, minus \`node -e ""\`) is ${ms(jsLoad)}: ${ms(s.failFast)} of it ` +
      'the entry, main and the inputs (the fail-fast start-up, see Start-up), the rest ' +
      `(${ms(jsLoad - s.failFast)}) the release path's modules. The steps between ` +
      `the Helm commands take ${ms(restSum)} (${rest
        .slice(0, 3)
        .map(r => `${r.label}: ${ms(r.value)}`)
        .join('; ')}). ` +
      `The main step loads ${files(s.loaded.main)}; the post step ${files(s.loaded.post)} ` +
      `(counted in one more, untimed, run by a module hook).`
  ]
  const done =
    'Done in src/ (#15), as measured here: a tool-cache hit no longer runs `helm version` ' +
    `(${ms(version)} by hand; the install step is now ${ms(step(INSTALL_STEP))}); ` +
    'the registry lookup runs during the install; lint and package run side by side ' +
    `(+${ms(lintAdds)} over package alone instead of +${ms(lint)}); main reads its inputs before ` +
    'it loads the release path, and GitOps, signing and the preview are chunks only their runs load; ' +
    `the post step is its own small entry (${ms(post)}, against ${ms(s.node)} for \`node -e ""\`).` +
    ' In #27: the bundle takes node’s own modules through `process.getBuiltinModule`, not an ESM ' +
    'import, whose facade ran every lazy getter (`node:http` loaded node’s undici, and with it ' +
    'crypto, tls, http2 and zlib); the installer loads four functions of semver, not all of it.'
  if (s.ratio > LINT_TARGET) {
    const over = main - LINT_TARGET * bare
    lines.push(
      '',
      `**Target ≤ 1.50× not met (${x(s.ratio)}: ${ms(over)} over 1.50 × ${ms(bare)}).** ` +
        (floor / bare > LINT_TARGET
          ? `The floor above is ${x(floor / bare)}: with lint on (the default) no node action can meet ` +
            'the target on a chart this small, and the gap is per run, not per byte of chart. '
          : `The floor above is ${x(floor / bare)}: the target leaves the action's own JavaScript ` +
            `${ms(LINT_TARGET * bare - floor)} per run (1.50 × ${ms(bare)} − the floor), ` +
            (LINT_TARGET * bare - floor < s.failFast
              ? `less than node takes to load the entry and read the inputs alone (${ms(s.failFast)}, see Start-up). `
              : 'so a node action could meet it. ')) +
        `${done} Left: the action's own JavaScript (${ms(own)}), mostly the JS load of the release path ` +
        `(${ms(jsLoad)}, ${ms(jsLoad - s.failFast)} of it past the inputs) and the steps between the ` +
        `Helm commands (${ms(restSum)}).`
    )
  }
  const postMissed = postTargetMissed(
    s.action,
    s.ratioPost,
    floorPost,
    bare,
    s.node
  )
  if (postMissed)
    lines.push('', postMissed + (s.ratio > LINT_TARGET ? '' : ` ${done}`))
  const noLint = of(s.noLint, n => n.main)
  lines.push(
    '',
    `**With \`lint: false\`** the run took ${ms(noLint)}, ${x(s.ratioNoLint)} the bare commands ` +
      `(target ≤ 1.35×: ${s.ratioNoLint <= NO_LINT_TARGET ? 'met' : 'not met'}); its floor, ` +
      `node's start, \`helm package\`, push and read-back, is ${ms(floorNoLint)} ` +
      `(${x(floorNoLint / bare)}), so its own JavaScript is ${ms(noLint - floorNoLint)}; the target leaves it ` +
      `${ms(Math.max(0, NO_LINT_TARGET * bare - floorNoLint))}.`
  )
  return { title: 'Publish overhead (warm tool cache)', lines }
}
