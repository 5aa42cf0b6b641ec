// The GitOps step through the bundled action when the network between the
// runner and GitHub gets in the way: a create whose answer is lost (the
// retried create is told the pull request already exists), and a forward
// proxy that must carry both the API calls and git's clone and push.
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../../helpers/action-runner.js'
import { writeChart } from '../../helpers/charts.js'
import {
  startConnectProxy,
  type ConnectProxy
} from '../../helpers/connect-proxy.js'
import type { GitServer } from '../../helpers/git-server.js'
import type { GitHubDouble } from '../../helpers/github-double.js'
import type { Mirror } from '../../helpers/helm-mirror.js'
import {
  startGitopsServers,
  type GitopsServers
} from '../../helpers/gitops-servers.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import type { Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_networkTOKEN0987654321'
// Names only the proxy resolves (.test never resolves): a request that
// reaches GitHub or git under them went through the proxy. Loopback
// addresses would not do: @actions/http-client never proxies them.
const API_HOST = 'api.gitops.test'
const GIT_HOST = 'git.gitops.test'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let proxy: ConnectProxy
let runs = 0

const pin = (version: string): string =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: hello}',
    'spec:',
    '  source:',
    `    repoURL: oci://${registry.host}/acme/charts`,
    '    chart: hello',
    `    targetRevision: ${version}`,
    ''
  ].join('\n')

/** A repository in git and in the API, both with the pin at 0.9.0. */
function gitopsRepository(name: string): string {
  git.createRepo(`acme/${name}`, 'main', { 'apps/hello.yaml': pin('0.9.0') })
  github.addRepository({ owner: 'acme', repo: name })
  return `acme/${name}`
}

async function release(
  repository: string,
  env: Record<string, string>
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'hello',
    version: `1.0.${runs}`
  })
  return runMain({
    inputs: {
      chart: 'charts/hello',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-repository': repository,
      'gitops-token': TOKEN,
      'gitops-pr-labels': 'helm',
      'gitops-pr-reviewers': 'alice',
      'gitops-auto-merge': 'squash'
    },
    github: { repository_owner: 'acme', actor: 'octocat', token: 'ghs_wf' },
    dirs,
    env: {
      GITHUB_REF: `refs/tags/v1.0.${runs}`,
      GITHUB_SERVER_URL: git.url,
      GITHUB_API_URL: github.apiUrl,
      ...env
    }
  })
}

const log = (result: StepResult): string => result.stdout + result.stderr

beforeAll(async () => {
  root = tempDir('hor-gitops-network-')
  ;[servers, proxy] = await Promise.all([
    startGitopsServers(TOKEN),
    startConnectProxy({
      hosts: { [API_HOST]: '127.0.0.1', [GIT_HOST]: '127.0.0.1' }
    })
  ])
  ;({ registry, mirror, git, github } = servers)
})

afterAll(async () => {
  await Promise.all([servers?.stop(), proxy?.stop()])
  removeDir(root)
})

test('a create whose answer is lost: the retry is told the pull request exists, and the run updates it', async () => {
  const repository = gitopsRepository('lost')
  github.fail({ operation: 'pulls/create', kind: 'lost-response' })

  const result = await release(repository, {})

  expect(result.exitCode, log(result)).toBe(0)
  const [pull, ...others] = github.pulls('acme', 'lost')
  expect(others).toEqual([])
  expect(result.outputs).toMatchObject({
    'pull-request-operation': 'updated',
    'pull-request-number': String(pull.number),
    'pull-request-url': `https://github.test/acme/lost/pull/${pull.number}`
  })
  // Updated as the normal update path does: title, body, labels, reviews,
  // auto-merge.
  expect(pull).toMatchObject({
    state: 'open',
    head: 'helm-oci-release/hello',
    title: 'chore(deps): bump hello chart to 1.0.1',
    labels: ['helm'],
    reviewers: ['alice'],
    autoMerge: 'SQUASH'
  })
  expect(result.stdout).toContain(
    `Pull request #${pull.number} from helm-oci-release/hello into main already exists in acme/lost: updating it.`
  )
  expect(github.violations).toEqual([])
})

test('behind a forward proxy (HTTP_PROXY), the API calls and git clone and push go through it', async () => {
  const repository = gitopsRepository('proxied')
  proxy.targets.length = 0
  const port = (url: string): string => new URL(url).port

  const result = await release(repository, {
    GITHUB_SERVER_URL: `http://${GIT_HOST}:${port(git.url)}`,
    GITHUB_API_URL: `http://${API_HOST}:${port(github.apiUrl)}`,
    HTTP_PROXY: proxy.url,
    NO_PROXY: 'example.com'
  })

  expect(result.exitCode, log(result)).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
  const carried = new Set(proxy.targets.map(t => t.target))
  expect(carried).toEqual(
    new Set([
      `${API_HOST}:${port(github.apiUrl)}`,
      `${GIT_HOST}:${port(git.url)}`
    ])
  )
  // Clone and push both went to the git server (through the proxy).
  expect(git.head(repository, 'helm-oci-release/hello')).toBeDefined()
  expect(
    git.requests.filter(r => r.path.startsWith('/acme/proxied.git'))
  ).toContainEqual(expect.objectContaining({ service: 'git-receive-pack' }))
  expect(github.violations).toEqual([])
})
