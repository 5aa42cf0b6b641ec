// An umbrella chart in the GitOps repository, through the bundled action: the
// release of its dependency moves Chart.yaml, Chart.lock and the committed
// package in one commit (git push, and signed commits through the GitHub API),
// and real Helm's `helm dependency build` accepts the result.
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
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
import { HELM4, realHelm, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_umbrellaTOKEN1234567890'
const run = promisify(execFile)

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let runs = 0
/** The GitOps repository's files: the umbrella chart as `helm dependency update` left it. */
let seed: Record<string, Buffer>

/** Releases webapp at `version` with the GitOps step against `repository`. */
async function release(
  version: string,
  inputs: Record<string, string> = {}
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeChart(path.join(dirs.workspace, 'charts'), { name: 'webapp', version })
  return runMain({
    inputs: {
      chart: 'charts/webapp',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-token': TOKEN,
      'gitops-paths': 'platform/Chart.yaml',
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version, '')
  })
}

function log(result: StepResult): string {
  return result.stdout + result.stderr
}

/** A Helm of the user's own, with its own home. */
function userHelm(): (args: string[]) => Promise<string> {
  const home = tempDir('hor-umbrella-user-')
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: home,
    HELM_CACHE_HOME: home,
    HELM_DATA_HOME: home
  }
  return async args => (await run(realHelm(HELM4), args, { env })).stdout
}

/** The umbrella chart, locked at webapp 1.0.0 by real Helm, package committed. */
async function umbrellaFiles(): Promise<Record<string, Buffer>> {
  const dir = path.join(root, 'umbrella', 'platform')
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    [
      'apiVersion: v2',
      'name: platform',
      'version: 0.1.0',
      'dependencies:',
      '  - name: webapp',
      '    version: 1.0.0 # moved by releases',
      `    repository: oci://${registry.host}/acme/charts`,
      ''
    ].join('\n')
  )
  await userHelm()(['dependency', 'update', dir, '--plain-http'])
  const files: Record<string, Buffer> = {}
  for (const file of ['Chart.yaml', 'Chart.lock', 'charts/webapp-1.0.0.tgz'])
    files[`platform/${file}`] = fs.readFileSync(path.join(dir, file))
  return files
}

/** Writes a branch's files into a folder and runs real `helm dependency build` there. */
async function dependencyBuild(files: Record<string, Buffer>): Promise<string> {
  const dir = tempDir('hor-umbrella-build-')
  for (const [file, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), bytes)
  }
  const chartDir = path.join(dir, 'platform')
  fs.rmSync(path.join(chartDir, 'charts'), { recursive: true, force: true })
  const out = await userHelm()([
    'dependency',
    'build',
    chartDir,
    '--plain-http'
  ])
  const built = fs.readdirSync(path.join(chartDir, 'charts'))
  removeDir(dir)
  return `${out}\n${built.join(',')}`
}

const sha256 = (bytes: Buffer): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/** The chart layer of webapp at `version` in the registry: the package's digest. */
async function servedPackageDigest(version: string): Promise<string> {
  const response = await fetch(
    `${registry.url}/v2/acme/charts/webapp/manifests/${version}`,
    { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } }
  )
  const manifest = (await response.json()) as {
    layers: { mediaType: string; digest: string }[]
  }
  return manifest.layers.find(l => l.mediaType.includes('helm.chart.content'))!
    .digest
}

beforeAll(async () => {
  root = tempDir('hor-umbrella-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, mirror, git, github } = servers)
  const first = await release('1.0.0', { 'gitops-repository': '' })
  expect(first.exitCode, log(first)).toBe(0)
  seed = await umbrellaFiles()
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

/** What every commit path must produce for webapp 1.1.0. */
async function expectMovedTogether(
  files: Record<string, Buffer>
): Promise<void> {
  expect(Object.keys(files).sort()).toEqual([
    'platform/Chart.lock',
    'platform/Chart.yaml',
    'platform/charts/webapp-1.1.0.tgz'
  ])
  expect(files['platform/Chart.yaml'].toString()).toBe(
    seed['platform/Chart.yaml']
      .toString()
      .replace('version: 1.0.0 # moved', 'version: 1.1.0 # moved')
  )
  expect(files['platform/Chart.lock'].toString()).toMatch(
    /^dependencies:\n- name: webapp\n {2}repository: oci:\/\/.*\n {2}version: 1\.1\.0\ndigest: sha256:[0-9a-f]{64}\ngenerated: "/
  )
  // The committed package is the very one the registry serves.
  expect(sha256(files['platform/charts/webapp-1.1.0.tgz'])).toBe(
    await servedPackageDigest('1.1.0')
  )
  // Real Helm accepts the lock: in sync with Chart.yaml, and it fetches 1.1.0.
  expect(await dependencyBuild(files)).toMatch(/webapp-1\.1\.0\.tgz$/)
}

test('with git push: Chart.yaml, Chart.lock and the package move in one commit', async () => {
  git.createRepo('acme/platform', 'main', seed)
  github.addRepository({ owner: 'acme', repo: 'platform' })
  const result = await release('1.1.0', {
    'gitops-repository': 'acme/platform'
  })
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
  const branch = 'helm-oci-release/webapp'
  expect(git.commits('acme/platform', branch, 'main')).toHaveLength(1)
  const bare = git.barePath('acme/platform')
  const listed = execFileSync('git', ['ls-tree', '-r', '--name-only', branch], {
    cwd: bare,
    encoding: 'utf8'
  })
  const files: Record<string, Buffer> = {}
  for (const file of listed.split('\n').filter(Boolean))
    files[file] = execFileSync(
      'git',
      ['cat-file', 'blob', `${branch}:${file}`],
      {
        cwd: bare
      }
    )
  await expectMovedTogether(files)
  expect(github.pulls('acme', 'platform')[0].body).toContain('Chart.lock')
  expect(github.violations).toEqual([])
})

describe("'gitops-sign-commits'", () => {
  test('the same commit through the GitHub API, the old package deleted', async () => {
    git.createRepo('acme/signed-platform', 'main', seed)
    github.addRepository({
      owner: 'acme',
      repo: 'signed-platform',
      files: seed
    })
    const result = await release('1.1.0', {
      'gitops-repository': 'acme/signed-platform',
      'gitops-sign-commits': 'true',
      'if-exists': 'skip'
    })
    expect(result.exitCode, log(result)).toBe(0)
    const head = github.branchHead(
      'acme',
      'signed-platform',
      'helm-oci-release/webapp'
    )!
    const names = Object.keys(github.files('acme', 'signed-platform', head))
    const files: Record<string, Buffer> = {}
    for (const file of names)
      files[file] = github.fileBytes('acme', 'signed-platform', head, file)!
    await expectMovedTogether(files)
    expect(github.violations).toEqual([])
  })
})
