// The GitHub API client against a loopback double of GitHub whose every
// request is validated against GitHub's published OpenAPI description: pull
// requests (open, find, update, labels, reviewers), auto-merge over GraphQL,
// signed commits through the Git Data API, and how failures reach the user.
// Each test gets its own double and runs concurrently with the others: the
// client spaces writes (one a second, notifications every 3 s) as GitHub asks.
import { describe, expect, test, vi } from 'vitest'
import { UserError } from '../../src/errors.js'
import {
  GitHubRepo,
  parseRepository,
  type GitHubRepoOptions
} from '../../src/github/api.js'
import { AutoMergeUnavailableError } from '../../src/github/api-errors.js'
import { teamSlug } from '../../src/github/names.js'
import { commitFiles } from '../../src/gitops/signed-branch.js'
import {
  startGitHubDouble,
  type GitHubDouble,
  type SeedRepository
} from '../helpers/github-double.js'

const TOKEN = 'ghs_double-token-1234'
const OWNER = 'acme'

let repoCount = 0

interface Fixtures {
  /** A fresh double per test: tests run concurrently and share nothing. */
  gh: GitHubDouble
  /** A repository in `gh` with main holding two files. */
  repo: string
  /** What the client reported about waits. */
  logs: string[]
  /** The client of `repo`, with waits shrunk to 1 ms per second. */
  api: GitHubRepo
}

const it = test.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  gh: async ({}, use) => {
    const gh = await startGitHubDouble({ tokens: [TOKEN], ghes: true })
    await use(gh)
    await gh.close()
    // Every request the client made must match GitHub's description.
    expect(gh.violations).toEqual([])
  },
  repo: async ({ gh }, use) => use(newRepo(gh)),
  // eslint-disable-next-line no-empty-pattern
  logs: async ({}, use) => use([]),
  api: async ({ gh, repo, logs }, use) => use(client(gh, repo, logs))
})

/** A new repository in the double. */
function newRepo(gh: GitHubDouble, seed: Partial<SeedRepository> = {}): string {
  const repo = `gitops-${++repoCount}`
  gh.addRepository({
    owner: OWNER,
    repo,
    files: { 'apps/web/values.yaml': 'chart: 1.0.0\n', 'README.md': '# ops\n' },
    ...seed
  })
  return repo
}

function client(
  gh: GitHubDouble,
  repo: string,
  logs: string[] = [],
  options: Partial<GitHubRepoOptions> = {}
): GitHubRepo {
  return new GitHubRepo({
    token: TOKEN,
    repository: `${OWNER}/${repo}`,
    apiUrl: gh.apiUrl,
    waitUnitMs: 1,
    log: message => logs.push(message),
    ...options
  })
}

/** Statuses of the requests of one operation, in order. */
function statuses(gh: GitHubDouble, operation: string): number[] {
  return gh.requests.filter(r => r.operation === operation).map(r => r.status)
}

/** A branch with one commit more than main, pushed as a user would. */
function pushBranch(gh: GitHubDouble, repo: string, branch: string): void {
  gh.commitOn(OWNER, repo, branch, { 'apps/web/values.yaml': 'chart: 2\n' })
}

const NEW_PR = { head: 'helm/web', base: 'main', title: 't', body: 'b' }

