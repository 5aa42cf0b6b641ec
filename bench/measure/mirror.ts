// 8. The mirror (issue #27): N versions of a chart copied by one run of the
// mirror action (dist/mirror.js, as a runner runs `uses: …/mirror@v1`), from
// an OCI registry and from a classic repository (index.yaml and packages
// over loopback HTTP, as the mirror's end-to-end tests serve one), against
// the recipe it replaces (mirror/README.md, "Why not a CronJob"): a nightly
// loop of `helm pull` + `helm push` per version, one after another, with the
// same Helm. The source is a second registry, so no blob can be mounted; each
// repetition copies into new destination repositories, so every version is
// copied, never skipped. The mirror's peak RSS is read inside its process.
import path from 'node:path'
import { writeChart } from '../../__tests__/helpers/charts.js'
import { serveClassic } from '../../__tests__/helpers/mirror-e2e.js'
import { realHelm, repoRoot } from '../../__tests__/helpers/paths.js'
import {
  startRegistry,
  type Registry
} from '../../__tests__/helpers/registry.js'
import { mapLimit } from '../../src/concurrency.js'
import { MIRROR_CONCURRENCY } from '../../src/mirror/run.js'
import { runMainTimed } from '../action.js'
import { alternate } from '../alternate.js'
import { withChildCpu } from '../cpu.js'
import {
  bareHelmEnv,
  GITHUB_CONTEXT,
  HELM_VERSION,
  pushTarget,
  type Fixture
} from '../fixture.js'
import { runCommand, timed } from '../process.js'
import { figure, ms, type Measurement, type Row } from '../report.js'
import { median, pairedRatios, summarize } from '../stats.js'

export interface MirrorOptions {
  reps: number
  /** Chart versions each run copies. */
  versions: number
  cores: number
}

const CHART = 'bench-mirror'
const MIRROR_YML = path.join(repoRoot, 'mirror', 'action.yml')
/** The issue's target for both sources. */
const TARGET = 0.2

/** Where the versions come from, as a line of `charts` and as Helm pulls them. */
interface Source {
  kind: 'oci' | 'classic'
  /** The line of the mirror's `charts` input. */
  line: string
  /** The loop's setup before its pulls (`helm repo add`), if any. */
  setup: string[][]
  /** `helm pull` arguments of one version. */
  pull(version: string): string[]
}

interface Sample {
  ms: number
  cpuMs: number
  /** Peak RSS of the mirror's node process, MB (the loop: none). */
  rssMB?: number
}

/** Prints the node process's peak RSS (kB) on stderr at exit: `--import` it. */
const RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import { writeSync } from 'node:fs'",
    "process.on('exit', () => writeSync(2, '\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'))"
  ].join('\n')
)}`

function peakRssMB(stderr: string): number {
  const kb = /^MAXRSS (\d+)$/m.exec(stderr)
  if (!kb) throw new Error(`the mirror did not report its peak RSS:\n${stderr}`)
  return Number(kb[1]) / 1024
}

/** The versions, packaged by one `helm package`; returns the .tgz paths. */
async function packageVersions(
  fixture: Fixture,
  versions: readonly string[]
): Promise<string[]> {
  const dir = fixture.scratch('mirror-packages')
  const charts = versions.map(version =>
    writeChart(path.join(dir, 'src', version), { name: CHART, version })
  )
  await runCommand(
    realHelm(HELM_VERSION),
    ['package', ...charts, '--destination', dir],
    { env: bareHelmEnv(fixture) }
  )
  return versions.map(version => path.join(dir, `${CHART}-${version}.tgz`))
}

/** The upstream registry, holding every version (pushed 4 at once). */
async function ociSource(
  fixture: Fixture,
  files: readonly string[]
): Promise<{ registry: Registry; source: Source }> {
  const registry = await startRegistry()
  const env = bareHelmEnv(fixture)
  await mapLimit(files, 4, file =>
    runCommand(
      realHelm(HELM_VERSION),
      ['push', file, `oci://${registry.host}/charts`, '--plain-http'],
      { env }
    )
  )
  const ref = `oci://${registry.host}/charts/${CHART}`
  return {
    registry,
    source: {
      kind: 'oci',
      line: `${ref} >=0.0.0`,
      setup: [],
      pull: version => ['pull', ref, '--version', version, '--plain-http']
    }
  }
}

