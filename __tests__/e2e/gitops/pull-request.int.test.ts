// The whole release with the GitOps step, through the bundled action: publish to
// a real registry, then clone the GitOps repository over real smart HTTP, bump
// its pins and open (later update) the pull request through a GitHub double that
// checks every call against GitHub's OpenAPI description.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  actionYml,
  filesContaining,
  makeRunnerDirs,
  runMain,
  runPost,
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
import { postStepStarts } from '../../helpers/post-if.js'
import { manifestDigest, type Registry } from '../../helpers/registry.js'

const TOKEN = 'ghs_gitopsTOKEN1234567890'
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')
const REPO = 'acme/gitops'
const BOT = '41898282+github-actions[bot]@users.noreply.github.com'

let root: string
let registry: Registry
let mirror: Mirror
let git: GitServer
let github: GitHubDouble
let servers: GitopsServers
let runs = 0

function application(registryHost: string, version: string): string {
  return [
    'apiVersion: argoproj.io/v1alpha1\r',
    'kind: Application\r',
    'metadata:\r',
    '  name: hello\r',
    'spec:\r',
    '  source:\r',
    `    repoURL: oci://${registryHost}/acme/charts\r`,
    '    chart: hello\r',
    `    targetRevision: "${version}" # released by CI\r`,
    '  destination: {server: https://kubernetes.default.svc, namespace: hello}\r',
    ''
  ].join('\n')
}

function ociRepository(registryHost: string, tag: string): string {
  return [
    'apiVersion: source.toolkit.fluxcd.io/v1beta2',
    'kind: OCIRepository',
    'metadata: {name: hello, namespace: flux-system}',
    'spec:',
    `  url: oci://${registryHost}/acme/charts/hello`,
    '  ref:',
    `    tag: ${tag}`,
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: image}',
    `data: {tag: "${tag}"}`,
    ''
  ].join('\n')
}

const ranged = (host: string): string =>
  application(host, '0.9.0').replace('"0.9.0"', "'^0.9'")

/** Releases `version` of `chart`, or of several charts given as name -> version. */
async function release(
  version: string,
  inputs: Record<string, string> = {},
  chart: string | Record<string, string> = 'hello'
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  const charts = typeof chart === 'string' ? { [chart]: version } : chart
  for (const [name, v] of Object.entries(charts)) {
    writeChart(path.join(dirs.workspace, 'charts'), { name, version: v })
  }
  return runMain({
    inputs: {
      chart: typeof chart === 'string' ? `charts/${chart}` : 'charts/*',
      registry: registry.host,
      repository: 'acme/charts',
      password: '',
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      'gitops-repository': REPO,
      'gitops-token': TOKEN,
      'gitops-pr-labels': 'dependencies, helm',
      'gitops-pr-reviewers': 'alice, acme/platform',
      'gitops-auto-merge': 'squash',
      ...inputs
    },
    dirs,
    ...gitopsRunContext(servers, version)
  })
}

function log(result: StepResult): string {
  return result.stdout + result.stderr
}

beforeAll(async () => {
  root = tempDir('hor-gitops-e2e-')
  servers = await startGitopsServers(TOKEN)
  ;({ registry, mirror, git, github } = servers)
  git.createRepo(REPO, 'main', {
    'apps/hello.yaml': application(registry.host, '0.9.0'),
    'apps/hello-range.yaml': ranged(registry.host),
    'flux/hello.yaml': ociRepository(registry.host, '0.9.0'),
    'apps/other.yaml': application('registry.example.com', '0.9.0'),
    'README.md': `Deploys hello 0.9.0 from oci://${registry.host}/acme/charts\n`
  })
  github.addRepository({ owner: 'acme', repo: 'gitops', defaultBranch: 'main' })
})

afterAll(async () => {
  await servers?.stop()
  removeDir(root)
})

