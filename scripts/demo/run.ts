// One step of a workflow, run from dist/ as a runner runs it
// (__tests__/helpers/action-runner.ts): fresh runner folders, a checkout of
// examples/, the inputs a `with:` block would give, and the environment a
// release workflow of demo/charts has, pointed at the local stand-ins. The
// tool cache is the one runner's, kept from run to run as a self-hosted
// runner keeps it: Helm is downloaded and verified once, then found.
import path from 'node:path'
import {
  makeRunnerDirs,
  runMain,
  type RunnerDirs,
  type StepResult
} from '../../__tests__/helpers/action-runner.js'
import { HELM4 } from '../../__tests__/helpers/paths.js'
import { CHART, checkout } from './charts.js'
import type { Show } from './show.js'
import { CHARTS_REPO, OWNER, type StandIns } from './stand-ins.js'

/** What a step of the demo needs: the stand-ins, the printer, a work folder. */
export interface Demo {
  standIns: StandIns
  show: Show
  work: string
}

/** A failed step: the demo stops and says where the whole log is. */
export class StepFailed extends Error {}

/** The inputs every release step of the demo gives. */
export function releaseInputs(standIns: StandIns): Record<string, string> {
  return {
    chart: CHART,
    registry: standIns.registry.host,
    repository: `${OWNER}/charts`,
    password: '',
    'helm-version': HELM4,
    'helm-download-url': standIns.mirror.url,
    'plain-http': 'true'
  }
}

/** One action run of the story: which files, inputs and environment. */
export interface Step {
  /** The file names' stem: `1-publish` → 1-publish.log, … */
  name: string
  inputs: Record<string, string>
  /** The release the workflow runs for (tag v<version>); else on main. */
  version?: string
  env?: Record<string, string>
  /** Another action.yml of this repository (the mirror's). */
  actionYmlPath?: string
  /** Changes the checked-out workspace before the run (a new release). */
  prepare?: (workspace: string) => void
}

/** Runs one step; throws StepFailed (whole log kept) when it fails. */
export async function runStep(demo: Demo, step: Step): Promise<StepResult> {
  const { standIns, show } = demo
  const dirs: RunnerDirs = {
    ...makeRunnerDirs(path.join(demo.work, step.name)),
    toolCache: path.join(demo.work, 'tool-cache')
  }
  checkout(dirs.workspace)
  step.prepare?.(dirs.workspace)
  const log = show.runLog()
  const result = await runMain({
    inputs: step.inputs,
    github: { repository_owner: OWNER, actor: 'octocat', token: '' },
    env: {
      GITHUB_REPOSITORY: `${OWNER}/${CHARTS_REPO}`,
      GITHUB_REF: step.version
        ? `refs/tags/v${step.version}`
        : 'refs/heads/main',
      GITHUB_SHA: 'c0ffee'.padEnd(40, '0'),
      GITHUB_SERVER_URL: standIns.git.url,
      GITHUB_API_URL: standIns.github.apiUrl,
      ...step.env
    },
    dirs,
    echo: line => log.echo(line),
    actionYmlPath: step.actionYmlPath
  })
  log.end()
  show.keepRun(step.name, log, result)
  if (result.exitCode !== 0)
    throw new StepFailed(
      `step ${step.name} failed (exit ${result.exitCode}): its whole log is ` +
        `${path.join(show.outDir, `${step.name}.log`)}`
    )
  return result
}