describe.concurrent('repository and pull requests', () => {
  it('reads the default branch from the API root in GITHUB_API_URL (GHES /api/v3)', async ({
    gh,
    expect
  }) => {
    const repo = newRepo(gh, { defaultBranch: 'trunk' })
    vi.stubEnv('GITHUB_API_URL', gh.apiUrl)
    let api: GitHubRepo
    try {
      api = new GitHubRepo({ token: TOKEN, repository: `${OWNER}/${repo}` })
    } finally {
      vi.unstubAllEnvs()
    }
    expect(gh.apiUrl).toMatch(/\/api\/v3$/)
    await expect(api.getDefaultBranch()).resolves.toBe('trunk')
    expect(gh.requests).toEqual([
      {
        method: 'GET',
        path: `/api/v3/repos/${OWNER}/${repo}`,
        operation: 'repos/get',
        status: 200
      }
    ])
  })

  it('opens a draft pull request with labels, reviewers and a team', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    pushBranch(gh, repo, 'helm/web')
    const pr = await api.createPullRequest({
      head: 'helm/web',
      base: 'main',
      title: 'Bump web to 1.1.0',
      body: 'Published by helm-oci-release',
      draft: true
    })
    await api.addLabels(pr.number, ['gitops', 'helm'])
    await api.requestReviewers(pr.number, ['alice'], [`${OWNER}/platform`])

    expect(pr).toMatchObject({
      number: 1,
      headRef: 'helm/web',
      baseRef: 'main',
      title: 'Bump web to 1.1.0',
      draft: true,
      htmlUrl: `https://github.test/${OWNER}/${repo}/pull/1`
    })
    expect(pr.nodeId).toMatch(/^PR_/)
    expect(gh.pulls(OWNER, repo)).toEqual([
      expect.objectContaining({
        number: 1,
        state: 'open',
        draft: true,
        head: 'helm/web',
        base: 'main',
        title: 'Bump web to 1.1.0',
        body: 'Published by helm-oci-release',
        labels: ['gitops', 'helm'],
        reviewers: ['alice'],
        teamReviewers: ['platform']
      })
    ])
  })

  it('no labels and no reviewers: no requests', async ({ gh, api, expect }) => {
    await api.addLabels(1, [])
    await api.requestReviewers(1, [], [])
    expect(gh.requests).toEqual([])
  })

  it('a reviewer team of another organization fails before any request', async ({
    gh,
    api,
    expect
  }) => {
    const error = await api
      .requestReviewers(1, [], ['other-org/platform'])
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      "Reviewer team 'other-org/platform' is not a team of acme: GitHub " +
        'requests reviews only from teams of the organization that owns the ' +
        'repository; use acme/<team-slug>.'
    )
    expect(gh.requests).toEqual([])
  })

  it('finds and updates the open pull request of the same head branch instead of opening a second one', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    pushBranch(gh, repo, 'unrelated')
    pushBranch(gh, repo, 'helm/web')
    await api.createPullRequest({ ...NEW_PR, head: 'unrelated', body: '' })
    const first = await api.createPullRequest({ ...NEW_PR, body: 'one' })

    // The next release of the chart: the same branch, so the same PR.
    const found = await api.findOpenPullRequest('helm/web')
    expect(found).toEqual(first)
    const updated = await api.updatePullRequest(found!.number, {
      title: 'Bump web to 1.2.0',
      body: 'two'
    })

    expect(updated).toMatchObject({
      number: first.number,
      title: 'Bump web to 1.2.0'
    })
    expect(await api.findOpenPullRequest('no-such-branch')).toBeUndefined()
    expect(gh.pulls(OWNER, repo).map(p => [p.head, p.title, p.body])).toEqual([
      ['unrelated', 't', ''],
      ['helm/web', 'Bump web to 1.2.0', 'two']
    ])
    expect(
      gh.requests.filter(r => r.operation === 'pulls/list').map(r => r.path)
    ).toEqual([
      `/api/v3/repos/${OWNER}/${repo}/pulls?state=open&head=${OWNER}%3Ahelm%2Fweb&per_page=100`,
      `/api/v3/repos/${OWNER}/${repo}/pulls?state=open&head=${OWNER}%3Ano-such-branch&per_page=100`
    ])
  })
})

