// What every measurement shares: a loopback registry, a loopback Helm mirror,
// a scratch folder, and the bare Helm commands of a typical composite action.
import fs from 'node:fs'
import path from 'node:path'
import {
  makeRunnerDirs,
  type RunnerDirs
} from '../__tests__/helpers/action-runner.js'
import { startMirror, type Mirror } from '../__tests__/helpers/helm-mirror.js'
import {
  HELM4,
  realHelm,
  removeDir,
  tempDir
} from '../__tests__/helpers/paths.js'
import { startRegistry, type Registry } from '../__tests__/helpers/registry.js'
import { runCommand } from './process.js'

/** The Helm version both sides use (the action's default). */
export const HELM_VERSION = HELM4

export interface Fixture {
  registry: Registry
  mirror: Mirror
  /** Scratch folder for this benchmark run; removed by `stop`. */
  root: string
  /** A new, empty folder under `root`. */
  scratch(name: string): string
  /** Fresh runner folders; `toolCache` replaces the new empty one when given. */
  runnerDirs(name: string, toolCache?: string): RunnerDirs
  stop(): Promise<void>
}

export async function startFixture(): Promise<Fixture> {
  const root = tempDir('hor-bench-')
  const [registry, mirror] = await Promise.all([
    startRegistry(),
    startMirror({ versions: [HELM_VERSION] })
  ])
  let count = 0
  const scratch = (name: string): string => {
    const dir = path.join(root, `${name}-${++count}`)
    fs.mkdirSync(dir, { recursive: true })
    return dir
  }
  return {
    registry,
    mirror,
    root,
    scratch,
    runnerDirs(name, toolCache) {
      const dirs = makeRunnerDirs(scratch(name))
      return toolCache ? { ...dirs, toolCache } : dirs
    },
    async stop() {
      await Promise.all([registry.stop(), mirror.stop()])
      removeDir(root)
    }
  }
}

/** Inputs every action run in the benchmark shares (anonymous plain-HTTP push). */
export function commonInputs(fixture: Fixture): Record<string, string> {
  return {
    registry: fixture.registry.host,
    password: '',
    'helm-version': HELM_VERSION,
    'helm-download-url': fixture.mirror.url,
    'plain-http': 'true'
  }
}

export const GITHUB_CONTEXT = {
  repository_owner: 'bench',
  actor: 'octocat',
  token: ''
}

/** What the bare commands' Helm runs with: a fresh Helm home, like the action's sandbox. */
export function bareHelmEnv(fixture: Fixture): NodeJS.ProcessEnv {
  const home = fixture.scratch('bare-helm')
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_DATA_HOME: path.join(home, 'data'),
    DOCKER_CONFIG: path.join(home, 'docker')
  }
}

/** `oci://<registry>/<repository>`, where both sides push. */
export function pushTarget(fixture: Fixture, repository: string): string {
  return `oci://${fixture.registry.host}/${repository}`
}

/** The path `helm package` says it saved the package to. */
export function savedPackage(stdout: string): string {
  const saved = /saved it to:\s*(\S.*\.tgz)\s*$/m.exec(stdout)
  if (!saved) throw new Error(`helm package said:\n${stdout}`)
  return saved[1]
}

/** Wall time of the bare commands, by command, summed over the charts. */
export interface BareTimes {
  packageMs: number
  pushMs: number
}

/**
 * The baseline: the commands a typical composite action runs with the same
 * Helm binary, in a fresh Helm home like the action's sandbox. No login: the
 * registry is anonymous, and the action skips its login too.
 */
export async function barePublish(
  fixture: Fixture,
  chartDirs: readonly string[],
  repository: string
): Promise<BareTimes> {
  const env = bareHelmEnv(fixture)
  const home = env.HOME!
  const helm = realHelm(HELM_VERSION)
  const target = pushTarget(fixture, repository)
  const times: BareTimes = { packageMs: 0, pushMs: 0 }
  for (const chartDir of chartDirs) {
    const out = await runCommand(
      helm,
      ['package', chartDir, '--destination', home],
      { env }
    )
    times.packageMs += out.ms
    const pushed = await runCommand(
      helm,
      ['push', savedPackage(out.stdout), target, '--plain-http'],
      { env }
    )
    times.pushMs += pushed.ms
  }
  return times
}
