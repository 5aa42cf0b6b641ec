// main.ts, the list of steps, with fakes for Helm, the registry, the Helm
// installer and the GitOps step: what runs in which case, what is refused
// before anything is sent, and outputs and summary set once, at the end.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { GitopsResult } from '../src/record/gitops.js'
import { UserError } from '../src/errors.js'
import { run, type Services } from '../src/main.js'
import { inputEnv, parseFileCommand } from './helpers/action-runner.js'
import { writeChart } from './helpers/charts.js'
import { FakeHelm, FakeRegistry, sha256 } from './helpers/fakes.js'
import { removeDir, tempDir } from './helpers/paths.js'

let root: string
let printed: string[]
// One folder for the runner's files: @actions/core keeps the summary file's
// path from its first use.
const runnerFiles = tempDir('hor-main-files-')
const files = (): Record<string, string> => ({
  GITHUB_OUTPUT: path.join(runnerFiles, 'output'),
  GITHUB_STEP_SUMMARY: path.join(runnerFiles, 'summary'),
  GITHUB_STATE: path.join(runnerFiles, 'state')
})
afterAll(() => removeDir(runnerFiles))

beforeEach(() => {
  root = tempDir('hor-main-')
  fs.mkdirSync(path.join(root, 'workspace'))
  fs.mkdirSync(path.join(root, 'temp'))
  for (const file of Object.values(files())) fs.writeFileSync(file, '')
  printed = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(chunk.toString())
    return true
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  process.exitCode = undefined
  removeDir(root)
})

interface Fakes {
  registry: FakeRegistry
  helm: FakeHelm
  services: Services
  installs: number
  helms: number
  gitops: string[]
}

function fakes(gitops?: (name: string) => GitopsResult): Fakes {
  const registry = new FakeRegistry()
  const helm = new FakeHelm(registry)
  const state: Fakes = {
    registry,
    helm,
    installs: 0,
    helms: 0,
    gitops: [],
    services: {
      installHelm: async () => {
        state.installs++
        return {
          path: '/fake/helm',
          version: '4.2.3',
          major: 4,
          source: 'cache'
        }
      },
      registry: async () => ({ reads: registry }),
      helm: () => {
        state.helms++
        return helm
      },
      renderHelm: async () => helm,
      startSigning: () => unexpected('signing'),
      signAndAttest: () => unexpected('signing'),
      githubRelease: () => unexpected('GitHub release'),
      gitops: async (_config, release) => {
        state.gitops.push(`${release.name} ${release.version}`)
        if (!gitops) throw new Error('no GitOps step expected')
        return gitops(release.name)
      }
    }
  }
  return state
}

/** A step these tests never reach: its fake fails loudly. */
function unexpected(step: string): Promise<never> {
  return Promise.reject(new Error(`no ${step} step expected`))
}

/** Runs main with `inputs` (action.yml's defaults for the rest) and the fakes. */
async function runMain(
  fake: Fakes,
  inputs: Record<string, string>,
  ref = 'refs/tags/v1.0.0'
): Promise<{ outputs: Record<string, string>; summary: string; log: string }> {
  const env = {
    ...inputEnv(
      {
        registry: 'registry.test',
        repository: 'acme/charts',
        password: 's3cret',
        username: 'robot',
        ...inputs
      },
      { repository_owner: 'acme', actor: 'octocat', token: '' }
    ),
    ...files(),
    GITHUB_WORKSPACE: path.join(root, 'workspace'),
    RUNNER_TEMP: path.join(root, 'temp'),
    GITHUB_REF: ref
  }
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  await run(fake.services)
  return {
    outputs: parseFileCommand(fs.readFileSync(files().GITHUB_OUTPUT, 'utf8')),
    summary: fs.readFileSync(files().GITHUB_STEP_SUMMARY, 'utf8'),
    log: printed.join('')
  }
}

function chart(name: string, version = '1.0.0'): void {
  writeChart(path.join(root, 'workspace', 'charts'), { name, version })
}

/** How many times each output was written to GITHUB_OUTPUT. */
function outputWrites(): Map<string, number> {
  const text = fs.readFileSync(files().GITHUB_OUTPUT, 'utf8')
  const counts = new Map<string, number>()
  for (const match of text.matchAll(/^([a-z-]+)<</gm))
    counts.set(match[1], (counts.get(match[1]) ?? 0) + 1)
  return counts
}

test('a release: install, look up, log in, publish; every output written once', async () => {
  chart('hello')
  const fake = fakes()
  const { outputs, summary } = await runMain(fake, { chart: 'charts/hello' })
  expect(process.exitCode).toBeUndefined()
  expect(fake.helm.calls).toEqual([
    'login registry.test robot',
    'lint hello',
    'package hello',
    'push hello oci://registry.test/acme/charts'
  ])
  expect(outputs).toMatchObject({
    'chart-name': 'hello',
    'chart-version': '1.0.0',
    'chart-ref': 'oci://registry.test/acme/charts/hello',
    digest: fake.registry.manifests.get('acme/charts/hello:1.0.0')?.digest,
    pushed: 'true',
    'pull-request-operation': 'none'
  })
  expect([...outputWrites().values()].every(n => n === 1)).toBe(true)
  // Every output action.yml declares, each written once.
  expect([...outputWrites().keys()].sort()).toEqual(
    Object.keys(
      (parse(fs.readFileSync('action.yml', 'utf8')) as { outputs: object })
        .outputs
    ).sort()
  )
  expect(summary).toContain('<h2>Published hello 1.0.0</h2>')
  expect(summary).toContain('<li>Dependencies: none declared</li>')
})

