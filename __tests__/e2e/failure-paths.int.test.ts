// Releases that fail, through the bundled action as a runner runs it: the
// registry's own immutability refusal on push, and, with debug logging on,
// failures after the password and the gitops token were read (wrong password,
// registry down, push refused, GitOps API 401 and 5xx). A failure must name
// what went wrong and never show a secret, in any encoding, anywhere a user
// or a later step can read it.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  filesContaining,
  makeRunnerDirs,
  runMain,
  visibleLog,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import {
  startGitHubDouble,
  type GitHubDouble
} from '../helpers/github-double.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import { HELM4, removeDir, tempDir } from '../helpers/paths.js'
import { startRegistry, type Registry } from '../helpers/registry.js'

const USER = 'ci-bot'
const PASSWORD = 'Pa55-w0rd_failure/paths+1'
const TOKEN = 'ghs_failurePathsTOKEN1234567'
const SECRETS = [
  PASSWORD,
  TOKEN,
  Buffer.from(PASSWORD).toString('base64'),
  Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  Buffer.from(TOKEN).toString('base64'),
  Buffer.from(`x-access-token:${TOKEN}`).toString('base64')
]
const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }

let root: string
let registry: Registry
let proxy: FaultProxy
let mirror: Mirror
let github: GitHubDouble
let runs = 0

interface Release {
  result: StepResult
  /** The run's directories (workspace, temp, tool cache, home). */
  base: string
}

async function release(
  registryHost: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<Release> {
  const base = path.join(root, `run-${++runs}`)
  const dirs = makeRunnerDirs(base)
  writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'hello',
    version: `1.0.${runs}`
  })
  const result = await runMain({
    inputs: {
      chart: 'charts/hello',
      registry: registryHost,
      repository: 'acme/charts',
      username: USER,
      password: PASSWORD,
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-repository': 'acme/gitops',
      'gitops-token': TOKEN,
      ...inputs
    },
    github: { repository_owner: 'acme', actor: 'octocat', token: 'ghs_wf' },
    dirs,
    env: {
      GITHUB_REF: `refs/tags/v1.0.${runs}`,
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SERVER_URL: 'http://127.0.0.1:9',
      ...DEBUG,
      ...env
    }
  })
  return { result, base }
}

/** Every place a secret must not be: log lines, summary, outputs, files. */
function leaks({ result, base }: Release): string[] {
  const found = visibleLog(result)
    .filter(line => SECRETS.some(s => line.includes(s)))
    .map(line => `log: ${line}`)
  if (SECRETS.some(s => result.summary.includes(s))) found.push('summary')
  for (const [name, value] of Object.entries(result.outputs)) {
    if (SECRETS.some(s => value.includes(s))) found.push(`output ${name}`)
  }
  return [...found, ...filesContaining(base, SECRETS)]
}

/** The `::error::` lines of a run. */
function errors(result: StepResult): string[] {
  return result.stdout.split('\n').filter(l => l.startsWith('::error'))
}

beforeAll(async () => {
  root = tempDir('hor-failure-paths-')
  ;[registry, mirror, github] = await Promise.all([
    startRegistry({ users: { [USER]: PASSWORD } }),
    startMirror({ versions: [HELM4] }),
    startGitHubDouble({ tokens: [TOKEN] })
  ])
  github.addRepository({ owner: 'acme', repo: 'gitops' })
  // Faults on manifest uploads only: the existence check goes through.
  proxy = await startFaultProxy(registry.url, {
    match: (method, url) => method === 'PUT' && url.includes('/manifests/')
  })
})

afterAll(async () => {
  await Promise.all([
    registry?.stop(),
    proxy?.stop(),
    mirror?.stop(),
    github?.close()
  ])
  removeDir(root)
})

describe("the registry's own immutability refusal on push", () => {
  test.each([
    [
      'ECR (400 ImageTagAlreadyExistsException)',
      400,
      'TAG_INVALID',
      "ImageTagAlreadyExistsException: The image tag '1.0.1' already exists in the 'acme/charts/hello' repository and cannot be overwritten because the repository is immutable."
    ],
    [
      'Harbor (412 configured as immutable)',
      412,
      'PRECONDITION',
      "Failed to process request due to 'hello:1.0.2' configured as immutable."
    ]
  ])(
    '%s: says the tag is immutable, names it, no blind retry',
    async (_, status, code, message) => {
      proxy.clear()
      proxy.failAlways({
        kind: 'status',
        status,
        body: JSON.stringify({ errors: [{ code, message }] })
      })
      const run = await release(proxy.host, { 'gitops-repository': '' })
      const tag = `1.0.${runs}`
      expect(run.result.exitCode).toBe(1)
      expect(errors(run.result)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error::The registry refused to overwrite oci://${proxy.host}/acme/charts/hello:${tag}: ` +
              'the tag is immutable in the registry'
          )
        )
      ])
      // One manifest upload: an immutable tag is not worth another try.
      expect(
        proxy.requests.filter(
          r => r.method === 'PUT' && r.outcome !== 'forwarded'
        )
      ).toHaveLength(1)
      expect(leaks(run)).toEqual([])
    }
  )
})

describe('debug logging on, the run fails after the secrets were read', () => {
  test('a wrong password at login', async () => {
    const run = await release(registry.host, {
      password: `${PASSWORD}-wrong`
    })
    expect(run.result.exitCode).toBe(1)
    expect(errors(run.result).join('\n')).toMatch(/credentials|password|401/i)
    expect(leaks(run)).toEqual([])
  })

  test('the registry is down', async () => {
    const run = await release('127.0.0.1:9')
    expect(run.result.exitCode).toBe(1)
    expect(errors(run.result)).not.toEqual([])
    expect(leaks(run)).toEqual([])
  })

  test('helm push fails (500 on every upload)', async () => {
    proxy.clear()
    proxy.failAlways({ kind: 'status', status: 500 })
    const run = await release(proxy.host)
    proxy.clear()
    expect(run.result.exitCode).toBe(1)
    expect(errors(run.result).join('\n')).toContain('helm push')
    expect(leaks(run)).toEqual([])
  })

  test.each([
    ['401', { 'gitops-token': `${TOKEN}0` }, 'gitops-token was rejected'],
    ['5xx', {}, 'GitHub API failed']
  ])('the GitOps API answers %s', async (kind, inputs, expected) => {
    if (kind === '5xx')
      github.fail({ operation: 'repos/get', kind: 'server-error', times: 10 })
    const run = await release(registry.host, inputs)
    expect(run.result.exitCode).toBe(1)
    expect(errors(run.result).join('\n')).toContain(expected)
    expect(leaks(run)).toEqual([])
  })
})