describe('one pull request per chart, updated by later releases', () => {
  let first: StepResult

  beforeAll(async () => {
    first = await release('1.0.0')
  })

  test('the first release opens the pull request', () => {
    expect(first.exitCode, log(first)).toBe(0)
    expect(first.outputs['pull-request-operation']).toBe('created')
    expect(first.outputs['pull-request-number']).toMatch(/^\d+$/)
    expect(first.outputs['pull-request-url']).toMatch(/\/pull\/\d+$/)
    expect(JSON.parse(first.outputs['updated-files'])).toEqual([
      'apps/hello.yaml',
      'flux/hello.yaml'
    ])
    expect(first.summary).toContain('GitOps pull request')
  })

  test('the branch is one bot commit on main that changes only the version bytes', () => {
    const branch = 'helm-oci-release/hello'
    const commits = git.commits(REPO, branch, 'main')
    expect(commits).toHaveLength(1)
    expect(commits[0]).toMatchObject({
      authorEmail: BOT,
      subject: 'chore(deps): bump hello chart to 1.0.0'
    })
    expect(git.readFile(REPO, branch, 'apps/hello.yaml')).toBe(
      application(registry.host, '1.0.0')
    )
    expect(git.readFile(REPO, branch, 'flux/hello.yaml')).toBe(
      ociRepository(registry.host, '0.9.0').replace(
        '    tag: 0.9.0',
        '    tag: 1.0.0'
      )
    )
    for (const untouched of [
      'apps/hello-range.yaml',
      'apps/other.yaml',
      'README.md'
    ]) {
      expect(git.readFile(REPO, branch, untouched)).toBe(
        git.readFile(REPO, 'main', untouched)
      )
    }
  })

  test('the pull request has the title, body, labels, reviewers and auto-merge', () => {
    const [pr] = github.pulls('acme', 'gitops')
    expect(pr).toMatchObject({
      number: Number(first.outputs['pull-request-number']),
      state: 'open',
      head: 'helm-oci-release/hello',
      base: 'main',
      title: 'chore(deps): bump hello chart to 1.0.0',
      labels: ['dependencies', 'helm'],
      reviewers: ['alice'],
      teamReviewers: ['platform'],
      autoMerge: 'SQUASH'
    })
    expect(pr.body).toContain(`oci://${registry.host}/acme/charts/hello:1.0.0`)
    expect(pr.body).toContain(first.outputs.digest)
    expect(pr.body).toMatch(
      /<code>apps\/hello\.yaml<\/code> \| 9 \| argocd-application .* \| <code>0\.9\.0<\/code> \| <code>1\.0\.0<\/code> \|/
    )
    expect(pr.body).toMatch(
      /### Left alone[\s\S]*apps\/hello-range\.yaml.*\^0\.9.*does not admit 1\.0\.0/
    )
    expect(github.violations).toEqual([])
  })

  test('the token is in no log line, no file and no remote URL', () => {
    expect(
      visibleLog(first).filter(l => l.includes(TOKEN) || l.includes(BASIC))
    ).toEqual([])
    expect(filesContaining(path.join(root, `run-1`), [TOKEN, BASIC])).toEqual(
      []
    )
    expect(git.requests.every(r => !r.path.includes(TOKEN))).toBe(true)
  })

  test('the clone and the Helm folder were removed: the runner starts no post step', () => {
    expect(first.state.gitopsDir).toMatch(/helm-oci-release-gitops-/)
    expect(fs.existsSync(first.state.gitopsDir)).toBe(false)
    expect(first.env).toEqual({ HELM_OCI_RELEASE_CLEANUP: 'done' })
    const job = { status: 'success', env: first.env } as const
    expect(postStepStarts(actionYml().runs['post-if'], job)).toBe(false)
  })

  test('a newer release updates the same branch and pull request', async () => {
    const second = await release('1.1.0')
    expect(second.exitCode, log(second)).toBe(0)
    expect(second.outputs).toMatchObject({
      'pull-request-operation': 'updated',
      'pull-request-number': first.outputs['pull-request-number']
    })
    expect(
      github.pulls('acme', 'gitops').filter(p => p.state === 'open')
    ).toHaveLength(1)
    expect(github.pulls('acme', 'gitops')[0].title).toBe(
      'chore(deps): bump hello chart to 1.1.0'
    )
    const commits = git.commits(REPO, 'helm-oci-release/hello', 'main')
    expect(commits.map(c => c.subject)).toEqual([
      'chore(deps): bump hello chart to 1.1.0'
    ])
    expect(
      git.readFile(REPO, 'helm-oci-release/hello', 'apps/hello.yaml')
    ).toBe(application(registry.host, '1.1.0'))
    expect(github.violations).toEqual([])
  })

  test('an older release after a newer one changes nothing', async () => {
    const head = git.head(REPO, 'helm-oci-release/hello')
    const older = await release('1.0.5')
    expect(older.exitCode, log(older)).toBe(0)
    expect(older.outputs['pull-request-operation']).toBe('unchanged')
    expect(older.stdout).toMatch(/already pins 1\.1\.0 .*newer than 1\.0\.5/)
    expect(git.head(REPO, 'helm-oci-release/hello')).toBe(head)
    expect(github.pulls('acme', 'gitops')[0].title).toBe(
      'chore(deps): bump hello chart to 1.1.0'
    )
  })
})

