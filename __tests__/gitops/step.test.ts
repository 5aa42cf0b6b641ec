// The GitOps step's decisions, with the clone and GitHub's API faked behind
// their interfaces: a new pull request, an update, an unchanged branch, no
// pin to move, never a downgrade, a dry run, signed commits, and failures.
// The real git server and GitHub double are in the gitops-*.int tests.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { UserError } from '../../src/errors.js'
import type { NewPullRequest, PullRequest } from '../../src/github/api.js'
import { AutoMergeUnavailableError } from '../../src/github/api-errors.js'
import type {
  UpdateBranchOptions,
  UpdateBranchResult
} from '../../src/gitops/branch.js'
import type { GitopsClone } from '../../src/gitops/clone.js'
import type { GitopsFiles, KeepText } from '../../src/gitops/files.js'
import type { PreviewRequest, PreviewResult } from '../../src/gitops/preview.js'
import {
  runGitops,
  type GitopsApi,
  type GitopsClients
} from '../../src/gitops/step.js'
import type { GitopsConfig } from '../../src/inputs/gitops.js'
import { ChartNotInRegistry } from '../../src/registry/chart-packages.js'

const CHART = { name: 'webapp', registry: 'ghcr.io', repository: 'acme/charts' }
const RELEASE = {
  name: 'webapp',
  version: '1.3.0',
  ref: 'oci://ghcr.io/acme/charts/webapp',
  tag: 'webapp-1.3.0',
  digest: 'sha256:' + 'a'.repeat(64)
}
const FILE = 'apps/webapp.yaml'
const BRANCH = 'helm-oci-release/webapp'

function application(version: string): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: webapp',
    'spec:',
    '  source:',
    '    chart: webapp',
    '    repoURL: ghcr.io/acme/charts',
    `    targetRevision: "${version}"`,
    ''
  ].join('\n')
}

function config(overrides: Partial<GitopsConfig> = {}): GitopsConfig {
  return {
    owner: 'acme',
    repo: 'gitops',
    token: 'ghs_fake',
    paths: ['**/*.yaml'],
    branch: 'helm-oci-release/{name}',
    commitMessage: 'chore(deps): bump {name} chart to {version}',
    prTitle: 'Bump {name} to {version}',
    labels: [],
    reviewers: [],
    teamReviewers: [],
    draft: false,
    signCommits: false,
    render: false,
    apiVersions: [],
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    ...overrides
  }
}

/** The clone: the base's files, the branch's files, and what was asked of it. */
class FakeClone implements GitopsClone {
  readonly repository = 'acme/gitops'
  readonly calls: string[] = []
  pushed?: UpdateBranchOptions
  operation: UpdateBranchResult['operation'] = 'created'
  branchSubjectList: string[] = []
  failClone?: Error
  /** Files of the checkout the globs do not match (Chart.lock, charts/*.tgz). */
  checkoutOnly = new Map<string, Uint8Array>()

  constructor(
    private readonly base: Map<string, string>,
    private readonly branch?: Map<string, string>
  ) {}

  /** Keeps the texts `keep` keeps, as readMatchingFiles does. */
  async checkout(
    baseBranch: string,
    _globs: readonly string[],
    keep?: KeepText
  ): Promise<GitopsFiles> {
    this.calls.push(`checkout ${baseBranch}`)
    if (this.failClone) throw this.failClone
    const encodings = new Map(
      [...this.base.keys()].map(f => [f, 'utf8' as const])
    )
    const paths = [...this.base.keys()]
    const texts = new Map(
      [...this.base].filter(([file, text]) => !keep || keep(file, text))
    )
    this.dropped = paths.filter(file => !texts.has(file))
    return { texts, encodings, unread: [], paths }
  }

  /** The base files the pre-filter let go at the last checkout. */
  dropped: string[] = []

  async branchFiles(): Promise<Map<string, string> | undefined> {
    return this.branch && new Map(this.branch)
  }

  async diffAgainstBase(
    files: ReadonlyMap<string, string | Uint8Array>
  ): Promise<string> {
    this.calls.push(`diff ${[...files.keys()].join(',')}`)
    return `--- a/${FILE}\n+++ b/${FILE}\n`
  }

