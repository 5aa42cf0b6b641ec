// The bundled action, run the way a GitHub runner runs it: real Helm installed from
// a loopback mirror, a real registry with Basic auth, then the post step.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  filesContaining,
  makeRunnerDirs,
  runMain,
  runPost,
  visibleLog,
  type RunnerDirs
} from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import {
  HELM3,
  HELM4,
  HELM41,
  HELM_VERSIONS,
  removeDir,
  repoRoot,
  tempDir
} from '../helpers/paths.js'
import {
  listTags,
  manifestDigest,
  startRegistry,
  type Registry
} from '../helpers/registry.js'

const USER = 'robot$ci'
const PASSWORD = 'p@ss:w$rd+x {"k": 1}'
const AUTH = { username: USER, password: PASSWORD }
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')

let root: string
let registry: Registry
let mirror: Mirror
let argvLog: string

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
    throw new Error("dist/index.js is missing: run 'npm run bundle' first.")
  }
  root = tempDir('hor-e2e-')
  argvLog = path.join(root, 'helm-argv.log')
  ;[registry, mirror] = await Promise.all([
    startRegistry({ users: { [USER]: PASSWORD } }),
    startMirror({ versions: HELM_VERSIONS, wrapArgvLog: argvLog })
  ])
})

afterAll(async () => {
  await Promise.all([registry?.stop(), mirror?.stop()])
  removeDir(root)
})

let runCount = 0
function newRunner(): RunnerDirs {
  return makeRunnerDirs(path.join(root, `run-${++runCount}`))
}

function inputs(
  helm: string,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    chart: 'charts/hello',
    registry: registry.host,
    repository: 'acme/charts',
    username: USER,
    password: PASSWORD,
    'helm-version': `v${helm}`,
    'helm-download-url': mirror.url,
    'plain-http': 'true',
    ...extra
  }
}

const github = {
  repository_owner: 'Acme',
  actor: 'octocat',
  token: 'ghs_workflowtoken'
}

function sandboxes(dirs: RunnerDirs): string[] {
  return fs
    .readdirSync(dirs.temp)
    .filter(name => /^helm-oci-release-(?!package-)/.test(name))
}

describe.each([
  [HELM3, '1.2.3'],
  [HELM41, '1.2.4'],
  [HELM4, '1.2.3+build.1']
])('Helm %s publishing version %s', (helm, version) => {
  const tag = version.replace('+', '_')
  const name = `hello-h${helm.replaceAll('.', '')}`
  const repo = `acme/charts/${name}`
  let dirs: RunnerDirs
  let main: Awaited<ReturnType<typeof runMain>>

  beforeAll(async () => {
    dirs = newRunner()
    writeChart(path.join(dirs.workspace, 'charts'), {
      name,
      version
    })
    fs.writeFileSync(argvLog, '')
    main = await runMain({
      inputs: inputs(helm, { chart: `charts/${name}` }),
      github,
      dirs,
      env: { GITHUB_REF: `refs/tags/v${version}` }
    })
  })

  test('succeeds and sets every output', () => {
    expect(main.exitCode, main.stdout + main.stderr).toBe(0)
    expect(main.outputs).toMatchObject({
      'chart-name': name,
      'chart-version': version,
      'chart-ref': `oci://${registry.host}/${repo}`,
      pushed: 'true'
    })
    expect(main.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(fs.existsSync(main.outputs['package-path'])).toBe(true)
    expect(path.basename(main.outputs['package-path'])).toBe(
      `${name}-${version}.tgz`
    )
  })

  test('the registry holds the chart under the tag Helm pushes, with the digest output', async () => {
    expect(await listTags(registry, repo, AUTH)).toEqual([tag])
    expect(await manifestDigest(registry, repo, tag, AUTH)).toBe(
      main.outputs.digest
    )
  })

  test('the job summary names the chart, reference, digest and Helm version', () => {
    expect(main.summary).toContain(`Published ${name} ${version}`)
    expect(main.summary).toContain(`oci://${registry.host}/${repo}:${tag}`)
    expect(main.summary).toContain(main.outputs.digest)
    expect(main.summary).toContain(`v${helm}`)
  })

  test('Helm came from the mirror, verified and cached', () => {
    expect(mirror.requests).toContain(
      `/helm-v${helm}-linux-amd64.tar.gz.sha256sum`
    )
    expect(fs.existsSync(path.join(dirs.toolCache, 'helm', helm))).toBe(true)
  })

  test('the password is in no log line and no Helm argv', () => {
    const leaks = visibleLog(main).filter(
      line => line.includes(PASSWORD) || line.includes(BASIC)
    )
    expect(leaks).toEqual([])
    const argv = fs.readFileSync(argvLog, 'utf8')
    expect(argv).toContain('registry\nlogin\n')
    expect(argv).toContain('--password-stdin')
    expect(argv).not.toContain(PASSWORD)
    // The runner is told to mask it, line by line.
    expect(main.stdout).toContain(`::add-mask::${PASSWORD}`)
  })

  test('no credential remains on disk after the step', () => {
    expect(main.exitCode).toBe(0)
    expect(sandboxes(dirs)).toEqual([])
    expect(filesContaining(path.dirname(dirs.temp), [PASSWORD, BASIC])).toEqual(
      []
    )
    expect(fs.readdirSync(dirs.home)).toEqual([])
  })

  test('the post step runs clean', async () => {
    const post = await runPost(
      { inputs: inputs(helm), github, dirs },
      main.state
    )
    expect(post.exitCode).toBe(0)
    expect(main.state.isPost).toBe('true')
  })
})

test('dry-run does everything but push', async () => {
  const dirs = newRunner()
  writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'hello',
    version: '3.0.0'
  })
  const main = await runMain({
    inputs: inputs(HELM4, {
      'dry-run': 'true',
      repository: 'dry/charts',
      tag: 'v3.0.0'
    }),
    github,
    dirs
  })
  expect(main.exitCode, main.stdout).toBe(0)
  expect(main.outputs).toMatchObject({
    pushed: 'false',
    digest: '',
    'chart-version': '3.0.0'
  })
  expect(main.stdout).toContain(`Dry run: would push`)
  expect(main.summary).toContain('dry run, nothing pushed')
  expect(await listTags(registry, 'dry/charts/hello', AUTH)).toEqual([])
})

