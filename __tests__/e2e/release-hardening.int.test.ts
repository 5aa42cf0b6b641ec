// What a chart, a registry or a download mirror can make a release do, through
// the bundled action with real Helm and a real registry (issue #10, parts 4-6):
// no line of theirs runs as a workflow command, no link out of the workspace is
// published, and a password is used as given.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type RunnerDirs,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart, type ChartSpec } from '../helpers/charts.js'
import { startFaultProxy } from '../helpers/fault-proxy.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import { HELM3, HELM4, removeDir, tempDir } from '../helpers/paths.js'
import { listTags, startRegistry, type Registry } from '../helpers/registry.js'
import {
  injectedCommands,
  runnerCommands
} from '../helpers/runner-log-commands.js'

const USER = 'robot'
// Leading and trailing spaces: the registry takes them as part of the password.
const PASSWORD = ' s3cret pass '
const AUTH = { username: USER, password: PASSWORD }
const MARK = 'pwned'
const github = { repository_owner: 'acme', actor: 'octocat', token: 'ghs_x' }

let root: string
let mirror: Mirror
let registry: Registry
let runs = 0

interface Release {
  registry?: string
  helm?: string
  chart?: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  version?: string
  /** Adds files to the workspace before the run. */
  prepare?: (dirs: RunnerDirs) => void
  spec?: ChartSpec
}

async function release(options: Release = {}): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  const version = options.version ?? `1.0.${runs}`
  writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'hello',
    version,
    ...options.spec
  })
  options.prepare?.(dirs)
  return runMain({
    inputs: {
      chart: options.chart ?? 'charts/hello',
      registry: options.registry ?? registry.host,
      repository: 'hard/charts',
      username: USER,
      password: PASSWORD,
      'helm-version': options.helm ?? HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      ...options.inputs
    },
    github,
    dirs,
    env: { GITHUB_REF: `refs/tags/v${version}`, ...options.env }
  })
}

const log = (r: StepResult): string => r.stdout + r.stderr

beforeAll(async () => {
  root = tempDir('hor-hardening-')
  ;[mirror, registry] = await Promise.all([
    startMirror({ versions: [HELM3, HELM4] }),
    startRegistry({ users: { [USER]: PASSWORD } })
  ])
})

afterAll(async () => {
  await Promise.all([mirror?.stop(), registry?.stop()])
  removeDir(root)
})