  async updateBranch(
    options: UpdateBranchOptions
  ): Promise<UpdateBranchResult> {
    this.calls.push(`push ${options.branch} onto ${options.baseBranch}`)
    this.pushed = options
    return {
      operation: this.operation,
      headSha: 'c0ffee',
      keptCommits: 0,
      attempts: 1
    }
  }

  async branchSubjects(): Promise<string[]> {
    return this.branchSubjectList
  }

  remove(): void {
    this.calls.push('remove')
  }

  readCheckoutFile(file: string): Uint8Array | undefined {
    const text = this.base.get(file)
    return text === undefined
      ? this.checkoutOnly.get(file)
      : Buffer.from(text, 'utf8')
  }

  listCheckoutFolder(folder: string): string[] {
    return [...this.checkoutOnly.keys()]
      .filter(file => file.startsWith(`${folder}/`))
      .map(file => file.slice(folder.length + 1))
  }
}

function pullRequest(number: number, request: NewPullRequest): PullRequest {
  return {
    number,
    nodeId: `PR_${number}`,
    htmlUrl: `https://github.com/acme/gitops/pull/${number}`,
    headRef: request.head,
    baseRef: request.base,
    title: request.title,
    draft: request.draft ?? false
  }
}

/** GitHub's API: one optional open pull request, and what was asked of it. */
class FakeApi implements GitopsApi {
  readonly fullName = 'acme/gitops'
  readonly owner = 'acme'
  readonly calls: string[] = []
  /** The bodies of the pull requests created. */
  readonly bodies: string[] = []
  open?: PullRequest
  branchHeads = new Map<string, string>([['main', 'base-sha']])
  autoMergeRefused = false

  async getDefaultBranch(): Promise<string> {
    this.calls.push('default branch')
    return 'main'
  }
  async findOpenPullRequest(): Promise<PullRequest | undefined> {
    return this.open
  }
  async createPullRequest(request: NewPullRequest): Promise<PullRequest> {
    this.bodies.push(request.body)
    this.calls.push(
      `create ${request.head} -> ${request.base}: ${request.title}`
    )
    this.open = pullRequest(7, request)
    return this.open
  }
  async updatePullRequest(number: number): Promise<PullRequest> {
    this.calls.push(`update #${number}`)
    return this.open!
  }
  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    this.calls.push(`labels #${number}: ${labels.join(',')}`)
  }
  async requestReviewers(
    number: number,
    users: readonly string[],
    teams: readonly string[]
  ): Promise<void> {
    this.calls.push(`reviewers #${number}: ${[...users, ...teams].join(',')}`)
  }
  async enableAutoMerge(nodeId: string, method: string): Promise<void> {
    if (this.autoMergeRefused)
      throw new AutoMergeUnavailableError(
        'Could not enable auto-merge in acme/gitops: not allowed.'
      )
    this.calls.push(`auto-merge ${nodeId} ${method}`)
  }
  async getBranchHead(branch: string): Promise<string | undefined> {
    return this.branchHeads.get(branch)
  }
  async getCommitTree(): Promise<string> {
    return 'base-tree'
  }
  async createBlob(path: string): Promise<string> {
    this.calls.push(`blob ${path}`)
    return `blob-${path}`
  }
  async createTree(): Promise<string> {
    return 'tree'
  }
  async createCommit(message: string): Promise<string> {
    this.calls.push(`commit ${message}`)
    return 'signed-sha'
  }
  async createBranch(branch: string, sha: string): Promise<void> {
    this.calls.push(`create branch ${branch} at ${sha}`)
  }
  async moveBranch(branch: string, sha: string, force: boolean): Promise<void> {
    this.calls.push(`move branch ${branch} to ${sha}${force ? ' (force)' : ''}`)
  }
}

let output: string[]

