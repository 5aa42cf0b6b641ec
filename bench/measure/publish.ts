// 1. Publishing one chart with a warm tool cache: the bundled action end to
// end, alone and with its post step, against `helm package` + `helm push` run
// bare; beside them, the Helm commands the action runs, by hand, to measure
// what a node action could not go below.
import path from 'node:path'
import type { ActionRun } from '../../__tests__/helpers/action-runner.js'
import { writeChart } from '../../__tests__/helpers/charts.js'
import { realHelm } from '../../__tests__/helpers/paths.js'
import { runMainTimed, runPostTimed, stepDurations } from '../action.js'
import { alternate } from '../alternate.js'
import { postRow, runnerStartsPost, withPost } from './post-step.js'
import {
  bareHelmEnv,
  barePublish,
  commonInputs,
  GITHUB_CONTEXT,
  HELM_VERSION,
  savedPackage,
  type Fixture
} from '../fixture.js'
import { loadedDistFiles, loadedHookEnv } from '../loaded.js'
import { runCommand, timed } from '../process.js'
import { figure, type Measurement } from '../report.js'
import { pairedRatios, summarize } from '../stats.js'
import {
  LINT_TARGET,
  NO_LINT_TARGET,
  PUBLISH_STEPS,
  publishSection,
  STARTUP_STEP,
  type ActionSample,
  type BareSample,
  type HandSample,
  type Loaded,
  type NoLintSample
} from './publish-report.js'

export interface PublishOptions {
  reps: number
  /** Median ms of `node -e ""` (from measureStartup). */
  nodeStartMs: number
  /** Median ms the fail-fast start-up takes over `node -e ""` (from measureStartup). */
  failFastMs: number
}

export async function measurePublish(
  fixture: Fixture,
  options: PublishOptions
): Promise<Measurement> {
  // The warm-up round's action run fills this tool cache; the timed runs reuse it.
  const toolCache = fixture.scratch('tool-cache')
  const actionRun = (
    round: number,
    env: Record<string, string> = {},
    lint = true
  ) => {
    const version = `1.0.${round}`
    const dirs = fixture.runnerDirs('publish', toolCache)
    writeChart(path.join(dirs.workspace, 'charts'), { name: 'bench', version })
    const run: ActionRun = {
      inputs: {
        ...commonInputs(fixture),
        chart: 'charts/bench',
        // Each side its own repository: both publish version 1.0.<round>.
        repository: lint ? 'bench/publish-action' : 'bench/publish-no-lint',
        ...(lint ? {} : { lint: 'false' })
      },
      github: GITHUB_CONTEXT,
      dirs,
      env: { GITHUB_REF: `refs/tags/v${version}`, ...env }
    }
    return run
  }
  const helm = realHelm(HELM_VERSION)
  const [action, bare, hand, noLint] = (await alternate<
    ActionSample | BareSample | HandSample | NoLintSample
  >(
    [
      {
        name: 'action, then its post step',
        run: async round => {
          const run = actionRun(round)
          const main = await runMainTimed(run)
          // After the warm-up round, every run must find Helm in the tool cache.
          const hit = main.lines.some(l =>
            /found in the tool cache/.test(l.text)
          )
          if (round > 0 && !hit)
            throw new Error('the warm run did not find Helm in the tool cache')
          const post = await runPostTimed(run, main.result.state)
          return {
            main: main.ms,
            post: post.ms,
            postStarts: runnerStartsPost(main.result),
            steps: stepDurations(main, PUBLISH_STEPS, STARTUP_STEP)
          }
        }
      },
      {
        name: 'bare helm',
        run: async round => {
          const chart = writeChart(fixture.scratch('publish-bare'), {
            name: 'bench',
            version: `1.0.${round}`
          })
          const { ms: total, value } = await timed(() =>
            barePublish(fixture, [chart], 'bench/publish-bare')
          )
          return { total, ...value }
        }
      },
      {
        name: 'the action’s Helm commands by hand',
        run: async round => {
          const chart = writeChart(fixture.scratch('publish-hand'), {
            name: 'bench',
            version: `1.0.${round}`
          })
          const env = bareHelmEnv(fixture)
          const version = await runCommand(helm, ['version'], { env })
          const lint = await runCommand(helm, ['lint', chart], { env })
          const both = await timed(() =>
            Promise.all([
              runCommand(helm, ['lint', chart], { env }),
              runCommand(helm, ['package', chart, '--destination', env.HOME!], {
                env
              }).then(out => savedPackage(out.stdout))
            ])
          )
          return { version: version.ms, lint: lint.ms, lintAndPackage: both.ms }
        }
      },
      {
        name: 'action, lint: false',
        run: async round => {
          const main = await runMainTimed(actionRun(round, {}, false))
          if (!main.lines.some(l => /^Skipped: 'lint' is false\./.test(l.text)))
            throw new Error('the run with lint: false ran helm lint')
          return { main: main.ms }
        }
      }
    ],
    options.reps
  )) as [ActionSample[], BareSample[], HandSample[], NoLintSample[]]
  // One more run, untimed, with a module hook: the files of dist/ each step loads.
  const loaded = await loadedByRun(actionRun(options.reps + 1, loadedHookEnv()))
  const main = action.map(s => s.main)
  const bareMs = bare.map(s => s.total)
  const ratio = summarize(pairedRatios(main, bareMs))
  const ratioPost = summarize(pairedRatios(withPost(action), bareMs))
  const noLintMain = noLint.map(s => s.main)
  const ratioNoLint = summarize(pairedRatios(noLintMain, bareMs))
  const workload = `small chart, Helm ${HELM_VERSION}, new version each rep; ${options.reps} reps`
  return {
    rows: [
      {
        what: 'Publish one chart, warm tool cache',
        workload:
          'action via `runMain` (tag check, registry lookup during the install, lint ∥ package, push, read-back, summary) ' +
          'vs bare `helm package` + `helm push` (anonymous: no login on either side); ' +
          workload,
        action: figure(main, 'ms'),
        baseline: figure(bareMs, 'ms'),
        ratio,
        target: { goal: '≤ 1.50×', met: ratio.median <= LINT_TARGET }
      },
      postRow(action, bareMs, workload),
      {
        what: 'Publish one chart, lint: false',
        workload:
          'the same action with `lint: false` (no `helm lint`: package, push, read-back, summary) ' +
          'vs the same bare `helm package` + `helm push`, paired per rep; ' +
          workload,
        action: figure(noLintMain, 'ms'),
        baseline: figure(bareMs, 'ms'),
        ratio: ratioNoLint,
        target: { goal: '≤ 1.35×', met: ratioNoLint.median <= NO_LINT_TARGET }
      }
    ],
    sections: [
      publishSection({
        action,
        bare,
        hand,
        node: options.nodeStartMs,
        failFast: options.failFastMs,
        ratio: ratio.median,
        ratioPost: ratioPost.median,
        noLint,
        ratioNoLint: ratioNoLint.median,
        loaded
      })
    ]
  }
}

async function loadedByRun(run: ActionRun): Promise<Loaded> {
  const main = await runMainTimed(run)
  const post = (await runPostTimed(run, main.result.state)).result
  return {
    main: loadedDistFiles(main.result.stderr),
    post: loadedDistFiles(post.stderr)
  }
}