test('a tag that names another version: refused before Helm is installed; no outputs', async () => {
  chart('hello', '2.0.0')
  const fake = fakes()
  const { outputs, log } = await runMain(fake, { chart: 'charts/hello' })
  expect(process.exitCode).toBe(1)
  expect(log).toMatch(
    /^::error file=charts\/hello\/Chart.yaml,line=\d+::Tag 'v1.0.0' does not release chart 'hello' at version 2.0.0/m
  )
  expect(fake.installs).toBe(0)
  expect(outputs).toEqual({})
})

test('already published with if-exists fail: refused after the lookup, Helm never runs', async () => {
  chart('hello')
  const fake = fakes()
  const served = fake.registry.put('acme/charts/hello', '1.0.0', sha256('x'))
  const { outputs, log } = await runMain(fake, { chart: 'charts/hello' })
  expect(process.exitCode).toBe(1)
  expect(log).toContain(`is already published (digest ${served})`)
  expect(fake.helms).toBe(0)
  expect(fake.helm.calls).toEqual([])
  expect(outputs).toEqual({})
})

test('already published with if-exists skip: no login, outputs name the served digest', async () => {
  chart('hello')
  const fake = fakes()
  const served = fake.registry.put('acme/charts/hello', '1.0.0', sha256('x'))
  const { outputs, summary } = await runMain(fake, {
    chart: 'charts/hello',
    'if-exists': 'skip'
  })
  expect(process.exitCode).toBeUndefined()
  expect(fake.helms).toBe(0)
  expect(outputs).toMatchObject({ digest: served, pushed: 'false' })
  expect(summary).toContain("hello 1.0.0: already published, 'if-exists: skip'")
})

test('the GitOps step runs for the pushed chart, and its outputs are set with the others', async () => {
  chart('hello')
  const fake = fakes(() => ({
    operation: 'created',
    number: 7,
    url: 'https://github.test/acme/gitops/pull/7',
    updatedFiles: ['apps/hello.yaml']
  }))
  const { outputs, summary } = await runMain(fake, {
    chart: 'charts/hello',
    'gitops-repository': 'acme/gitops',
    'gitops-token': 'ghs_fake'
  })
  expect(process.exitCode).toBeUndefined()
  expect(fake.gitops).toEqual(['hello 1.0.0'])
  expect(outputs).toMatchObject({
    pushed: 'true',
    'pull-request-number': '7',
    'pull-request-operation': 'created',
    'updated-files': '["apps/hello.yaml"]'
  })
  expect(summary).toContain('GitOps pull request for hello')
})

test('a GitOps failure after the push fails the step, yet outputs and summary are written', async () => {
  chart('hello')
  const fake = fakes(() => {
    throw new UserError('GitHub refused creating the pull request')
  })
  const { outputs, summary, log } = await runMain(fake, {
    chart: 'charts/hello',
    'gitops-repository': 'acme/gitops',
    'gitops-token': 'ghs_fake'
  })
  expect(process.exitCode).toBe(1)
  expect(log).toMatch(/^::error::GitHub refused creating the pull request$/m)
  expect(outputs).toMatchObject({
    pushed: 'true',
    'pull-request-operation': 'none'
  })
  expect(summary).toContain('Published hello 1.0.0')
})

test('the lookup runs while Helm is installed, and reports in its own group after', async () => {
  chart('hello')
  const fake = fakes()
  let lookupsDuringInstall = -1
  const install = fake.services.installHelm
  // The install returns only once the lookup has started: if the lookup
  // waited for the install, this would never happen and the test fail (no
  // bet on how long a timer takes on a busy machine).
  fake.services.installHelm = async config => {
    await vi.waitFor(
      () => expect(fake.registry.lookups.length).toBeGreaterThan(0),
      { timeout: 60_000, interval: 1 }
    )
    lookupsDuringInstall = fake.registry.lookups.length
    return install(config)
  }
  const { log } = await runMain(fake, { chart: 'charts/hello' })
  expect(process.exitCode).toBeUndefined()
  expect(lookupsDuringInstall).toBe(1)
  const groups = [...log.matchAll(/^::group::(.*)$/gm)].map(m => m[1])
  expect(groups.slice(2, 4)).toEqual([
    'Install Helm',
    'Look up the versions in the registry'
  ])
  const lookup = log.slice(log.indexOf('::group::Look up the versions'))
  expect(lookup).toMatch(
    /^::group::Look up the versions in the registry\noci:\/\/registry\.test\/acme\/charts\/hello:1\.0\.0 is not published yet\.\n::endgroup::$/m
  )
})

test('Helm fails to install and the lookup fails too: the install failure is reported', async () => {
  chart('hello')
  const fake = fakes()
  fake.registry.manifestDigest = async () => {
    throw new UserError('the registry answered 500')
  }
  fake.services.installHelm = async () => {
    await new Promise(resolve => setTimeout(resolve, 10))
    throw new UserError('Could not download Helm')
  }
  const { log, outputs } = await runMain(fake, { chart: 'charts/hello' })
  expect(process.exitCode).toBe(1)
  expect(log).toMatch(/^::error::Could not download Helm$/m)
  expect(log).not.toContain('the registry answered 500')
  expect(log).not.toContain('::group::Look up the versions')
  expect(outputs).toEqual({})
})

test('the lookup fails while Helm installs: its refusal, after the install, before any Helm', async () => {
  chart('hello')
  const fake = fakes()
  fake.registry.manifestDigest = async () => {
    throw new UserError('the registry answered 500')
  }
  const { log } = await runMain(fake, { chart: 'charts/hello' })
  expect(process.exitCode).toBe(1)
  expect(fake.installs).toBe(1)
  expect(log).toMatch(/^::error::the registry answered 500$/m)
  expect(fake.helms).toBe(0)
})