describe.concurrent('auto-merge', () => {
  it('is enabled with the GraphQL mutation and the chosen method', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    pushBranch(gh, repo, 'helm/web')
    const pr = await api.createPullRequest(NEW_PR)
    await api.enableAutoMerge(pr.nodeId, 'SQUASH')

    expect(gh.graphqlCalls).toEqual([
      {
        mutation: 'enablePullRequestAutoMerge',
        variables: { pullRequestId: pr.nodeId, mergeMethod: 'SQUASH' }
      }
    ])
    expect(gh.pulls(OWNER, repo)[0].autoMerge).toBe('SQUASH')
    // GHES: @octokit/graphql turns <host>/api/v3 into <host>/api/graphql.
    expect(gh.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/graphql',
      status: 200
    })
  })

  it('not allowed in the repository: a clear AutoMergeUnavailableError', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    gh.setAllowAutoMerge(OWNER, repo, false)
    pushBranch(gh, repo, 'helm/web')
    const pr = await api.createPullRequest(NEW_PR)
    const error = await api
      .enableAutoMerge(pr.nodeId, 'MERGE')
      .catch((e: unknown) => e)

    expect(error).toBeInstanceOf(AutoMergeUnavailableError)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `Could not enable auto-merge in ${OWNER}/${repo}: Auto merge is not ` +
        "allowed for this repository. Turn on 'Allow auto-merge' in the " +
        "repository's settings (General, Pull Requests), or leave " +
        'gitops-auto-merge empty.'
    )
    expect(gh.pulls(OWNER, repo)[0].autoMerge).toBeUndefined()
  })

  it('on a github.com-style API root GraphQL goes to <root>/graphql', async ({
    expect
  }) => {
    const dotcom = await startGitHubDouble({ tokens: [TOKEN] })
    try {
      const repo = newRepo(dotcom)
      pushBranch(dotcom, repo, 'helm/web')
      const api = client(dotcom, repo)
      const pr = await api.createPullRequest(NEW_PR)
      await api.enableAutoMerge(pr.nodeId, 'REBASE')

      expect(dotcom.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        `POST /repos/${OWNER}/${repo}/pulls`,
        'POST /graphql'
      ])
      expect(dotcom.pulls(OWNER, repo)[0].autoMerge).toBe('REBASE')
      expect(dotcom.violations).toEqual([])
    } finally {
      await dotcom.close()
    }
  })
})

describe.concurrent('signed commits through the Git Data API', () => {
  it('creates blobs, tree, commit and branch, then replaces its own commit with a forced update', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    const branch = 'helm-oci-release/web'
    const base = gh.branchHead(OWNER, repo, 'main')!

    const first = await commitFiles(api, {
      branch,
      parentSha: base,
      message: 'Bump web to 1.1.0',
      files: [
        { path: 'apps/web/values.yaml', content: 'chart: 1.1.0\n' },
        { path: 'apps/web/notes/ünïcode.txt', content: 'grüße ✓\n' }
      ]
    })

    expect(gh.branchHead(OWNER, repo, branch)).toBe(first)
    expect(gh.commit(OWNER, repo, first)).toMatchObject({
      parents: [base],
      message: 'Bump web to 1.1.0',
      verified: true
    })
    expect(gh.files(OWNER, repo, branch)).toEqual({
      'README.md': '# ops\n',
      'apps/web/values.yaml': 'chart: 1.1.0\n',
      'apps/web/notes/ünïcode.txt': 'grüße ✓\n'
    })
    expect(gh.requests.map(r => `${r.operation} ${r.status}`)).toEqual([
      'git/get-commit 200',
      'git/create-blob 201',
      'git/create-blob 201',
      'git/create-tree 201',
      'git/create-commit 201',
      'git/get-ref 404',
      'git/create-ref 201'
    ])

    // main moves on; the next release rebuilds the branch on the new main.
    const newBase = gh.commitOn(OWNER, repo, 'main', { 'other.txt': 'x\n' })
    gh.clearRecords()
    const second = await commitFiles(api, {
      branch,
      parentSha: newBase,
      message: 'Bump web to 1.2.0',
      files: [{ path: 'apps/web/values.yaml', content: 'chart: 1.2.0\n' }],
      force: true
    })

    expect(gh.branchHead(OWNER, repo, branch)).toBe(second)
    expect(gh.commit(OWNER, repo, second).parents).toEqual([newBase])
    expect(gh.files(OWNER, repo, branch)).toEqual({
      'README.md': '# ops\n',
      'apps/web/values.yaml': 'chart: 1.2.0\n',
      'other.txt': 'x\n'
    })
    expect(
      gh.requests.slice(-2).map(r => `${r.operation} ${r.status}`)
    ).toEqual(['git/get-ref 200', 'git/update-ref 200'])
  })

  it('without force a commit that does not descend from the branch head is refused', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    const base = gh.branchHead(OWNER, repo, 'main')!
    gh.commitOn(OWNER, repo, 'helm/web', { 'x.txt': 'someone else\n' })
    const before = gh.branchHead(OWNER, repo, 'helm/web')

    const error = await commitFiles(api, {
      branch: 'helm/web',
      parentSha: base,
      message: 'm',
      files: [{ path: 'a.txt', content: 'a' }]
    }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `GitHub refused updating branch helm/web in ${OWNER}/${repo}: ` +
        'Update is not a fast forward'
    )
    expect(gh.branchHead(OWNER, repo, 'helm/web')).toBe(before)
  })
})

