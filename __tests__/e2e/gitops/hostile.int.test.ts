// A hostile or unusual GitOps repository, through the bundled action as a
// runner runs it (real registry, real git over smart HTTP, an OpenAPI-checked
// GitHub double): text from its files never becomes a workflow command, a
// file name that cannot be used does not fail the release, files skipped for
// their size or encoding are named, and bytes that are not UTF-8 come back
// as they were.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  visibleLog,
  type StepResult
} from '../../helpers/action-runner.js'
import { writeChart } from '../../helpers/charts.js'
import type { GitServer } from '../../helpers/git-server.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import type { Mirror } from '../../helpers/helm-mirror.js'
import {
  gitopsRunContext,
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'
import { runnerCommands } from '../../helpers/runner-log-commands.js'

const TOKEN = 'ghs_hostileTOKEN1234567890'
const LIMIT = 1024 * 1024
const BAD_NAME = 'apps/x\n::error title=NAME::pwned-by-name.yaml'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let runs = 0

function application(version: string, lines: string[] = []): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: hello}',
    'spec:',
    '  source:',
    `    repoURL: oci://${registry.host}/acme/charts`,
    '    chart: hello',
    ...lines,
    `    targetRevision: ${version}`,
    ''
  ].join('\n')
}

/** Latin-1 comments, and values whose line would be a command in the dry-run diff's context. */
function latin1(version: string): Buffer {
  const values = [
    '    helm:',
    '      values: |',
    '        ::warning title=DIFF::pwned-by-diff'
  ]
  return Buffer.from(
    `# caf\xe9 cr\xe8me\n${application(version, values)}`,
    'latin1'
  )
}

const injected = (): string =>
  application('"x\\n::error title=VALUE::pwned-by-value"')

/** The pushed bytes of a file on a branch of the git server. */
function pushedBytes(repository: string, ref: string, file: string): Buffer {
  return execFileSync('git', ['cat-file', 'blob', `${ref}:${file}`], {
    cwd: git.barePath(repository)
  })
}

async function release(
  version: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeChart(path.join(dirs.workspace, 'charts'), { name: 'hello', version })
  return runMain({
    inputs: {
      chart: 'charts/hello',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      ...inputs
    },
    dirs,
    github: gitopsRunContext(servers, version).github,
    env: { ...gitopsRunContext(servers, version).env, ...env }
  })
}

/** Commands the runner would run whose line is text from the GitOps repository. */
function injectedCommands(result: StepResult): string[] {
  return runnerCommands(visibleLog(result).join('\n'))
    .map(c => c.line.trim())
    .filter(line => /^::(error|warning) title=(VALUE|DIFF|NAME)::/.test(line))
}

const log = (result: StepResult): string => result.stdout + result.stderr