// Node loads a module of its own only when asked: an ESM import of node:http
// used to load node's undici (and http2, tls, zlib) on every run, and
// @actions/io's one assert check node's assert. The hook prints what node
// loaded when the step exits.
const NODE_MODULES_HOOK = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => process.stderr.write('\\nNODE MODULES ' + " +
    "JSON.stringify(process.moduleLoadList) + '\\n'))"
)}`

test('a release over plain HTTP with Helm in the tool cache loads no part of node it does not use', async () => {
  const dirs = newRunner()
  writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'lean',
    version: '1.0.0'
  })
  const run = (extra: Record<string, string>, env: Record<string, string>) =>
    runMain({
      inputs: inputs(HELM4, { chart: 'charts/lean', ...extra }),
      github,
      dirs,
      env: { GITHUB_REF: 'refs/tags/v1.0.0', ...env }
    })
  // The first run downloads Helm into the tool cache; the second finds it.
  expect((await run({ 'dry-run': 'true' }, {})).exitCode).toBe(0)
  const main = await run({}, { NODE_OPTIONS: `--import ${NODE_MODULES_HOOK}` })
  expect(main.exitCode, main.stdout + main.stderr).toBe(0)
  expect(main.outputs.pushed).toBe('true')
  const list = /^NODE MODULES (.*)$/m.exec(main.stderr)
  expect(list, main.stderr).not.toBeNull()
  const loaded = (JSON.parse(list![1]) as string[]).filter(m =>
    m.startsWith('NativeModule ')
  )
  expect(loaded).toContain('NativeModule http')
  expect(
    loaded.filter(m =>
      /^NativeModule (internal\/deps\/undici\/|http2$|tls$|https$|assert$|zlib$|worker_threads$)/.test(
        m
      )
    )
  ).toEqual([])
})

// The post step after a main step killed while Helm pushes, and whether the
// runner starts it at all: post-step.int.test.ts.

describe('refusals are messages, not stack traces', () => {
  test.each([
    [
      'a missing chart folder',
      { chart: 'charts/nope' },
      /^::error::Input 'chart' is 'charts\/nope', but there is no such folder/m
    ],
    [
      'a non-SemVer version, annotated on its line',
      { chart: 'charts/bad' },
      /^::error file=charts\/bad\/Chart.yaml,line=5::.*'version: 1.0'.*not a SemVer 2 version/m
    ],
    [
      'an unknown helm-version',
      { 'helm-version': 'banana' },
      /^::error::.*'helm-version'.*banana/m
    ],
    [
      'a registry with a path',
      { registry: `oci://${'127.0.0.1:1'}/acme` },
      /^::error::Input 'registry'.*put the path in 'repository'/m
    ]
  ])('%s', async (_name, extra, message) => {
    const dirs = newRunner()
    writeChart(path.join(dirs.workspace, 'charts'), { name: 'hello' })
    writeChart(path.join(dirs.workspace, 'charts'), {
      name: 'bad',
      version: '1.0'
    })
    const main = await runMain({ inputs: inputs(HELM4, extra), github, dirs })
    expect(main.exitCode).toBe(1)
    expect(main.stdout).toMatch(message)
    expect(main.stdout + main.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
    expect(main.outputs).toEqual({})
  })
})
