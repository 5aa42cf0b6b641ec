// The post step through dist/, as a runner runs it: started only when main
// may have left its credentials (action.yml's post-if evaluated as the runner
// evaluates it, helpers/post-if.ts, on the job environment main's GITHUB_ENV
// left), and then removing them. Main is SIGKILLed while Helm pushes: the
// push's first blob upload hangs at a proxy in front of the registry, and the
// proxy kills main as that request arrives (no polling, no clock).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  actionYml,
  filesContaining,
  makeRunnerDirs,
  runMain,
  runPost,
  type ActionRun,
  type RunnerDirs,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'
import {
  jobStatusAfter,
  postStepStarts,
  type JobStatus
} from '../helpers/post-if.js'
import { listTags, startRegistry, type Registry } from '../helpers/registry.js'

const USER = 'robot$ci'
const PASSWORD = 'p@ss:w$rd+x {"k": 1}'
const AUTH = { username: USER, password: PASSWORD }
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
const POST_IF = actionYml().runs['post-if']

let root: string
let registry: Registry
let proxy: FaultProxy
let pushPid: string
/** What the proxy does when Helm's push reaches it (set per run). */
let onPush: (() => void) | undefined

beforeAll(async () => {
  root = tempDir('hor-e2e-post-')
  registry = await startRegistry({ users: { [USER]: PASSWORD } })
  proxy = await startFaultProxy(registry.url, {
    match: (method, url) =>
      method === 'POST' && /\/blobs\/uploads\/?(\?.*)?$/.test(url),
    onFault: () => onPush?.()
  })
  // Helm on PATH (`helm-version: system`); a push writes its process id down,
  // so that the push left hanging when main is killed can be ended too.
  const bin = path.join(root, 'bin')
  pushPid = path.join(root, 'push-pid')
  fs.mkdirSync(bin)
  fs.writeFileSync(
    path.join(bin, 'helm'),
    `#!/bin/sh\n[ "$1" = push ] && echo $$ > '${pushPid}'\n` +
      `exec '${realHelm(HELM4)}' "$@"\n`,
    { mode: 0o755 }
  )
})

afterAll(async () => {
  await Promise.all([proxy?.stop(), registry?.stop()])
  removeDir(root)
})

/** Ends the push a killed main left hanging at the proxy (still running). */
function endHungPush(): void {
  const pid = Number(fs.readFileSync(pushPid, 'utf8'))
  fs.rmSync(pushPid)
  process.kill(pid, 'SIGKILL')
}

let runs = 0
function job(
  version: string,
  env: Record<string, string> = {}
): ActionRun & { dirs: RunnerDirs } {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeChart(path.join(dirs.workspace, 'charts'), { name: 'hello', version })
  return {
    inputs: {
      chart: 'charts/hello',
      registry: proxy.host,
      repository: 'post/charts',
      username: USER,
      password: PASSWORD,
      'helm-version': 'system',
      'plain-http': 'true',
      'check-tag': 'false'
    },
    github: { repository_owner: 'acme', actor: 'octocat', token: '' },
    dirs,
    env: { PATH: `${path.join(root, 'bin')}:${process.env.PATH}`, ...env }
  }
}

function sandboxes(dirs: RunnerDirs): string[] {
  return fs
    .readdirSync(dirs.temp)
    .filter(name => /^helm-oci-release-(?!package-)/.test(name))
}

const starts = (status: JobStatus, env: Record<string, string>): boolean =>
  postStepStarts(POST_IF, { status, env })

describe('main killed while Helm pushes', () => {
  let run: ReturnType<typeof job>
  let main: StepResult
  let killed = false

  beforeAll(async () => {
    run = job('1.0.0')
    let mainPid: number | undefined
    proxy.failNext(1, { kind: 'hang' })
    onPush = () => {
      killed = true
      if (mainPid) process.kill(mainPid, 'SIGKILL')
    }
    main = await runMain({ ...run, onSpawn: pid => (mainPid = pid) })
    onPush = undefined
    if (killed) endHungPush()
  })

  test('it died by the signal, with the credentials on disk', () => {
    expect(killed, main.stdout + main.stderr).toBe(true)
    expect(main.exitCode).toBe(null)
    expect(main.stdout).toContain('Log in to')
    expect(filesContaining(run.dirs.temp, [BASIC])).not.toEqual([])
  })

  test.each([
    ['the job failed with it', 'failed', false],
    ['continue-on-error: the job still succeeds', 'failed', true],
    ['the job was cancelled', 'cancelled', false]
  ] as const)(
    'the runner starts the post step: %s',
    (_case, step, continueOnError) => {
      expect(main.env).toEqual({ HELM_OCI_RELEASE_CLEANUP: 'pending' })
      expect(starts(jobStatusAfter(step, continueOnError), main.env)).toBe(true)
    }
  )

  test('a later run of the action in the job, clean, keeps it started', async () => {
    const later = await runMain(job('1.0.1', main.env))
    expect(later.exitCode, later.stdout + later.stderr).toBe(0)
    const env = { ...main.env, ...later.env }
    expect(env).toEqual({ HELM_OCI_RELEASE_CLEANUP: 'pending' })
    expect(starts(jobStatusAfter('succeeded'), env)).toBe(true)
  })

  test('the post step removes the credentials', async () => {
    const post = await runPost(run, main.state)
    expect(post.exitCode, post.stdout + post.stderr).toBe(0)
    expect(post.stdout).toMatch(/^Removed .*helm-oci-release-/m)
    expect(sandboxes(run.dirs)).toEqual([])
    expect(filesContaining(run.dirs.temp, [PASSWORD, BASIC])).toEqual([])
  })
})

describe('main cleaned up itself', () => {
  let run: ReturnType<typeof job>
  let main: StepResult

  beforeAll(async () => {
    run = job('2.0.0')
    main = await runMain(run)
  })

  test('it published, and left no credential', async () => {
    expect(main.exitCode, main.stdout + main.stderr).toBe(0)
    const tags = await listTags(registry, 'post/charts/hello', AUTH)
    expect(tags).toContain('2.0.0')
    expect(sandboxes(run.dirs)).toEqual([])
    expect(filesContaining(run.dirs.temp, [PASSWORD, BASIC])).toEqual([])
  })

  test('the runner starts no post step when the job succeeds', () => {
    expect(main.env).toEqual({ HELM_OCI_RELEASE_CLEANUP: 'done' })
    expect(starts('success', main.env)).toBe(false)
  })

  test('a later step failed: the post step starts and runs clean', async () => {
    expect(starts('failure', main.env)).toBe(true)
    const post = await runPost(run, main.state)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).not.toContain('Removed')
  })
})