test('no pin of the chart: a notice, no branch, no pull request', async () => {
  const result = await release('2.0.0', {}, 'unpinned')
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.outputs).toMatchObject({
    'pull-request-operation': 'none',
    'updated-files': '[]',
    'pull-request-number': ''
  })
  expect(result.stdout).toMatch(
    /^::notice::No pin of .*unpinned to move to 2\.0\.0/m
  )
  expect(git.head(REPO, 'helm-oci-release/unpinned')).toBeUndefined()
})

test('dry run prints the diff and the pull request, and pushes nothing', async () => {
  const result = await release('3.0.0', {
    'dry-run': 'true',
    'gitops-branch': 'dry/{name}'
  })
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.outputs).toMatchObject({
    pushed: 'false',
    'pull-request-operation': 'none'
  })
  expect(JSON.parse(result.outputs['updated-files'])).toEqual([
    'apps/hello.yaml',
    'flux/hello.yaml'
  ])
  expect(result.stdout).toContain(
    '-    targetRevision: "0.9.0" # released by CI'
  )
  expect(result.stdout).toContain(
    '+    targetRevision: "3.0.0" # released by CI'
  )
  expect(result.stdout).toContain(
    'title: chore(deps): bump hello chart to 3.0.0'
  )
  expect(git.head(REPO, 'dry/hello')).toBeUndefined()
})

test('the post step removes the clone', async () => {
  const dirs = makeRunnerDirs(path.join(root, 'post'))
  const clone = path.join(dirs.temp, 'helm-oci-release-gitops-abc')
  fs.mkdirSync(clone)
  const post = await runPost({ dirs }, { isPost: 'true', gitopsDir: clone })
  expect(post.exitCode).toBe(0)
  expect(fs.existsSync(clone)).toBe(false)
})

describe("'gitops-sign-commits': the commit is made through the GitHub API", () => {
  const SIGNED = 'acme/signed'
  let files: Record<string, string>

  beforeAll(() => {
    files = {
      'apps/hello.yaml': application(registry.host, '0.9.0'),
      'apps/other.yaml': application('registry.example.com', '0.9.0')
    }
    // The same base in git (cloned and scanned) and in the API (committed to).
    git.createRepo(SIGNED, 'main', files)
    github.addRepository({ owner: 'acme', repo: 'signed', files })
  })

  test('a signed commit on the base, then replaced by a newer release', async () => {
    const inputs = {
      'gitops-repository': SIGNED,
      'gitops-sign-commits': 'true'
    }
    const first = await release('4.0.0', inputs)
    expect(first.exitCode, log(first)).toBe(0)
    expect(first.outputs['pull-request-operation']).toBe('created')
    const base = github.branchHead('acme', 'signed', 'main')
    const head = github.branchHead('acme', 'signed', 'helm-oci-release/hello')!
    expect(github.commit('acme', 'signed', head)).toMatchObject({
      parents: [base],
      message: 'chore(deps): bump hello chart to 4.0.0',
      verified: true
    })
    expect(github.files('acme', 'signed', head)).toEqual({
      ...files,
      'apps/hello.yaml': application(registry.host, '4.0.0')
    })
    // Nothing was pushed with git.
    expect(git.head(SIGNED, 'helm-oci-release/hello')).toBeUndefined()

    const second = await release('4.1.0', inputs)
    expect(second.exitCode, log(second)).toBe(0)
    expect(second.outputs['pull-request-operation']).toBe('updated')
    const replaced = github.branchHead(
      'acme',
      'signed',
      'helm-oci-release/hello'
    )!
    expect(github.commit('acme', 'signed', replaced).parents).toEqual([base])
    expect(github.files('acme', 'signed', replaced)['apps/hello.yaml']).toBe(
      application(registry.host, '4.1.0')
    )
    const pulls = github.pulls('acme', 'signed')
    expect(pulls).toHaveLength(1)
    expect(pulls[0].title).toBe('chore(deps): bump hello chart to 4.1.0')
    expect(github.violations).toEqual([])
  })
})