beforeAll(async () => {
  root = tempDir('hor-gitops-hostile-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, mirror, git, github } = servers)
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('a repository with every kind of hostile file', () => {
  const REPO = 'acme/hostile'
  const big = () => `${application('0.9.0')}# ${'x'.repeat(LIMIT)}\n`
  let result: StepResult

  beforeAll(async () => {
    git.createRepo(REPO, 'main', {
      'apps/hello.yaml': latin1('0.9.0'),
      'apps/inject.yaml': injected(),
      [BAD_NAME]: application('0.9.0'),
      'apps/big.yaml': big(),
      'apps/utf16.yaml': Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(application('0.9.0'), 'utf16le')
      ])
    })
    github.addRepository({ owner: 'acme', repo: 'hostile' })
    result = await release('5.0.0', { 'gitops-repository': REPO })
  })

  test('the release succeeds: a file name with a newline is skipped with a warning showing it escaped', () => {
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect(JSON.parse(result.outputs['updated-files'])).toEqual([
      'apps/hello.yaml'
    ])
    expect(result.stdout).toContain(
      '::warning::acme/hostile: "apps/x\\n::error title=NAME::pwned-by-name.yaml": not scanned: its name cannot be used'
    )
  })

  test('no text from the repository becomes a workflow command, yet the user sees it', () => {
    expect(injectedCommands(result)).toEqual([])
    expect(result.stdout).toMatch(
      /Left alone: apps\/inject\.yaml line 8 .*\n::error title=VALUE::pwned-by-value/
    )
  })

  test('a Latin-1 file is pushed with only its version changed, byte for byte', () => {
    expect(
      pushedBytes(REPO, 'helm-oci-release/hello', 'apps/hello.yaml')
    ).toEqual(latin1('5.0.0'))
  })

  test('a file over the size limit is named in a notice and in the pull request, with its size and the limit', () => {
    const size = Buffer.byteLength(big())
    expect(result.stdout).toContain(
      `::notice::acme/hostile: apps/big.yaml: not scanned: ${size} bytes, over the ${LIMIT}-byte limit for GitOps files`
    )
    const [pr] = github.pulls('acme', 'hostile')
    expect(pr.body).toContain(
      `- \`apps/big.yaml\`: not scanned: ${size} bytes, over the ${LIMIT}-byte limit`
    )
    expect(pr.body).toContain(
      '- `"apps/x\\n::error title=NAME::pwned-by-name.yaml"`: not scanned'
    )
  })

  test('a UTF-16 file is left alone with a warning naming it', () => {
    expect(result.stdout).toMatch(
      /^::warning::acme\/hostile: apps\/utf16\.yaml: left alone: it is UTF-16/m
    )
    expect(git.head(REPO, 'helm-oci-release/hello')).toBeDefined()
    expect(
      pushedBytes(REPO, 'helm-oci-release/hello', 'apps/utf16.yaml')
    ).toEqual(pushedBytes(REPO, 'main', 'apps/utf16.yaml'))
  })
})

test('dry run: the diff and the pull request body are printed, none of their lines a command', async () => {
  const REPO = 'acme/hostile-dry'
  git.createRepo(REPO, 'main', {
    'apps/hello.yaml': latin1('0.9.0'),
    'apps/inject.yaml': injected()
  })
  github.addRepository({ owner: 'acme', repo: 'hostile-dry' })
  const result = await release('5.0.1', {
    'gitops-repository': REPO,
    'dry-run': 'true'
  })
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.stdout).toMatch(/^ {9}::warning title=DIFF::pwned-by-diff$/m)
  expect(result.stdout).toContain('+    targetRevision: 5.0.1')
  expect(injectedCommands(result)).toEqual([])
})

test('with debug logging on, what git prints (the diff, the files) is no command either', async () => {
  const REPO = 'acme/hostile-debug'
  git.createRepo(REPO, 'main', { 'apps/hello.yaml': latin1('0.9.0') })
  github.addRepository({ owner: 'acme', repo: 'hostile-debug' })
  const result = await release(
    '5.0.3',
    { 'gitops-repository': REPO, 'dry-run': 'true' },
    { RUNNER_DEBUG: '1' }
  )
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.stdout).toContain('::debug::')
  expect(injectedCommands(result)).toEqual([])
})

test('a Latin-1 file is pushed with git byte for byte, only its version changed', async () => {
  const REPO = 'acme/hostile-latin1'
  git.createRepo(REPO, 'main', { 'apps/hello.yaml': latin1('0.9.0') })
  github.addRepository({ owner: 'acme', repo: 'hostile-latin1' })
  const result = await release('5.0.2', { 'gitops-repository': REPO })
  expect(result.exitCode, log(result)).toBe(0)
  expect(
    pushedBytes(REPO, 'helm-oci-release/hello', 'apps/hello.yaml')
  ).toEqual(latin1('5.0.2'))
})

test("'gitops-sign-commits': a Latin-1 file reaches the API commit byte for byte", async () => {
  const files = { 'apps/hello.yaml': latin1('0.9.0') }
  git.createRepo('acme/hostile-signed', 'main', files)
  github.addRepository({ owner: 'acme', repo: 'hostile-signed', files })
  const result = await release('5.1.0', {
    'gitops-repository': 'acme/hostile-signed',
    'gitops-sign-commits': 'true'
  })
  expect(result.exitCode, log(result)).toBe(0)
  expect(
    github.fileBytes(
      'acme',
      'hostile-signed',
      'helm-oci-release/hello',
      'apps/hello.yaml'
    )
  ).toEqual(latin1('5.1.0'))
  expect(github.violations).toEqual([])
})
