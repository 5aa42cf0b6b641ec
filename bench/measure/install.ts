// 2. Installing Helm: a run with an empty tool cache (download from the
// loopback mirror, checksum, extract, cache), a run with a warm one, and a run
// with `helm-version: system` (the real Helm first on PATH).
import path from 'node:path'
import fs from 'node:fs'
import { writeChart } from '../../__tests__/helpers/charts.js'
import { realHelmTarball } from '../../__tests__/helpers/helm-mirror.js'
import { realHelm } from '../../__tests__/helpers/paths.js'
import {
  runMainTimed,
  stepDurations,
  type Milestone,
  type TimedRun
} from '../action.js'
import { alternate } from '../alternate.js'
import {
  commonInputs,
  GITHUB_CONTEXT,
  HELM_VERSION,
  type Fixture
} from '../fixture.js'
import { runCommand } from '../process.js'
import { figure, ms, type Measurement, type Row } from '../report.js'
import { median, pairedRatios, summarize } from '../stats.js'
import { medianSteps, PUBLISH_STEPS, STARTUP_STEP } from './publish.js'

export interface InstallOptions {
  reps: number
}

const INSTALL_STEP = 'install Helm (tool cache hit, `helm version` check)'

/** Inside the Install Helm step of a download, from the installer's own log lines. */
const DOWNLOAD_STEPS: readonly Milestone[] = [
  { label: 'fetch the .sha256sum', match: /^::group::Install Helm/ },
  { label: 'download + sha256', match: /^Downloading Helm / },
  {
    label: 'extract, `helm version`, copy into the tool cache',
    match: /^Verified sha256 /
  },
  { label: 'add to PATH', match: /^Helm \S+ cached at / },
  { label: 'after', match: /^::group::Look up the versions/ }
]

type Mode = 'cold' | 'warm' | 'system'

interface Unpacking {
  tar: number
  copy: number
}

/**
 * What the extract-and-cache part is made of, with the bare tools: `tar -xzf`
 * of the same archive, then `cp -r` of the extracted folder (what
 * `tc.cacheDir` does), `reps` times; medians.
 */