describe('workflow-command injection through Helm and tar output', () => {
  const body = JSON.stringify({
    errors: [
      {
        code: 'DENIED',
        message: `denied\n::error::${MARK} by the registry\n   ::warning::${MARK} indented\n##[error]${MARK} legacy`
      }
    ]
  })

  // Helm 4 quotes the registry's error body; Helm 3 (containerd's client)
  // shows only the status, so its case is the lint echo below.
  test.each([HELM4])(
    "a registry's error body relayed by Helm %s runs no command",
    async helm => {
      const proxy = await startFaultProxy(registry.url, {
        match: (method, url) => method === 'PUT' && url.includes('/manifests/')
      })
      try {
        proxy.failAlways({ kind: 'status', status: 403, body })
        const result = await release({ registry: proxy.host, helm })
        expect(result.exitCode, log(result)).toBe(1)
        expect(result.stdout).toContain(`::error::${MARK} by the registry`)
        expect(result.stdout).toMatch(/^::error::helm push to .* failed/m)
        expect(injectedCommands(result, MARK)).toEqual([])
      } finally {
        await proxy.stop()
      }
    }
  )

  // Helm 3 logs a template's `fail` message raw while linting, and lint passes.
  const echoing: ChartSpec = {
    template: `{{ fail "x\\n::error::${MARK} by a template" }}\n`
  }

  test('a template echoed by Helm 3 lint runs no command', async () => {
    const result = await release({
      helm: HELM3,
      spec: echoing
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toContain(`::error::${MARK} by a template`)
    expect(injectedCommands(result, MARK)).toEqual([])
  })

  test("the same with many charts, Helm's output printed per chart afterwards", async () => {
    const version = '1.1.0'
    const result = await release({
      helm: HELM3,
      chart: 'charts/*',
      version,
      spec: echoing,
      prepare: dirs => {
        writeChart(path.join(dirs.workspace, 'charts'), {
          name: 'other',
          version,
          ...echoing
        })
      }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toContain(`::error::${MARK} by a template`)
    expect(injectedCommands(result, MARK)).toEqual([])
  })

  test('names in a downloaded Helm archive, listed by tar with debug logging on, run no command', async () => {
    const site = await startTarMirror(path.join(root, 'tar-mirror'))
    try {
      const result = await release({
        helm: HELM3,
        inputs: { 'helm-download-url': site.url },
        env: { RUNNER_DEBUG: '1' },
        registry: '127.0.0.1:9'
      })
      // It fails later (nothing listens on port 9): the log is what counts.
      expect(result.stdout).toContain('Verified sha256')
      expect(injectedCommands(result, MARK)).toEqual([])
    } finally {
      await site.stop()
    }
  })
})

/**
 * A download site serving one "Helm 3.17.3" archive: a script that reports the
 * version, plus a member whose name is a workflow command.
 */
async function startTarMirror(
  dir: string
): Promise<{ url: string; stop(): Promise<void> }> {
  const stage = path.join(dir, 'stage')
  fs.mkdirSync(path.join(stage, 'linux-amd64'), { recursive: true })
  const helm = path.join(stage, 'linux-amd64', 'helm')
  fs.writeFileSync(helm, `#!/bin/sh\necho v${HELM3}\n`, { mode: 0o755 })
  const trap = `::error::${MARK} by tar`
  fs.writeFileSync(path.join(stage, trap), '')
  const name = `helm-v${HELM3}-linux-amd64.tar.gz`
  const archive = path.join(dir, name)
  execFileSync('tar', ['-czf', archive, '-C', stage, 'linux-amd64', trap])
  const bytes = fs.readFileSync(archive)
  const sum = createHash('sha256').update(bytes).digest('hex')
  const server = http.createServer((req, res) => {
    if (req.url === `/${name}`) res.end(bytes)
    else if (req.url === `/${name}.sha256sum`) res.end(`${sum}  ${name}\n`)
    else res.writeHead(404).end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise(resolve => server.close(() => resolve()))
  }
}

describe('symbolic links out of the workspace are refused before anything is sent', () => {
  let outside: string
  beforeAll(() => {
    outside = path.join(root, 'outside')
    writeChart(outside, { name: 'hello', version: '9.9.9' })
    fs.writeFileSync(path.join(outside, 'credentials'), 'aws_secret=xyz\n')
  })

  const refusals: [string, Release, (o: string) => RegExp][] = [
    [
      'a chart folder that is a link',
      {
        chart: 'charts/link',
        version: '9.9.9',
        prepare: d =>
          fs.symlinkSync(
            path.join(outside, 'hello'),
            path.join(d.workspace, 'charts/link')
          )
      },
      o =>
        new RegExp(
          `^::error::Input 'chart' names charts/link, which resolves to ${o}/hello, outside the workspace`,
          'm'
        )
    ],
    [
      'a file in the chart linked to a credentials file',
      {
        prepare: d =>
          fs.symlinkSync(
            path.join(outside, 'credentials'),
            path.join(d.workspace, 'charts/hello/creds.txt')
          )
      },
      o =>
        new RegExp(
          `^::error file=charts/hello/creds.txt::charts/hello/creds.txt is a symbolic link to ${o}/credentials, outside the workspace`,
          'm'
        )
    ],
    [
      'a folder in the chart linked outside',
      {
        prepare: d =>
          fs.symlinkSync(
            outside,
            path.join(d.workspace, 'charts/hello/templates/more')
          )
      },
      o =>
        new RegExp(
          `^::error file=charts/hello/templates/more::.* is a symbolic link to ${o}, outside`,
          'm'
        )
    ],
    [
      'a file:// dependency outside the workspace',
      {
        prepare: d =>
          fs.writeFileSync(
            path.join(d.workspace, 'charts/hello/Chart.yaml'),
            `apiVersion: v2\nname: hello\nversion: 1.0.99\ndependencies:\n  - name: hello\n    version: 9.9.9\n    repository: file://${outside}/hello\n`
          ),
        version: '1.0.99'
      },
      o =>
        new RegExp(
          `^::error file=charts/hello/Chart.yaml::.*dependency 'hello' comes from file://${o}/hello, which resolves to ${o}/hello, outside the workspace`,
          'm'
        )
    ]
  ]

  test.each(refusals)('%s', async (_name, options, message) => {
    const downloads = mirror.requests.length
    const result = await release(options)
    expect(result.exitCode, log(result)).toBe(1)
    expect(result.stdout).toMatch(message(fs.realpathSync(outside)))
    expect(log(result)).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
    expect(mirror.requests.length).toBe(downloads)
    expect(await listTags(registry, 'hard/charts/hello', AUTH)).not.toContain(
      options.version ?? `1.0.${runs}`
    )
  })

  test('links that stay in the workspace still publish', async () => {
    const result = await release({
      prepare: d => {
        fs.writeFileSync(path.join(d.workspace, 'shared.txt'), 'shared\n')
        fs.symlinkSync(
          '../../shared.txt',
          path.join(d.workspace, 'charts/hello/shared.txt')
        )
      }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.pushed).toBe('true')
  })
})

describe('a password with spaces around it', () => {
  test('logs in and pushes, and never shows in the log', async () => {
    const result = await release({ version: '2.0.0' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.pushed).toBe('true')
    expect(await listTags(registry, 'hard/charts/hello', AUTH)).toContain(
      '2.0.0'
    )
    const masks = runnerCommands(result.stdout).filter(
      c => c.name === 'add-mask'
    )
    expect(masks.map(c => c.data)).toContain(PASSWORD)
  })

  test('with the trailing newline a secret store adds', async () => {
    const result = await release({
      version: '2.0.1',
      inputs: { password: `${PASSWORD}\n` }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.pushed).toBe('true')
  })
})