test('many charts: one pull request per released chart', async () => {
  const MULTI = 'acme/multi'
  const pin = (chart: string) =>
    application(registry.host, '0.1.0')
      .replaceAll('chart: hello', `chart: ${chart}`)
      .replace('name: hello', `name: ${chart}`)
  git.createRepo(MULTI, 'main', {
    'apps/alpha.yaml': pin('alpha'),
    'apps/beta.yaml': pin('beta')
  })
  github.addRepository({ owner: 'acme', repo: 'multi' })
  const result = await release(
    '0.2.0',
    {
      'check-tag': 'false',
      'if-exists': 'skip',
      'gitops-repository': MULTI,
      'gitops-pr-labels': '',
      'gitops-pr-reviewers': '',
      'gitops-auto-merge': ''
    },
    { alpha: '0.2.0', beta: '0.3.0' }
  )
  expect(result.exitCode, log(result)).toBe(0)
  expect(result.outputs['pull-request-operation']).toBe('created')
  expect(JSON.parse(result.outputs['updated-files'])).toEqual([
    'apps/alpha.yaml',
    'apps/beta.yaml'
  ])
  const pulls = github.pulls('acme', 'multi')
  expect(pulls.map(p => [p.head, p.title])).toEqual([
    ['helm-oci-release/alpha', 'chore(deps): bump alpha chart to 0.2.0'],
    ['helm-oci-release/beta', 'chore(deps): bump beta chart to 0.3.0']
  ])
  expect(git.readFile(MULTI, 'helm-oci-release/alpha', 'apps/alpha.yaml')).toBe(
    pin('alpha').replace('"0.1.0"', '"0.2.0"')
  )
  expect(git.readFile(MULTI, 'helm-oci-release/alpha', 'apps/beta.yaml')).toBe(
    pin('beta')
  )
  expect(git.readFile(MULTI, 'helm-oci-release/beta', 'apps/beta.yaml')).toBe(
    pin('beta').replace('"0.1.0"', '"0.3.0"')
  )
  expect(result.summary).toContain('GitOps pull request for alpha')
  expect(result.summary).toContain('GitOps pull request for beta')
  expect(github.violations).toEqual([])
})

test('a Flux OCIRepository pinned by tag and digest gets both: the version and the digest the registry serves', async () => {
  const DIGESTS = 'acme/digests'
  const old = 'sha256:' + '0'.repeat(64)
  const pinned = (tag: string, digest: string): string =>
    ociRepository(registry.host, tag).replace(
      `    tag: ${tag}\n`,
      `    tag: "${tag}" # release\n    digest: '${digest}'\n`
    )
  git.createRepo(DIGESTS, 'main', { 'flux/hello.yaml': pinned('0.9.0', old) })
  github.addRepository({ owner: 'acme', repo: 'digests' })

  const result = await release('5.0.0', {
    'gitops-repository': DIGESTS,
    'gitops-pr-labels': '',
    'gitops-pr-reviewers': '',
    'gitops-auto-merge': ''
  })
  expect(result.exitCode, log(result)).toBe(0)
  const served = await manifestDigest(registry, 'acme/charts/hello', '5.0.0')
  expect(served).toMatch(/^sha256:[0-9a-f]{64}$/)
  expect(result.outputs.digest).toBe(served)
  expect(
    git.readFile(DIGESTS, 'helm-oci-release/hello', 'flux/hello.yaml')
  ).toBe(
    // The ConfigMap's `tag` is no pin: it stays.
    pinned('0.9.0', old)
      .replace('tag: "0.9.0" # release', 'tag: "5.0.0" # release')
      .replace(old, served!)
  )
  const [pr] = github.pulls('acme', 'digests')
  expect(pr.body).toContain('### Digests moved')
  expect(pr.body).toContain(
    `| <code>flux/hello.yaml</code> | 8 | <code>spec.ref.digest</code> | <code>${old}</code> | <code>${served}</code> |`
  )
  expect(github.violations).toEqual([])
})
