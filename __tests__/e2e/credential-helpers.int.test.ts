// The OS credential store stays out of a release (issue #10, part 7): with
// docker-credential-secretservice, or `pass` and docker-credential-pass, on
// PATH and no Docker config, Helm 3.17 and 4 (oras-go's
// DetectDefaultNativeStore) would read the keychain on an anonymous push and
// store the password there on login. Through the bundled action, real Helm and
// a real registry: the helpers, which record every call, are never called.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { makeRunnerDirs, runMain } from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import { HELM_VERSIONS, removeDir, tempDir } from '../helpers/paths.js'
import { listTags, startRegistry, type Registry } from '../helpers/registry.js'
import { startTokenServer, type TokenServer } from '../helpers/token-server.js'

const USER = 'robot'
const PASSWORD = 'keychain-test-pass'
const github = { repository_owner: 'acme', actor: 'octocat', token: 'ghs_x' }

let root: string
let mirror: Mirror
let anonymous: Registry
let basic: Registry
let tokens: TokenServer
let pullOnly: Registry
let runs = 0

/**
 * A folder of fake OS credential helpers that append their argv and stdin to
 * `calls` and answer like an empty keychain.
 */
function fakeHelpers(dir: string, calls: string): string {
  fs.mkdirSync(dir, { recursive: true })
  const script = [
    '#!/bin/sh',
    `{ echo "$(basename "$0") $*"; cat; echo; echo ---; } >> '${calls}'`,
    // A keychain that holds the registry's credentials.
    'if [ "$1" = get ]; then',
    `  echo '{"ServerURL":"","Username":"${USER}","Secret":"${PASSWORD}"}'`,
    'fi',
    ''
  ].join('\n')
  for (const name of [
    'docker-credential-pass',
    'docker-credential-secretservice',
    'docker-credential-desktop',
    // oras-go picks "pass" on Linux only when the `pass` program is there.
    'pass'
  ]) {
    fs.writeFileSync(path.join(dir, name), script, { mode: 0o755 })
  }
  return dir
}

beforeAll(async () => {
  root = tempDir('hor-keychain-')
  ;[mirror, anonymous, basic] = await Promise.all([
    startMirror({ versions: HELM_VERSIONS }),
    startRegistry(),
    startRegistry({ users: { [USER]: PASSWORD } })
  ])
  // Anonymous pulls (the action's look-up), pushes need credentials.
  tokens = await startTokenServer({
    users: { [USER]: PASSWORD },
    anonymousPull: true
  })
  pullOnly = await startRegistry({ auth: tokens.registryAuth() })
})

afterAll(async () => {
  await Promise.all([mirror?.stop(), anonymous?.stop(), basic?.stop()])
  await pullOnly?.stop()
  await tokens?.stop()
  removeDir(root)
})

describe.each(HELM_VERSIONS)('Helm %s', helm => {
  test.each([
    ['an anonymous run', false],
    ['a run with a password', true]
  ])('%s never calls the OS credential helper', async (_name, login) => {
    const base = path.join(root, `run-${++runs}`)
    const dirs = makeRunnerDirs(base)
    const calls = path.join(base, 'helper-calls.log')
    const helpers = fakeHelpers(path.join(base, 'bin'), calls)
    const version = `1.${runs}.0`
    writeChart(path.join(dirs.workspace, 'charts'), { name: 'hello', version })
    const registry = login ? basic : anonymous
    const result = await runMain({
      inputs: {
        chart: 'charts/hello',
        registry: registry.host,
        repository: 'keychain/charts',
        username: login ? USER : '',
        password: login ? PASSWORD : '',
        'helm-version': helm,
        'helm-download-url': mirror.url,
        'plain-http': 'true'
      },
      github,
      dirs,
      env: {
        GITHUB_REF: `refs/tags/v${version}`,
        PATH: `${helpers}:${process.env.PATH ?? '/usr/bin:/bin'}`
      }
    })
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.outputs.pushed).toBe('true')
    const auth = login ? { username: USER, password: PASSWORD } : undefined
    expect(await listTags(registry, 'keychain/charts/hello', auth)).toContain(
      version
    )
    expect(recorded(calls)).toBe('')
  })

  test('an anonymous run does not push with the keychain credentials', async () => {
    const base = path.join(root, `run-${++runs}`)
    const dirs = makeRunnerDirs(base)
    const calls = path.join(base, 'helper-calls.log')
    const helpers = fakeHelpers(path.join(base, 'bin'), calls)
    const version = `1.${runs}.0`
    writeChart(path.join(dirs.workspace, 'charts'), { name: 'hello', version })
    const result = await runMain({
      inputs: {
        chart: 'charts/hello',
        registry: pullOnly.host,
        repository: 'keychain/charts',
        username: '',
        password: '',
        'helm-version': helm,
        'helm-download-url': mirror.url,
        'plain-http': 'true'
      },
      github,
      dirs,
      env: {
        GITHUB_REF: `refs/tags/v${version}`,
        PATH: `${helpers}:${process.env.PATH ?? '/usr/bin:/bin'}`
      }
    })
    expect(recorded(calls)).toBe('')
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/^::error::helm push to .* failed/m)
  })
})

function recorded(calls: string): string {
  return fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : ''
}