beforeEach(() => {
  output = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    output.push(String(chunk))
    return true
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

function run(
  clone: FakeClone,
  api: FakeApi,
  options: { config?: GitopsConfig; dryRun?: boolean } = {}
) {
  const clients: GitopsClients = { clone, api }
  return runGitops(
    options.config ?? config(),
    { ...RELEASE, ...CHART },
    options.dryRun ?? false,
    async () => clients
  )
}

const base = (version = '1.2.0') => new Map([[FILE, application(version)]])

describe('runGitops', () => {
  test('a new pull request: branch pushed from the default branch, pull request opened, labelled, reviewed, auto-merged', async () => {
    const clone = new FakeClone(base())
    const api = new FakeApi()
    const result = await run(clone, api, {
      config: config({
        labels: ['deps'],
        reviewers: ['alice'],
        teamReviewers: ['acme/platform'],
        autoMerge: 'squash'
      })
    })

    expect(result).toEqual({
      operation: 'created',
      number: 7,
      url: 'https://github.com/acme/gitops/pull/7',
      updatedFiles: [FILE]
    })
    expect(clone.calls).toEqual([
      'checkout main',
      `push ${BRANCH} onto main`,
      'remove'
    ])
    expect(clone.pushed?.message).toBe(
      'chore(deps): bump webapp chart to 1.3.0'
    )
    expect(String(clone.pushed?.files.get(FILE))).toContain(
      'targetRevision: "1.3.0"'
    )
    expect(api.calls).toEqual([
      'default branch',
      `create ${BRANCH} -> main: Bump webapp to 1.3.0`,
      'labels #7: deps',
      'reviewers #7: alice,acme/platform',
      'auto-merge PR_7 SQUASH'
    ])
    expect(output.join('')).toContain(
      'Pull request #7 opened: https://github.com/acme/gitops/pull/7'
    )
  })

  test('an open pull request is updated, on the configured base branch', async () => {
    const clone = new FakeClone(base())
    clone.operation = 'updated'
    const api = new FakeApi()
    api.open = pullRequest(3, {
      head: BRANCH,
      base: 'release',
      title: 'old',
      body: ''
    })
    const result = await run(clone, api, {
      config: config({ baseBranch: 'release' })
    })

    expect(result).toMatchObject({ operation: 'updated', number: 3 })
    expect(clone.calls[0]).toBe('checkout release')
    expect(api.calls).toEqual(['update #3'])
  })

  test('a branch that already holds the bump is unchanged, its pull request refreshed', async () => {
    const clone = new FakeClone(base())
    clone.operation = 'unchanged'
    const api = new FakeApi()
    api.open = pullRequest(3, {
      head: BRANCH,
      base: 'main',
      title: 't',
      body: ''
    })
    await expect(run(clone, api)).resolves.toMatchObject({
      operation: 'unchanged',
      number: 3,
      updatedFiles: [FILE]
    })
  })

  test('no pin of the chart: no branch, no pull request, a notice', async () => {
    const clone = new FakeClone(
      new Map([['apps/other.yaml', 'kind: ConfigMap\n']])
    )
    const api = new FakeApi()
    await expect(run(clone, api)).resolves.toEqual({
      operation: 'none',
      updatedFiles: []
    })
    expect(clone.calls).toEqual(['checkout main', 'remove'])
    expect(output.join('')).toContain(
      '::notice::No pin of oci://ghcr.io/acme/charts/webapp to move to 1.3.0 in acme/gitops (main): no branch, no pull request.'
    )
  })

  test('never downgrades: a branch that pins a newer version is left alone', async () => {
    const clone = new FakeClone(base(), base('1.4.0'))
    const api = new FakeApi()
    api.open = pullRequest(9, {
      head: BRANCH,
      base: 'main',
      title: 't',
      body: ''
    })
    await expect(run(clone, api)).resolves.toEqual({
      operation: 'unchanged',
      number: 9,
      url: 'https://github.com/acme/gitops/pull/9',
      updatedFiles: []
    })
    expect(clone.pushed).toBeUndefined()
    expect(output.join('')).toContain(
      `Branch '${BRANCH}' already pins 1.4.0 (${FILE}), newer than 1.3.0: it is left as it is.`
    )
  })

  test('a dry run shows the pull request and the diff, and pushes nothing', async () => {
    const clone = new FakeClone(base())
    const api = new FakeApi()
    const result = await run(clone, api, { dryRun: true })

    expect(result).toEqual({ operation: 'none', updatedFiles: [FILE] })
    expect(clone.calls).toEqual(['checkout main', `diff ${FILE}`, 'remove'])
    expect(api.calls).toEqual(['default branch'])
    const log = output.join('')
    expect(log).toContain(
      'Dry run: the pull request that would be opened in acme/gitops:'
    )
    expect(log).toContain(`  branch: ${BRANCH} -> main`)
    expect(log).toContain('  title: Bump webapp to 1.3.0')
    expect(log).toContain(`+++ b/${FILE}`)
  })

  test('signed commits: one commit through the API on the base, the branch created', async () => {
    const clone = new FakeClone(base())
    const api = new FakeApi()
    const result = await run(clone, api, {
      config: config({ signCommits: true })
    })

    expect(result.operation).toBe('created')
    expect(clone.pushed).toBeUndefined()
    expect(api.calls).toEqual([
      'default branch',
      `blob ${FILE}`,
      'commit chore(deps): bump webapp chart to 1.3.0',
      `create branch ${BRANCH} at signed-sha`,
      `create ${BRANCH} -> main: Bump webapp to 1.3.0`
    ])
  })

  test("signed commits: a branch with someone else's commit is left alone, with a warning", async () => {
    const clone = new FakeClone(base())
    clone.branchSubjectList = [
      'chore(deps): bump webapp chart to 1.2.0',
      'fix: by hand'
    ]
    const api = new FakeApi()
    api.branchHeads.set(BRANCH, 'their-sha')
    await expect(
      run(clone, api, { config: config({ signCommits: true }) })
    ).resolves.toEqual({ operation: 'none', updatedFiles: [] })
    expect(api.calls).toEqual(['default branch'])
    expect(output.join('')).toContain(
      `::warning::Branch '${BRANCH}' has 1 commit(s) by others; with 'gitops-sign-commits' the action does not rewrite it.`
    )
  })

  test('auto-merge refused is a warning, not a failure', async () => {
    const api = new FakeApi()
    api.autoMergeRefused = true
    await expect(
      run(new FakeClone(base()), api, {
        config: config({ autoMerge: 'merge' })
      })
    ).resolves.toMatchObject({ operation: 'created' })
    expect(output.join('')).toContain(
      '::warning::Could not enable auto-merge in acme/gitops: not allowed.'
    )
  })

  test('a failure keeps its message, and the clone is removed', async () => {
    const clone = new FakeClone(base())
    clone.failClone = new UserError(
      "Branch 'trunk' does not exist in acme/gitops. Check 'gitops-base-branch': the branch the pull request targets (e.g. main)."
    )
    await expect(run(clone, new FakeApi())).rejects.toThrow(
      clone.failClone.message
    )
    expect(clone.calls).toEqual(['checkout main', 'remove'])
  })
})

describe('runGitops: pins that hold a digest', () => {
  const OLD = 'sha256:' + '0'.repeat(64)
  const ociRepository = (tag: string, digest: string): string =>
    [
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: OCIRepository',
      'metadata: {name: webapp}',
      'spec:',
      '  url: oci://ghcr.io/acme/charts/webapp',
      '  ref:',
      `    tag: ${tag}`,
      `    digest: "${digest}"`,
      ''
    ].join('\n')

  /** Keeps the body of the pull request it opens. */
  class BodyApi extends FakeApi {
    body?: string
    override async createPullRequest(
      request: NewPullRequest
    ): Promise<PullRequest> {
      this.body = request.body
      return super.createPullRequest(request)
    }
  }

  const runWith = (clone: FakeClone, api: FakeApi, digest: string) =>
    runGitops(config(), { ...RELEASE, ...CHART, digest }, digest === '', () =>
      Promise.resolve({ clone, api })
    )

  test("the tag and the digest move to the release's, and the body says so", async () => {
    const clone = new FakeClone(new Map([[FILE, ociRepository('1.2.0', OLD)]]))
    const api = new BodyApi()
    await expect(runWith(clone, api, RELEASE.digest)).resolves.toMatchObject({
      operation: 'created'
    })
    expect(String(clone.pushed?.files.get(FILE))).toBe(
      ociRepository('1.3.0', RELEASE.digest)
    )
    expect(api.body).toContain('### Digests moved')
    expect(api.body).toContain(
      `| <code>${FILE}</code> | 8 | <code>spec.ref.digest</code> | <code>${OLD}</code> | <code>${RELEASE.digest}</code> |`
    )
    expect(output.join('')).toContain(
      `Bump: ${FILE} line 7 (spec.ref.tag): 1.2.0 -> 1.3.0 (spec.ref.digest: ${OLD} -> ${RELEASE.digest}).`
    )
  })

  test('a dry run that pushed nothing knows no digest: the pin is left alone, and said why', async () => {
    const clone = new FakeClone(new Map([[FILE, ociRepository('1.2.0', OLD)]]))
    const result = await runWith(clone, new FakeApi(), '')
    expect(result).toEqual({ operation: 'none', updatedFiles: [] })
    expect(output.join('')).toContain(
      `Left alone: ${FILE} line 7 (spec.ref.tag: 1.2.0): the pin moves a digest with the version, and no digest is known for 1.3.0 (nothing was pushed: dry run); it is left alone.`
    )
  })
})

describe('runGitops: umbrella charts', () => {
  const UMBRELLA = 'platform/Chart.yaml'
  const umbrella = (version: string) =>
    [
      'apiVersion: v2',
      'name: platform',
      'version: 0.1.0',
      'dependencies:',
      '  - name: webapp',
      `    version: ${version}`,
      '    repository: oci://ghcr.io/acme/charts',
      ''
    ].join('\n')
  const lock = (version: string, digest: string) =>
    [
      'dependencies:',
      '- name: webapp',
      '  repository: oci://ghcr.io/acme/charts',
      `  version: ${version}`,
      `digest: ${digest}`,
      'generated: "2025-01-01T00:00:00Z"',
      ''
    ].join('\n')
  // Helm's HashReq of the chart above at 1.2.0 (lock/helm-digest.ts, checked against real Helm).
  const setUp = async () => {
    const { lockDigest } = await import('../../src/gitops/lock/helm-digest.js')
    const dep = { name: 'webapp', repository: 'oci://ghcr.io/acme/charts' }
    const digest = lockDigest(
      [{ ...dep, version: '1.2.0' }],
      [{ ...dep, version: '1.2.0' }]
    )
    const clone = new FakeClone(new Map([[UMBRELLA, umbrella('1.2.0')]]))
    clone.checkoutOnly.set(
      'platform/Chart.lock',
      Buffer.from(lock('1.2.0', digest))
    )
    clone.checkoutOnly.set(
      'platform/charts/webapp-1.2.0.tgz',
      Buffer.from('old')
    )
    return clone
  }

  test('Chart.lock and the committed package move with Chart.yaml, in the same commit', async () => {
    const clone = await setUp()
    const api = new FakeApi()
    const fetched: string[] = []
    const packages = {
      fetchPackage: async (ref: string, digest: string) => {
        fetched.push(`${ref}@${digest}`)
        return Buffer.from('new package')
      }
    }
    const result = await runGitops(
      config({ paths: ['**/Chart.yaml'] }),
      { ...RELEASE, ...CHART },
      false,
      async () => ({ clone, api, packages })
    )
    expect(result.updatedFiles).toEqual([
      UMBRELLA,
      'platform/Chart.lock',
      'platform/charts/webapp-1.2.0.tgz',
      'platform/charts/webapp-1.3.0.tgz'
    ])
    const files = clone.pushed!.files
    expect(String(files.get('platform/Chart.lock'))).toMatch(
      /version: 1\.3\.0\ndigest: sha256:[0-9a-f]{64}\ngenerated: "\d{4}-/
    )
    expect(files.get('platform/charts/webapp-1.2.0.tgz')).toBeNull()
    expect(String(files.get('platform/charts/webapp-1.3.0.tgz'))).toBe(
      'new package'
    )
    expect(fetched).toEqual([`${RELEASE.ref}@${RELEASE.digest}`])
    expect(output.join('')).toContain(
      'Chart.lock: `platform/Chart.lock` updated'
    )
    expect(output.join('')).not.toContain("run 'helm dependency update")
  })

  test('a package the registry does not have: the error says it was for the Chart.lock, and names the digest as a digest', async () => {
    const clone = await setUp()
    const packages = {
      fetchPackage: (ref: string, digest: string) =>
        Promise.reject(new ChartNotInRegistry(ref, digest))
    }
    await expect(
      runGitops(
        config({ paths: ['**/Chart.yaml'] }),
        { ...RELEASE, ...CHART },
        false,
        async () => ({ clone, api: new FakeApi(), packages })
      )
    ).rejects.toThrow(
      `\`platform/charts/webapp-1.3.0.tgz\` cannot be committed beside Chart.lock: ${RELEASE.ref}@${RELEASE.digest} is not in the registry: no manifest has that digest.`
    )
  })

  test('a range elsewhere leaves the lock alone, and the pull request says why', async () => {
    const range =
      umbrella('1.2.0') +
      '  - name: db\n    version: ^2.0.0\n    repository: oci://ghcr.io/acme/charts\n'
    const clone = new FakeClone(new Map([[UMBRELLA, range]]))
    const { lockDigest } = await import('../../src/gitops/lock/helm-digest.js')
    const repository = 'oci://ghcr.io/acme/charts'
    const digest = lockDigest(
      [
        { name: 'webapp', repository, version: '1.2.0' },
        { name: 'db', repository, version: '^2.0.0' }
      ],
      [
        { name: 'webapp', repository, version: '1.2.0' },
        { name: 'db', repository, version: '2.0.1' }
      ]
    )
    const lockText = lock('1.2.0', digest).replace(
      'digest:',
      `- name: db\n  repository: ${repository}\n  version: 2.0.1\ndigest:`
    )
    clone.checkoutOnly.set('platform/Chart.lock', Buffer.from(lockText))
    const api = new FakeApi()
    let body = ''
    api.createPullRequest = async request => {
      body = request.body
      api.open = pullRequest(7, request)
      return api.open
    }
    const result = await runGitops(
      config({ paths: ['**/Chart.yaml'] }),
      { ...RELEASE, ...CHART },
      false,
      async () => ({ clone, api })
    )
    expect(result.updatedFiles).toEqual([UMBRELLA])
    expect(body).toContain('### Chart.lock')
    expect(body).toMatch(
      /`platform\/Chart\.lock` left alone: dependency 'db' is on '\^2\.0\.0'/
    )
  })
})

describe('runGitops: the rendered preview it is handed', () => {
  /** A preview that records what it is asked and answers `result`. */
  function fakePreview(result: PreviewResult) {
    const requests: PreviewRequest[] = []
    const preview = async (request: PreviewRequest) => {
      requests.push(request)
      return result
    }
    return { preview, requests }
  }

  const RENDERED: PreviewResult = {
    parts: [{ head: '### Rendered changes (from the fake preview)\n\n' }],
    warnings: ['apps/webapp.yaml line 9 (Application webapp): it broke']
  }

  function runWithPreview(
    clone: FakeClone,
    api: FakeApi,
    preview: GitopsClients['preview'],
    overrides: Partial<GitopsConfig> = {}
  ) {
    return runGitops(
      config({
        render: true,
        kubeVersion: '1.31.0',
        apiVersions: ['monitoring.coreos.com/v1'],
        ...overrides
      }),
      { ...RELEASE, ...CHART },
      false,
      async () => ({ clone, api, preview })
    )
  }

  test('it is asked with the bump and the clone, and its parts go to the body and the result', async () => {
    const clone = new FakeClone(base())
    clone.checkoutOnly.set('values/prod.yaml', Buffer.from('replicas: 3\n'))
    const api = new FakeApi()
    const { preview, requests } = fakePreview(RENDERED)
    const result = await runWithPreview(clone, api, preview)

    expect(requests).toHaveLength(1)
    const [request] = requests
    expect(request).toMatchObject({
      changes: [
        { file: FILE, line: 9, kind: 'argocd-application', from: '1.2.0' }
      ],
      chartRef: 'oci://ghcr.io/acme/charts/webapp',
      version: '1.3.0',
      repositoryPath: 'acme/charts/webapp',
      repositoryUrls: [
        'https://github.com/acme/gitops',
        'https://github.com/acme/gitops.git'
      ],
      kubeVersion: '1.31.0',
      apiVersions: ['monitoring.coreos.com/v1']
    })
    expect([...request.texts.keys()]).toEqual([FILE])
    expect(request.readRepoFile('values/prod.yaml')?.toString()).toBe(
      'replicas: 3\n'
    )
    expect(request.readRepoFile('values/none.yaml')).toBeUndefined()
    expect(result.preview).toEqual(RENDERED.parts)
    expect(api.bodies[0]).toContain(
      '### Rendered changes (from the fake preview)'
    )
    expect(output.join('')).toContain(
      '::warning::apps/webapp.yaml line 9 (Application webapp): it broke'
    )
  })

  test("not asked without 'gitops-render', nor when no pin moves", async () => {
    const { preview, requests } = fakePreview(RENDERED)
    const off = await runWithPreview(
      new FakeClone(base()),
      new FakeApi(),
      preview,
      { render: false }
    )
    const current = await runWithPreview(
      new FakeClone(base('1.3.0')),
      new FakeApi(),
      preview
    )

    expect(requests).toEqual([])
    expect(off.preview).toBeUndefined()
    expect(current.preview).toBeUndefined()
  })
})

describe('runGitops: scan problems as warnings', () => {
  const MISSING = application('1.2.0').replace(
    '    targetRevision: "1.2.0"\n',
    ''
  )
  const BROKEN = application('1.2.0').replace('metadata:', 'metadata: [a')

  test.each([
    [
      'a pin that cannot move: read, but not moved, one sentence',
      MISSING,
      `::warning::acme/gitops: ${FILE} line 7 (read, but not moved): spec.source.targetRevision is not set, so there is no version to bump; set it to an exact version to have releases bump it.\n`
    ],
    [
      'a file that does not parse: not read',
      BROKEN,
      `::warning::acme/gitops: ${FILE} line 3 (not read): YAML does not parse (`
    ]
  ])('%s', async (_name, text, warning) => {
    const clone = new FakeClone(new Map([[FILE, text]]))
    await run(clone, new FakeApi())
    const log = output.join('')
    expect(log).toContain(warning)
    expect(log).not.toContain('the file is left as it is')
    expect(log).not.toMatch(/\.; /)
  })
})

describe('runGitops: only the texts that may hold a pin are kept', () => {
  const FLUX_BASE = [
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: HelmRepository',
    'metadata: {name: acme}',
    'spec: {type: oci, url: oci://ghcr.io/acme/charts}',
    '---',
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: web}',
    'spec:',
    '  chart:',
    '    spec:',
    '      chart: webapp',
    '      version: 1.1.0',
    '      sourceRef: {kind: HelmRepository, name: acme}',
    ''
  ].join('\n')
  const PATCH =
    '- op: replace\n  path: /spec/chart/spec/version\n  value: 1.2.0\n'
  const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n'

  test('a JSON 6902 patch naming neither chart nor registry is let go as read, then bumped', async () => {
    const clone = new FakeClone(
      new Map([
        ['base/kustomization.yaml', 'resources: [release.yaml]\n'],
        ['base/release.yaml', FLUX_BASE],
        [
          'prod/kustomization.yaml',
          'resources: [../base]\npatches:\n  - path: version.yaml\n    target: {kind: HelmRelease, name: web}\n'
        ],
        ['prod/version.yaml', PATCH],
        ['prod/other.yaml', CONFIG_MAP]
      ])
    )
    await run(clone, new FakeApi())

    expect(clone.dropped).toEqual(['prod/version.yaml', 'prod/other.yaml'])
    expect([...(clone.pushed?.files.keys() ?? [])]).toEqual([
      'prod/version.yaml'
    ])
    expect(String(clone.pushed?.files.get('prod/version.yaml'))).toBe(
      PATCH.replace('1.2.0', '1.3.0')
    )
  })

  test('the preview is handed every file of the paths, those let go read again', async () => {
    const clone = new FakeClone(
      new Map([
        [FILE, application('1.2.0')],
        ['apps/values.yaml', CONFIG_MAP]
      ])
    )
    const requests: PreviewRequest[] = []
    await runGitops(
      config({ render: true }),
      { ...RELEASE, ...CHART },
      false,
      async () => ({
        clone,
        api: new FakeApi(),
        preview: async request => {
          requests.push(request)
          return { parts: [], warnings: [] }
        }
      })
    )

    expect(clone.dropped).toEqual(['apps/values.yaml'])
    expect([...(requests[0]?.texts ?? [])]).toEqual([
      [FILE, application('1.2.0')],
      ['apps/values.yaml', CONFIG_MAP]
    ])
  })
})