describe.concurrent('failures the user can fix', () => {
  it('401: names the repository and the token, never the token value', async ({
    gh,
    repo,
    expect
  }) => {
    const api = client(gh, repo, [], { token: 'ghp_expired-token' })
    const error = await api.getDefaultBranch().catch((e: unknown) => e)

    expect(error).toBeInstanceOf(UserError)
    const text = (error as Error).message
    expect(text).toContain(
      `GitHub answered 401 reading the repository in ${OWNER}/${repo}: ` +
        'the gitops-token was rejected'
    )
    expect(text).not.toContain('ghp_expired-token')
    expect(statuses(gh, 'repos/get')).toEqual([401])
  })

  it('401 on GraphQL too', async ({ gh, repo, expect }) => {
    const error = await client(gh, repo, [], { token: 'wrong' })
      .enableAutoMerge('PR_x', 'MERGE')
      .catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(AutoMergeUnavailableError)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toContain(
      `GitHub answered 401 enabling auto-merge in ${OWNER}/${repo}`
    )
  })

  it('404: the repository name, the token scopes and the App installation', async ({
    gh,
    expect
  }) => {
    const api = client(gh, 'does-not-exist')
    const error = await api.getDefaultBranch().catch((e: unknown) => e)

    expect(error).toBeInstanceOf(UserError)
    const text = (error as Error).message
    expect(text).toContain(
      `404 reading the repository in ${OWNER}/does-not-exist`
    )
    expect(text).toContain('gitops-repository (owner/name)')
    expect(text).toContain('a fine-grained token must include it')
    expect(text).toContain('a GitHub App must be installed on it')
    expect(text).toContain('a classic token needs the repo scope')
    expect(statuses(gh, 'repos/get')).toEqual([404])
  })

  it('403 without a rate limit: the permissions the token needs', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    gh.fail({ operation: 'git/create-blob', kind: 'forbidden' })
    const error = await commitFiles(api, {
      branch: 'b',
      parentSha: gh.branchHead(OWNER, repo, 'main')!,
      message: 'm',
      files: [{ path: 'values.yaml', content: 'x' }]
    }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `GitHub denied uploading values.yaml in ${OWNER}/${repo} (Resource ` +
        'not accessible by integration). Give the gitops-token write ' +
        'access: contents and pull requests read/write for a fine-grained ' +
        'token or GitHub App, the repo scope for a classic token.'
    )
    expect(statuses(gh, 'git/create-blob')).toEqual([403])
    expect(gh.branchHead(OWNER, repo, 'b')).toBeUndefined()
  })

  it("422: GitHub's validation messages reach the user", async ({
    gh,
    repo,
    api,
    expect
  }) => {
    pushBranch(gh, repo, 'helm/web')
    await api.createPullRequest(NEW_PR)

    const duplicate = await api
      .createPullRequest(NEW_PR)
      .catch((e: unknown) => e)
    expect(duplicate).toBeInstanceOf(UserError)
    expect((duplicate as Error).message).toBe(
      `GitHub refused creating the pull request in ${OWNER}/${repo}: ` +
        `Validation Failed; A pull request already exists for ${OWNER}:helm/web.`
    )

    const noBranch = await api
      .createPullRequest({ ...NEW_PR, head: 'missing' })
      .catch((e: unknown) => e)
    expect((noBranch as Error).message).toContain(
      'Validation Failed; PullRequest head invalid'
    )

    gh.fail({
      operation: 'pulls/create',
      kind: 'validation',
      message: 'Draft pull requests are not supported in this repository.'
    })
    const draft = await api
      .createPullRequest({ ...NEW_PR, draft: true })
      .catch((e: unknown) => e)
    expect((draft as Error).message).toContain(
      'Draft pull requests are not supported in this repository.'
    )
    expect(statuses(gh, 'pulls/create')).toEqual([201, 422, 422, 422])
  })

  it('parseRepository and teamSlug', ({ expect }) => {
    expect(parseRepository(' acme/ops ')).toEqual({
      owner: 'acme',
      repo: 'ops'
    })
    expect(() => parseRepository('acme')).toThrow(
      /gitops-repository 'acme' is not of the form owner\/name/
    )
    expect(teamSlug('Acme/platform', 'acme')).toBe('platform')
    expect(teamSlug('platform', 'acme')).toBe('platform')
    expect(() => teamSlug('acme/', 'acme')).toThrow(UserError)
  })
})