/** One mirror run of every version into `repository`. */
async function mirrorRun(
  fixture: Fixture,
  source: Source,
  repository: string,
  toolCache: string,
  versions: number
): Promise<Sample> {
  const { value: run, cpuMs } = await withChildCpu(() =>
    runMainTimed({
      actionYmlPath: MIRROR_YML,
      inputs: {
        charts: source.line,
        registry: fixture.registry.host,
        repository,
        password: '',
        'plain-http': 'true',
        'source-plain-http': 'true',
        'helm-version': HELM_VERSION,
        'helm-download-url': fixture.mirror.url
      },
      github: GITHUB_CONTEXT,
      dirs: fixture.runnerDirs('mirror', toolCache),
      env: { NODE_OPTIONS: `--import ${RSS_HOOK}` }
    })
  )
  const copied = run.result.outputs.copied
  if (copied !== String(versions))
    throw new Error(
      `the mirror copied ${copied} of ${versions} versions:\n${run.result.stdout}`
    )
  return { ms: run.ms, cpuMs, rssMB: peakRssMB(run.result.stderr) }
}

/** The recipe: `helm pull` + `helm push` per version, one after another. */
async function loopRun(
  fixture: Fixture,
  source: Source,
  repository: string,
  versions: readonly string[]
): Promise<Sample> {
  const env = bareHelmEnv(fixture)
  const dir = env.HOME!
  const helm = realHelm(HELM_VERSION)
  const target = pushTarget(fixture, repository)
  const { value, cpuMs } = await withChildCpu(() =>
    timed(async () => {
      for (const args of source.setup) await runCommand(helm, args, { env })
      for (const version of versions) {
        await runCommand(
          helm,
          [...source.pull(version), '--destination', dir],
          { env }
        )
        const file = path.join(dir, `${CHART}-${version}.tgz`)
        await runCommand(helm, ['push', file, target, '--plain-http'], { env })
      }
    })
  )
  return { ms: value.ms, cpuMs }
}

interface Comparison {
  source: Source
  action: Sample[]
  loop: Sample[]
}

export async function measureMirror(
  fixture: Fixture,
  options: MirrorOptions
): Promise<Measurement> {
  const versions = Array.from(
    { length: options.versions },
    (_, i) => `1.${i}.0`
  )
  const files = await packageVersions(fixture, versions)
  const oci = await ociSource(fixture, files)
  const classicServer = await serveClassic(
    path.dirname(files[0]),
    files.map((file, i) => ({ name: CHART, version: versions[i], file }))
  )
  const classic: Source = {
    kind: 'classic',
    line: `${classicServer.url} ${CHART} >=0.0.0`,
    setup: [['repo', 'add', 'upstream', classicServer.url]],
    pull: version => ['pull', `upstream/${CHART}`, '--version', version]
  }
  // Helm for classic pushes: installed by the warm-up round, then cached.
  const toolCache = fixture.scratch('mirror-tool-cache')
  try {
    const comparisons: Comparison[] = []
    for (const source of [oci.source, classic]) {
      const [action, loop] = await alternate<Sample>(
        [
          {
            name: `mirror ${source.kind}`,
            run: round =>
              mirrorRun(
                fixture,
                source,
                `bench/mirror-${source.kind}-${round}`,
                toolCache,
                options.versions
              )
          },
          {
            name: `loop ${source.kind}`,
            run: round =>
              loopRun(
                fixture,
                source,
                `bench/loop-${source.kind}-${round}`,
                versions
              )
          }
        ],
        options.reps
      )
      comparisons.push({ source, action, loop })
    }
    return {
      rows: comparisons.flatMap(c => rowsOf(c, options)),
      sections: [mirrorSection(comparisons, options)]
    }
  } finally {
    await Promise.all([oci.registry.stop(), classicServer.stop()])
  }
}

function from(source: Source): string {
  return source.kind === 'oci'
    ? 'OCI → OCI'
    : 'from a classic `index.yaml` repository'
}

