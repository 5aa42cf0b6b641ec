// Opening the GitOps pull request against the OpenAPI-checked GitHub double,
// when GitHub or the network misbehave: a pull request that already exists
// (the list missed it, or a create whose answer was lost was retried), rate
// limits (403 and 429) and dropped connections on the create.
import { describe, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { GitHubRepo, type NewPullRequest } from '../../src/github/api.js'
import {
  upsertPullRequest,
  type UpsertedPullRequest
} from '../../src/gitops/pull-request.js'
import {
  startGitHubDouble,
  type GitHubDouble
} from '../helpers/github-double.js'

const TOKEN = 'ghs_double-token-5678'
const OWNER = 'acme'
const REQUEST = {
  head: 'helm/web',
  base: 'main',
  title: 'Bump web to 1.2.0',
  body: 'two'
}

let repoCount = 0

interface Fixtures {
  gh: GitHubDouble
  /** A repository with main and the branch helm/web one commit ahead. */
  repo: string
  logs: string[]
  api: GitHubRepo
  /** `upsertPullRequest` with this client, logging into `logs`. */
  upsert: (request: NewPullRequest) => Promise<UpsertedPullRequest>
}

const it = test.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  gh: async ({}, use) => {
    const gh = await startGitHubDouble({ tokens: [TOKEN] })
    await use(gh)
    await gh.close()
  },
  repo: async ({ gh }, use) => {
    const repo = `gitops-${++repoCount}`
    gh.addRepository({ owner: OWNER, repo, files: { 'a.yaml': 'v: 1\n' } })
    gh.commitOn(OWNER, repo, 'helm/web', { 'a.yaml': 'v: 2\n' })
    await use(repo)
  },
  // eslint-disable-next-line no-empty-pattern
  logs: async ({}, use) => use([]),
  api: async ({ gh, repo, logs }, use) =>
    use(
      new GitHubRepo({
        token: TOKEN,
        repository: `${OWNER}/${repo}`,
        apiUrl: gh.apiUrl,
        waitUnitMs: 1,
        log: message => logs.push(message)
      })
    ),
  upsert: async ({ api, logs }, use) =>
    use(request =>
      upsertPullRequest(api, request, message => logs.push(message))
    )
})

/** What `promise` rejected with (fails the test when it resolved). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error
  )
  if (!(outcome instanceof Error)) throw new Error('expected a rejection')
  return outcome
}

/** `operation status` of every request, in order. */
function trace(gh: GitHubDouble): string[] {
  return gh.requests.map(r => `${r.operation} ${r.status}`)
}

describe.concurrent('a pull request that already exists', () => {
  it('a create whose answer was lost is retried; the 422 "already exists" updates that pull request', async ({
    gh,
    repo,
    upsert,
    logs,
    expect
  }) => {
    gh.fail({ operation: 'pulls/create', kind: 'lost-response' })
    const result = await upsert(REQUEST)

    expect(result.created).toBe(false)
    expect(result.pullRequest).toMatchObject({
      number: 1,
      headRef: 'helm/web',
      htmlUrl: `https://github.test/${OWNER}/${repo}/pull/1`
    })
    expect(gh.pulls(OWNER, repo)).toEqual([
      expect.objectContaining({ number: 1, state: 'open', ...REQUEST })
    ])
    expect(trace(gh)).toEqual([
      'pulls/list 200',
      'pulls/create 0',
      'pulls/create 422',
      'pulls/list 200',
      'pulls/update 200'
    ])
    // The second list asks for this head into this base only.
    expect(gh.requests[3].path).toContain(
      `head=${encodeURIComponent(`${OWNER}:helm/web`)}&base=main`
    )
    expect(logs).toContain(
      `Pull request #1 from helm/web into main already exists in ${OWNER}/${repo}: updating it.`
    )
    expect(gh.violations).toEqual([])
  })

  it('the list missed it: the create answers 422 and the pull request is updated', async ({
    gh,
    repo,
    api,
    upsert,
    expect
  }) => {
    await api.createPullRequest({ ...REQUEST, title: 'old', body: 'one' })
    gh.clearRecords()
    gh.fail({ operation: 'pulls/list', kind: 'stale-list' })

    const result = await upsert(REQUEST)

    expect(result).toMatchObject({ created: false, pullRequest: { number: 1 } })
    expect(gh.pulls(OWNER, repo)).toEqual([
      expect.objectContaining({ number: 1, title: REQUEST.title, body: 'two' })
    ])
    expect(trace(gh)).toEqual([
      'pulls/list 200',
      'pulls/create 422',
      'pulls/list 200',
      'pulls/update 200'
    ])
    expect(gh.violations).toEqual([])
  })

  it('GitHub says it exists but lists none: a clear error, nothing else changed', async ({
    gh,
    repo,
    api,
    upsert,
    expect
  }) => {
    await api.createPullRequest({ ...REQUEST, title: 'old', body: 'one' })
    gh.fail({ operation: 'pulls/list', kind: 'stale-list', times: 2 })

    const error = await failure(upsert(REQUEST))

    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `GitHub answered that a pull request from ${OWNER}:helm/web into main ` +
        `already exists in ${OWNER}/${repo}, but lists no such open pull ` +
        'request. Run the job again: the next run finds and updates it.'
    )
    expect(gh.pulls(OWNER, repo)[0]).toMatchObject({ title: 'old' })
  })

  it("another 422 on the create (no commits) still fails with GitHub's message", async ({
    gh,
    repo,
    upsert,
    expect
  }) => {
    gh.commitOn(OWNER, repo, 'empty', {})
    const error = await failure(
      upsert({ ...REQUEST, head: 'main', base: 'empty' })
    )
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `GitHub refused creating the pull request in ${OWNER}/${repo}: ` +
        'Validation Failed; No commits between empty and main'
    )
    expect(gh.pulls(OWNER, repo)).toEqual([])
  })
})

