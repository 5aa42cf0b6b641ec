// The post step starts when, and only when, a main step may have left its
// credentials: action.yml's `runs.post-if` evaluated as the runner evaluates
// it (helpers/post-if.ts), and the mark main writes into the job's
// environment (src/post-marker.ts). The end-to-end proof, a main step killed
// while Helm pushes, is in __tests__/e2e/release.int.test.ts.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { CLEANUP_VARIABLE, markAtExit } from '../src/post-marker.js'
import { actionYml } from './helpers/action-runner.js'
import { repoRoot, removeDir, tempDir } from './helpers/paths.js'
import {
  jobStatusAfter,
  postStepStarts,
  type JobStatus
} from './helpers/post-if.js'

const ACTIONS = ['action.yml', 'mirror/action.yml']
const postIf = (file: string): string | undefined =>
  actionYml(path.join(repoRoot, file)).runs['post-if']

test.each([
  [false, false, 'done'],
  [false, true, undefined],
  [true, false, undefined],
  [true, true, undefined]
])(
  'markAtExit(an earlier run left pending: %s, a folder left: %s) is %s',
  (inherited, left, mark) => {
    expect(markAtExit(inherited, left)).toBe(mark)
  }
)

test('both actions share one post-if, on the variable main writes', () => {
  expect(postIf('mirror/action.yml')).toBe(postIf('action.yml'))
  expect(postIf('action.yml')).toContain(`env.${CLEANUP_VARIABLE}`)
})

// The runner wraps a workflow step's `if:` without a status function in
// `success() && (…)` (PipelineTemplateConverter.ConvertToIfCondition) but
// evaluates post-if as written: with a status function, both read the same.
test.each(ACTIONS)('%s: post-if names a status function', file => {
  expect(postIf(file)).toMatch(/\b(always|failure|cancelled|success)\(\)/)
})

const pending = { [CLEANUP_VARIABLE]: 'pending' }
const done = { [CLEANUP_VARIABLE]: 'done' }
describe.each(ACTIONS)('%s: the runner starts the post step', file => {
  // How main's step ended, continue-on-error, the job's env, the verdict.
  test.each([
    ['cleaned up, the job succeeded', 'succeeded', false, done, false],
    ['refused its inputs, nothing handed over', 'failed', true, {}, false],
    ['killed (SIGKILL, OOM): the job failed', 'failed', false, pending, true],
    ['killed, with continue-on-error', 'failed', true, pending, true],
    ['timed out, with continue-on-error', 'failed', true, pending, true],
    ['the job was cancelled while it ran', 'cancelled', false, pending, true],
    ['cleaned up, then another step failed', 'failed', false, done, true],
    ['cleaned up, an earlier one killed', 'succeeded', false, pending, true]
  ] as const)('main %s: %s', (_case, step, continueOnError, env, starts) => {
    const status: JobStatus = jobStatusAfter(step, continueOnError)
    expect(postStepStarts(postIf(file), { status, env })).toBe(starts)
  })
})

test('without post-if the runner starts it on every run (always())', () => {
  expect(postStepStarts(undefined, { status: 'success', env: done })).toBe(true)
})

describe('the mark in the job environment', () => {
  let dir: string
  let envFile: string
  let exitListeners: NodeJS.ExitListener[]
  beforeEach(() => {
    vi.resetModules()
    dir = tempDir('hor-post-marker-')
    envFile = path.join(dir, 'github-env')
    fs.writeFileSync(envFile, '')
    exitListeners = process.listeners('exit')
  })
  afterEach(() => {
    for (const listener of added()) process.off('exit', listener)
    removeDir(dir)
  })
  const added = (): NodeJS.ExitListener[] =>
    process.listeners('exit').filter(l => !exitListeners.includes(l))
  const lines = (): string[] =>
    fs.readFileSync(envFile, 'utf8').split('\n').filter(Boolean)

  /** A fresh module (its hand-over is per process), two folders handed over. */
  async function handOver(env: Record<string, string> = {}): Promise<string[]> {
    const { handToPost } = await import('../src/post-marker.js')
    const folders = ['sandbox', 'clone'].map(name => path.join(dir, name))
    for (const folder of folders) {
      fs.mkdirSync(folder)
      handToPost(folder, { GITHUB_ENV: envFile, ...env })
    }
    return folders
  }

  test('pending once, at the first hand-over; done at exit when all is gone', async () => {
    const folders = await handOver()
    expect(lines()).toEqual([`${CLEANUP_VARIABLE}=pending`])
    for (const folder of folders) fs.rmSync(folder, { recursive: true })
    expect(added()).toHaveLength(1)
    added()[0](0)
    expect(lines()).toEqual([
      `${CLEANUP_VARIABLE}=pending`,
      `${CLEANUP_VARIABLE}=done`
    ])
  })

  test('pending stays when a folder is left at exit', async () => {
    const folders = await handOver()
    fs.rmSync(folders[0], { recursive: true })
    added()[0](1)
    expect(lines()).toEqual([`${CLEANUP_VARIABLE}=pending`])
  })

  test("pending stays when an earlier run's post step has work", async () => {
    const folders = await handOver({ [CLEANUP_VARIABLE]: 'pending' })
    for (const folder of folders) fs.rmSync(folder, { recursive: true })
    added()[0](0)
    expect(lines()).toEqual([`${CLEANUP_VARIABLE}=pending`])
  })

  test('a GITHUB_ENV that cannot be written stops the hand-over', async () => {
    const { handToPost } = await import('../src/post-marker.js')
    expect(() =>
      handToPost(dir, { GITHUB_ENV: path.join(dir, 'no', 'such', 'file') })
    ).toThrow(/ENOENT/)
  })
})