function rowsOf(c: Comparison, options: MirrorOptions): Row[] {
  const n = options.versions
  const action = c.action.map(s => s.ms)
  const ratio = summarize(
    pairedRatios(
      action,
      c.loop.map(s => s.ms)
    )
  )
  const how =
    c.source.kind === 'oci'
      ? 'byte-for-byte copies (manifest and blobs read, checked and uploaded; signatures and referrers looked for)'
      : 'each package downloaded, its sha256 checked against the index, its Chart.yaml checked, then `helm push` and a read-back'
  return [
    {
      what: `Mirror: ${n} versions ${from(c.source)}`,
      workload:
        `one run of the mirror action (dist/mirror.js), \`${c.source.kind === 'oci' ? 'oci://…' : 'http://…'} ` +
        `${CHART} >=0.0.0\`: ${how}, up to ${MIRROR_CONCURRENCY} versions at once, into a new repository ` +
        `each rep; vs the seed's loop: ${c.source.kind === 'classic' ? '`helm repo add`, then ' : ''}` +
        '`helm pull` + `helm push` per version, one after another, same Helm; ' +
        (c.source.kind === 'oci'
          ? 'source and destination are two loopback registries (no blob mounts)'
          : 'the source is a loopback HTTP server (index.yaml and packages), the destination a loopback registry') +
        `; ${options.reps} reps`,
      action: figure(action, 'ms'),
      baseline: figure(
        c.loop.map(s => s.ms),
        'ms'
      ),
      ratio,
      target: { goal: `≤ ${TARGET.toFixed(2)}×`, met: ratio.median <= TARGET }
    },
    {
      what: `Mirror: ${n} versions ${from(c.source)}, peak RSS`,
      workload:
        'peak RSS of the mirror’s node process (`process.resourceUsage().maxRSS` at its exit), ' +
        `the runs above; Helm's processes are not in it; ${options.reps} reps`,
      action: figure(
        c.action.map(s => s.rssMB ?? Number.NaN),
        'MB'
      )
    }
  ]
}

function mirrorSection(
  comparisons: readonly Comparison[],
  options: MirrorOptions
): Measurement['sections'][number] {
  const n = options.versions
  const cores = options.cores
  const lines = [
    `| source | mirror run | per version | CPU (node + Helm) | loop | per version | loop CPU | ratio |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  const notes: string[] = []
  for (const c of comparisons) {
    const run = median(c.action.map(s => s.ms))
    const loop = median(c.loop.map(s => s.ms))
    const cpu = median(c.action.map(s => s.cpuMs))
    const loopCpu = median(c.loop.map(s => s.cpuMs))
    const ratio = median(
      pairedRatios(
        c.action.map(s => s.ms),
        c.loop.map(s => s.ms)
      )
    )
    lines.push(
      `| ${from(c.source)} | ${ms(run)} | ${ms(run / n)} | ${ms(cpu)} | ${ms(loop)} | ${ms(loop / n)} | ` +
        `${ms(loopCpu)} | ${ratio.toFixed(2)}× |`
    )
    if (ratio > TARGET)
      notes.push(
        `**Target ≤ ${TARGET.toFixed(2)}× not met ${from(c.source)} (${ratio.toFixed(2)}×).** ` +
          `The run used ${ms(cpu)} of CPU; ${cores} cores cannot do that in less than ${ms(cpu / cores)} ` +
          `(${(cpu / cores / loop).toFixed(2)}× the loop)` +
          (c.source.kind === 'classic'
            ? `: a classic package has no manifest to copy, so each version is one \`helm push\` ` +
              `(${n} Helm processes, against the loop's ${2 * n}).`
            : '.')
      )
  }
  return {
    title: 'Mirror',
    lines: [
      `${n} chart versions, medians over the timed runs. CPU is user + system time of the processes each ` +
        'side started (the mirror’s node process and its Helm; the loop’s Helm), as in the monorepo rows. ' +
        `The mirror copies up to ${MIRROR_CONCURRENCY} versions at once (src/mirror/run.ts, src/in-order.ts), each ` +
        'holding at most one blob in memory; the loop runs one Helm process at a time.',
      '',
      ...lines,
      ...notes.flatMap(note => ['', note])
    ]
  }
}