describe.concurrent('rate limits and the network on the create', () => {
  it('429 secondary rate limit with a short retry-after: waited out, one pull request', async ({
    gh,
    repo,
    upsert,
    logs,
    expect
  }) => {
    gh.fail({
      operation: 'pulls/create',
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfter: 2
    })
    const result = await upsert(REQUEST)
    expect(result).toMatchObject({ created: true, pullRequest: { number: 1 } })
    expect(gh.pulls(OWNER, repo)).toHaveLength(1)
    expect(trace(gh)).toEqual([
      'pulls/list 200',
      'pulls/create 429',
      'pulls/create 201'
    ])
    expect(logs).toEqual([
      expect.stringMatching(
        /^GitHub secondary rate limit on POST \/repos\/.*\/pulls: waiting 2 s \(retry 1 of 2; GitHub may ask for up to 300 s\)$/
      )
    ])
  })

  it('429 asking for 137 s (over the old 60 s cap, within 300 s): waited out, one pull request', async ({
    gh,
    upsert,
    logs,
    expect
  }) => {
    gh.fail({
      operation: 'pulls/create',
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfter: 137
    })
    const result = await upsert(REQUEST)
    expect(result).toMatchObject({ created: true, pullRequest: { number: 1 } })
    expect(trace(gh)).toEqual([
      'pulls/list 200',
      'pulls/create 429',
      'pulls/create 201'
    ])
    expect(logs).toEqual([
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/pulls: waiting 137 s (retry 1 of 2; GitHub may ask for up to 300 s)'
    ])
  })

  it('429 asking for longer than the cap: fails at once, not retried blindly', async ({
    gh,
    repo,
    upsert,
    logs,
    expect
  }) => {
    gh.fail({
      operation: 'pulls/create',
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfter: 3600,
      times: 5
    })
    const error = await failure(upsert(REQUEST))
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toMatch(
      new RegExp(
        `^GitHub rate limit creating the pull request in ${OWNER}/${repo} ` +
          '\\(You have exceeded a secondary rate limit.*\\)\\. The wait ' +
          'GitHub asked for was too long or retries ran out; run the job ' +
          'again later\\.$'
      )
    )
    expect(trace(gh)).toEqual(['pulls/list 200', 'pulls/create 429'])
    expect(gh.pulls(OWNER, repo)).toEqual([])
    expect(logs).toEqual([
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/pulls: GitHub asks to wait 3600 s, over the 300 s this action waits'
    ])
  })

  it('an exhausted primary rate limit (403) on the create is waited out', async ({
    gh,
    repo,
    upsert,
    expect
  }) => {
    gh.fail({ operation: 'pulls/create', kind: 'rate-limit', retryAfter: 1 })
    await expect(upsert(REQUEST)).resolves.toMatchObject({
      created: true
    })
    expect(trace(gh)).toEqual([
      'pulls/list 200',
      'pulls/create 403',
      'pulls/create 201'
    ])
    expect(gh.pulls(OWNER, repo)).toHaveLength(1)
  })

  it('a connection dropped before GitHub saw the create: retried, one pull request', async ({
    gh,
    repo,
    upsert,
    expect
  }) => {
    gh.fail({ operation: 'pulls/create', kind: 'network', times: 2 })
    await expect(upsert(REQUEST)).resolves.toMatchObject({
      created: true,
      pullRequest: { number: 1 }
    })
    expect(trace(gh)).toEqual([
      'pulls/list 200',
      'pulls/create 0',
      'pulls/create 0',
      'pulls/create 201'
    ])
    expect(gh.pulls(OWNER, repo)).toHaveLength(1)
  })

  it('connections that keep dropping: a clear error after the retries', async ({
    gh,
    repo,
    upsert,
    expect
  }) => {
    gh.fail({ operation: 'pulls/create', kind: 'network', times: 10 })
    const error = await failure(upsert(REQUEST))
    expect(error.message).toMatch(
      new RegExp(
        `^GitHub API failed creating the pull request in ${OWNER}/${repo}: `
      )
    )
    expect(trace(gh).filter(t => t.startsWith('pulls/create'))).toEqual([
      'pulls/create 0',
      'pulls/create 0',
      'pulls/create 0',
      'pulls/create 0'
    ])
    expect(gh.pulls(OWNER, repo)).toEqual([])
  })
})

describe.concurrent('the body limit, as GitHub counts it', () => {
  it('65,536 characters are taken, astral ones counting one each; one more is refused with 422', async ({
    gh,
    repo,
    api,
    upsert,
    expect
  }) => {
    const astral = '\u{1F600}'.repeat(65_536)
    const created = await upsert({ ...REQUEST, body: astral })
    expect(created.created).toBe(true)
    expect(gh.pulls(OWNER, repo)[0].body).toBe(astral)

    const error = await failure(
      api.updatePullRequest(1, { body: 'x'.repeat(65_537) })
    )
    expect(error).toBeInstanceOf(UserError)
    expect(error.message).toBe(
      `GitHub refused updating pull request #1 in ${OWNER}/${repo}: ` +
        'Validation Failed; body is too long (maximum is 65536 characters)'
    )
    expect(gh.pulls(OWNER, repo)[0].body).toBe(astral)
  })
})