async function unpacking(fixture: Fixture, reps: number): Promise<Unpacking> {
  const archive = realHelmTarball(HELM_VERSION)
  const tar: number[] = []
  const copy: number[] = []
  for (let i = 0; i < reps; i++) {
    const dir = fixture.scratch('unpack')
    tar.push((await runCommand('tar', ['-xzf', archive, '-C', dir])).ms)
    const from = path.join(dir, 'linux-amd64')
    copy.push((await runCommand('cp', ['-r', from, `${from}-copy`])).ms)
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return { tar: median(tar), copy: median(copy) }
}

interface Sample {
  total: number
  install: number
  download: Map<string, number>
}

export async function measureInstall(
  fixture: Fixture,
  options: InstallOptions
): Promise<Measurement> {
  const warmCache = fixture.scratch('warm-tool-cache')
  const systemPath = `${path.dirname(realHelm(HELM_VERSION))}${path.delimiter}${process.env.PATH ?? ''}`
  const release = async (mode: Mode, round: number): Promise<Sample> => {
    const version = `2.0.${round}`
    const dirs = fixture.runnerDirs(
      `install-${mode}`,
      mode === 'warm' ? warmCache : undefined
    )
    writeChart(path.join(dirs.workspace, 'charts'), { name: 'bench', version })
    const run: TimedRun = await runMainTimed({
      inputs: {
        ...commonInputs(fixture),
        chart: 'charts/bench',
        repository: `bench/install-${mode}`,
        ...(mode === 'system' ? { 'helm-version': 'system' } : {})
      },
      github: GITHUB_CONTEXT,
      dirs,
      env: {
        GITHUB_REF: `refs/tags/v${version}`,
        ...(mode === 'system' ? { PATH: systemPath } : {})
      }
    })
    // Make sure each side measured what it claims to (the warm side's first
    // run, a warm-up, fills its cache).
    const expected = {
      cold: /^Downloading Helm /,
      warm: /^Helm \S+: found in the tool cache/,
      system: /^Using the helm on PATH: /
    }[mode]
    const warmingUp = mode === 'warm' && round === 0
    if (!warmingUp && !run.lines.some(line => expected.test(line.text)))
      throw new Error(`the ${mode} run did not log ${expected}`)
    const steps = stepDurations(run, PUBLISH_STEPS, STARTUP_STEP)
    return {
      total: run.ms,
      install: steps.get(INSTALL_STEP) ?? Number.NaN,
      download: stepDurations(run, DOWNLOAD_STEPS, 'before')
    }
  }
  const modes: Mode[] = ['cold', 'warm', 'system']
  const [cold, warm, system] = await alternate(
    modes.map(mode => ({ name: mode, run: round => release(mode, round) })),
    options.reps
  )
  const of = (samples: Sample[], key: 'total' | 'install'): number[] =>
    samples.map(s => s[key])
  const n = options.reps
  const compare = (
    what: string,
    workload: string,
    a: number[],
    b: number[]
  ): Row => ({
    what,
    workload: `${workload}; ${n} reps`,
    action: figure(a, 'ms'),
    baseline: figure(b, 'ms'),
    ratio: summarize(pairedRatios(a, b))
  })
  const downloadSteps = medianSteps(cold.map(s => s.download))
  const bare = await unpacking(fixture, n)
  return {
    rows: [
      compare(
        'Cold install: whole run',
        'publish one small chart with an empty RUNNER_TOOL_CACHE (Helm downloaded from the loopback mirror, checksum verified, extracted, cached) vs the same with a warm cache',
        of(cold, 'total'),
        of(warm, 'total')
      ),
      compare(
        'Cold install: the Install Helm step',
        'the `Install Helm` log group alone, empty vs warm tool cache',
        of(cold, 'install'),
        of(warm, 'install')
      ),
      compare(
        '`helm-version: system`: whole run',
        'publish with the real Helm first on PATH vs a warm tool cache',
        of(system, 'total'),
        of(warm, 'total')
      ),
      compare(
        '`helm-version: system`: the Install Helm step',
        'the `Install Helm` log group alone, `system` vs warm tool cache',
        of(system, 'install'),
        of(warm, 'install')
      )
    ],
    sections: [
      {
        title: 'Installing Helm',
        lines: [
          `With an empty tool cache the Install Helm step takes ${ms(median(of(cold, 'install')))}; ` +
            `with a warm one ${ms(median(of(warm, 'install')))} (a directory lookup and ` +
            `\`helm version\`), with \`system\` ${ms(median(of(system, 'install')))} ` +
            '(`which helm` and `helm version`). Inside a download (medians, from the installer’s own log lines):',
          '',
          '| part | median |',
          '| --- | --- |',
          ...DOWNLOAD_STEPS.filter(s => s.label !== 'after').map(
            s => `| ${s.label} | ${ms(downloadSteps.get(s.label) ?? 0)} |`
          ),
          '',
          `The same archive with the bare tools: \`tar -xzf\` ${ms(bare.tar)}, then \`cp -r\` of the ` +
            `extracted folder ${ms(bare.copy)} (medians of ${n}); \`helm version\` is in the warm figure. ` +
            'So the extract-and-cache part is mostly `tar -xzf` (gunzip of the ~19 MB archive into the ~60 MB ' +
            'binary); `tc.cacheDir` copying the extracted folder into the tool cache is the small rest. ' +
            `Extracting straight into the tool cache folder would save about ${ms(bare.copy)} per cold run ` +
            '(a small gain: a note for the lead developer, not a target). The archive comes from loopback ' +
            'here, so the download part is a lower bound; from get.helm.sh it depends on the network. ' +
            'A later run on the same runner pays only the warm figure; on hosted runners, whose tool ' +
            'cache holds no Helm, every job pays the cold one unless it uses `helm-version: system`.'
        ]
      }
    ]
  }
}