describe.concurrent('waits within bounds', () => {
  it('a secondary rate limit is waited out (retry-after), then the request succeeds', async ({
    gh,
    repo,
    api,
    logs,
    expect
  }) => {
    pushBranch(gh, repo, 'helm/web')
    gh.fail({
      operation: 'pulls/create',
      kind: 'secondary-rate-limit',
      times: 2,
      retryAfter: 3
    })

    const pr = await api.createPullRequest(NEW_PR)

    expect(pr.number).toBe(1)
    expect(statuses(gh, 'pulls/create')).toEqual([403, 403, 201])
    expect(gh.pulls(OWNER, repo)).toHaveLength(1)
    expect(logs).toEqual([
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/pulls: waiting 3 s (retry 1 of 2; GitHub may ask for up to 300 s)',
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/pulls: waiting 3 s (retry 2 of 2; GitHub may ask for up to 300 s)'
    ])
  })

  it('a secondary rate limit asking for more than the cap fails at once', async ({
    gh,
    repo,
    api,
    logs,
    expect
  }) => {
    gh.fail({
      operation: 'repos/get',
      kind: 'secondary-rate-limit',
      retryAfter: 3600
    })
    const error = await api.getDefaultBranch().catch((e: unknown) => e)

    expect((error as Error).message).toContain(
      `GitHub rate limit reading the repository in ${OWNER}/${repo} ` +
        '(You have exceeded a secondary rate limit.'
    )
    expect(statuses(gh, 'repos/get')).toEqual([403])
    expect(logs).toEqual([
      'GitHub secondary rate limit on GET /repos/{owner}/{repo}: GitHub asks to wait 3600 s, over the 300 s this action waits'
    ])
  })

  it('a third secondary rate limit in a row is not waited out', async ({
    gh,
    api,
    expect
  }) => {
    gh.fail({ operation: 'repos/get', kind: 'secondary-rate-limit', times: 3 })
    const error = await api.getDefaultBranch().catch((e: unknown) => e)
    expect((error as Error).message).toContain('GitHub rate limit')
    expect(statuses(gh, 'repos/get')).toEqual([403, 403, 403])
  })

  it('an exhausted primary rate limit is waited out until its reset', async ({
    gh,
    api,
    logs,
    expect
  }) => {
    gh.fail({ operation: 'repos/get', kind: 'rate-limit', retryAfter: 1 })
    await expect(api.getDefaultBranch()).resolves.toBe('main')
    expect(statuses(gh, 'repos/get')).toEqual([403, 200])
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatch(
      /^GitHub rate limit on GET \/repos\/\{owner\}\/\{repo\}: waiting \d s/
    )
  })

  it('5xx twice, then success: retried', async ({ gh, expect }) => {
    const repo = newRepo(gh, { defaultBranch: 'develop' })
    gh.fail({ operation: 'repos/get', kind: 'server-error', times: 2 })
    await expect(client(gh, repo).getDefaultBranch()).resolves.toBe('develop')
    expect(statuses(gh, 'repos/get')).toEqual([502, 502, 200])
  })

  it('5xx that does not stop: three retries, then a plain error', async ({
    gh,
    repo,
    api,
    expect
  }) => {
    gh.fail({
      operation: 'git/get-commit',
      kind: 'server-error',
      status: 503,
      times: 10
    })
    const error = await commitFiles(api, {
      branch: 'b',
      parentSha: gh.branchHead(OWNER, repo, 'main')!,
      message: 'm',
      files: []
    }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(UserError)
    expect((error as Error).message).toContain(
      `GitHub API failed reading the base commit in ${OWNER}/${repo}`
    )
    expect(statuses(gh, 'git/get-commit')).toEqual([503, 503, 503, 503])
  })
})

describe.concurrent(
  'the double validates against the OpenAPI description',
  () => {
    async function raw(
      url: string,
      method: string,
      body?: unknown
    ): Promise<number> {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `token ${TOKEN}`,
          'content-type': 'application/json'
        },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      await response.arrayBuffer()
      return response.status
    }

    it('wrong calls are answered 400 and recorded as violations', async ({
      gh,
      repo,
      expect
    }) => {
      const pulls = `${gh.apiUrl}/repos/${OWNER}/${repo}/pulls`
      const wrong: [string, string, unknown?][] = [
        [pulls, 'POST', { base: 'main', title: 't' }],
        [`${gh.apiUrl}/repos/${OWNER}/${repo}/no-such-thing`, 'GET'],
        [`${pulls}?state=opened`, 'GET'],
        [`${pulls}/not-a-number`, 'PATCH', { title: 't' }],
        [`${pulls}/1/requested_reviewers`, 'POST', { team_reviewer: ['x'] }],
        [
          gh.graphqlUrl,
          'POST',
          {
            query:
              'mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) ' +
              '{ enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, ' +
              'mergeMethod: $mergeMethod}) { clientMutationId } }',
            variables: { pullRequestId: 'PR_x', mergeMethod: 'FAST_FORWARD' }
          }
        ]
      ]
      for (const [url, method, body] of wrong) {
        expect(await raw(url, method, body)).toBe(400)
      }

      expect(gh.violations.map(v => v.problems)).toEqual([
        ["body must have required property 'head'"],
        [
          `no operation GET /repos/${OWNER}/${repo}/no-such-thing in the description`
        ],
        ['query/state must be equal to one of the allowed values'],
        ['path/pull_number must be integer'],
        ["body has field 'team_reviewer' the operation does not declare"],
        ['variables.mergeMethod is not one of MERGE|SQUASH|REBASE']
      ])
      // The same calls done right pass the same validator.
      expect(await raw(`${pulls}?state=open&head=${OWNER}:x`, 'GET')).toBe(200)
      expect(await raw(`${pulls}/1`, 'PATCH', { title: 't' })).toBe(404)
      expect(gh.violations).toHaveLength(6)
      gh.clearRecords()
    })
  }
)
