// The branch policy against a real git server over smart HTTP: the bump is
// computed by the real editor from the base checkout, as the action does.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { BOT_IDENTITY, type Identity } from '../../src/github/git-env.js'
import { Git } from '../../src/github/git.js'
import { GITOPS_INPUTS } from '../../src/inputs/gitops.js'
import {
  readBranchFiles,
  updateBranch,
  type UpdateBranchOptions,
  type UpdateBranchResult
} from '../../src/gitops/branch.js'
import { bumpFile } from '../../src/gitops/edit.js'
import type { ChartRef } from '../../src/gitops/scan/types.js'
import {
  ALICE,
  BOB,
  runnerDirs,
  startGitServer,
  type GitServer,
  type RunnerDirs
} from '../helpers/git-server.js'

const TOKEN = `ghs_${crypto.randomBytes(18).toString('hex')}`
const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}
const APP = 'apps/webapp/application.yaml'
const VALUES = 'apps/webapp/values.yaml'
const BRANCH = 'helm-oci-release/webapp'

let server: GitServer
let dirs: RunnerDirs
let repoCount = 0

beforeAll(async () => {
  server = await startGitServer(TOKEN)
  dirs = runnerDirs()
})

afterAll(async () => {
  await server?.stop()
  dirs?.remove()
})

/** An Argo CD Application pinning the chart; Bob edits lines far from the pin. */
function application(version: string, namespace = 'webapp'): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    '  name: webapp',
    '  namespace: argocd',
    'spec:',
    '  project: default',
    '  source:',
    '    repoURL: oci://ghcr.io/acme/charts/webapp',
    '    path: .',
    `    targetRevision: ${version}`,
    '  syncPolicy:',
    '    automated: {}',
    '  destination:',
    '    server: https://kubernetes.default.svc',
    `    namespace: ${namespace}`,
    ''
  ].join('\n')
}

/** A fresh GitOps repository with the chart pinned at 1.0.0 on main. */
function newRepo(): string {
  const repository = `acme/gitops-${++repoCount}`
  server.createRepo(repository, 'main', {
    [APP]: application('1.0.0'),
    [VALUES]: 'replicas: 1\n'
  })
  return repository
}

/** What the action does for a release: clone main, bump with the editor, update the branch. */
async function release(
  repository: string,
  version: string,
  options: Partial<UpdateBranchOptions> = {}
): Promise<UpdateBranchResult> {
  const git = await Git.create({
    serverUrl: server.url,
    repository,
    token: TOKEN,
    env: dirs.env,
    inputNames: GITOPS_INPUTS
  })
  try {
    await git.clone('main')
    const text = fs.readFileSync(path.join(git.dir, APP), 'utf8')
    const bumped = bumpFile(APP, text, CHART, version)
    return await updateBranch(git, {
      baseBranch: 'main',
      branch: BRANCH,
      files: new Map(bumped.changed ? [[APP, bumped.text]] : []),
      message: `Bump webapp to ${version}`,
      newVersion: version,
      ...options
    })
  } finally {
    git.remove()
  }
}

/** Pushes (receive-pack POSTs) the server saw since `from`. */
function pushesSince(from: number): number {
  return server.requests
    .slice(from)
    .filter(r => r.method === 'POST' && r.service === 'git-receive-pack').length
}

function expectOneBotCommitOnMain(repository: string, author: Identity) {
  const commits = server.commits(repository, BRANCH, 'main')
  expect(commits).toHaveLength(1)
  expect(commits[0]).toMatchObject({
    parents: [server.head(repository, 'main')],
    authorEmail: author.email,
    committerEmail: author.email
  })
  return commits[0]
}

describe('a branch holding only the action’s commits', () => {
  test('is created as one bot commit on top of the base', async () => {
    const repo = newRepo()
    const result = await release(repo, '1.1.0')

    expect(result).toEqual({
      operation: 'created',
      headSha: server.head(repo, BRANCH),
      keptCommits: 0,
      attempts: 1
    })
    const commit = expectOneBotCommitOnMain(repo, BOT_IDENTITY)
    expect(commit.subject).toBe('Bump webapp to 1.1.0')
    expect(server.readFile(repo, BRANCH, APP)).toBe(application('1.1.0'))
    expect(server.readFile(repo, BRANCH, VALUES)).toBe('replicas: 1\n')
  })

  test('is rebuilt on the current base by a newer release, force-pushed with lease', async () => {
    const repo = newRepo()
    const first = await release(repo, '1.1.0')
    server.commit(
      repo,
      'main',
      { 'README.md': '# GitOps\n' },
      { author: ALICE }
    )

    const second = await release(repo, '1.2.0')

    expect(second).toMatchObject({ operation: 'updated', attempts: 1 })
    expect(second.headSha).toBe(server.head(repo, BRANCH))
    expectOneBotCommitOnMain(repo, BOT_IDENTITY)
    // The old bump is gone from the branch's history: it was replaced, not stacked.
    const history = server.commits(repo, BRANCH).map(c => c.sha)
    expect(history).not.toContain(first.headSha)
    expect(server.readFile(repo, BRANCH, APP)).toBe(application('1.2.0'))
    expect(server.readFile(repo, BRANCH, 'README.md')).toBe('# GitOps\n')
  })

  test('is left as it is when it already holds the same change: nothing is pushed', async () => {
    const repo = newRepo()
    const first = await release(repo, '1.1.0')
    const before = server.requests.length

    const again = await release(repo, '1.1.0')

    expect(again).toEqual({
      operation: 'unchanged',
      headSha: first.headSha,
      keptCommits: 0,
      attempts: 0
    })
    expect(server.head(repo, BRANCH)).toBe(first.headSha)
    expect(pushesSince(before)).toBe(0)
  })

  test('counts the configured author’s commits as its own', async () => {
    const repo = newRepo()
    const author = { name: 'Release Bot', email: 'release-bot@acme.example' }
    await release(repo, '1.1.0', { author })
    const second = await release(repo, '1.2.0', { author })

    expect(second.operation).toBe('updated')
    expectOneBotCommitOnMain(repo, author)
  })

  test('counts commits from the extra bot emails as its own', async () => {
    const repo = newRepo()
    const renovate = { name: 'renovate[bot]', email: 'bot@renovateapp.com' }
    server.commit(
      repo,
      BRANCH,
      { [APP]: application('1.0.5') },
      {
        author: renovate,
        from: 'main'
      }
    )
    const result = await release(repo, '1.1.0', {
      botEmails: ['BOT@renovateapp.com']
    })

    expect(result).toMatchObject({ operation: 'updated', keptCommits: 0 })
    expectOneBotCommitOnMain(repo, BOT_IDENTITY)
  })

  test('is still recognized when the base moved on by more than the first fetch depth', async () => {
    const repo = newRepo()
    await release(repo, '1.1.0')
    server.commitMany(
      repo,
      'main',
      Array.from({ length: 55 }, (_, i) => ({ 'log.txt': `${i}\n` })),
      { author: ALICE }
    )
    const result = await release(repo, '1.2.0')

    expect(result.operation).toBe('updated')
    expectOneBotCommitOnMain(repo, BOT_IDENTITY)
  })

  test('pushes nothing when the files do not change the base', async () => {
    const repo = newRepo()
    const before = server.requests.length
    const result = await release(repo, '1.0.0')

    expect(result).toEqual({
      operation: 'unchanged',
      headSha: server.head(repo, 'main'),
      keptCommits: 0,
      attempts: 0
    })
    expect(server.head(repo, BRANCH)).toBeUndefined()
    expect(pushesSince(before)).toBe(0)
  })
})

describe('a branch with someone else’s commits', () => {
  test('keeps them and puts the bump on top', async () => {
    const repo = newRepo()
    const first = await release(repo, '1.1.0')
    const bob = server.commit(
      repo,
      BRANCH,
      { [VALUES]: 'replicas: 3\n' },
      {
        author: BOB,
        message: 'Scale out'
      }
    )

    const result = await release(repo, '1.2.0')

    expect(result).toMatchObject({
      operation: 'updated',
      keptCommits: 1,
      attempts: 1
    })
    const commits = server.commits(repo, BRANCH, 'main')
    expect(commits.map(c => c.sha).slice(1)).toEqual([bob, first.headSha])
    expect(commits[0]).toMatchObject({
      sha: result.headSha,
      parents: [bob],
      authorEmail: BOT_IDENTITY.email,
      subject: 'Bump webapp to 1.2.0'
    })
    expect(server.readFile(repo, BRANCH, APP)).toBe(application('1.2.0'))
    expect(server.readFile(repo, BRANCH, VALUES)).toBe('replicas: 3\n')

    // The same release again: the branch already has it.
    const before = server.requests.length
    const again = await release(repo, '1.2.0')
    expect(again).toMatchObject({
      operation: 'unchanged',
      headSha: result.headSha,
      keptCommits: 1
    })
    expect(pushesSince(before)).toBe(0)
  })

  test('keeps a change next to the pin in the same file', async () => {
    const repo = newRepo()
    await release(repo, '1.1.0')
    server.commit(
      repo,
      BRANCH,
      { [APP]: application('1.1.0', 'web') },
      {
        author: BOB
      }
    )

    const result = await release(repo, '1.2.0')

    expect(result.operation).toBe('updated')
    expect(server.readFile(repo, BRANCH, APP)).toBe(application('1.2.0', 'web'))
  })

  test.each([
    [
      'Bob changed the pin the action bumped before',
      true,
      (repo: string) => {
        server.commit(
          repo,
          BRANCH,
          { [APP]: application('1.1.5') },
          {
            author: BOB,
            message: 'Hotfix'
          }
        )
      }
    ],
    [
      'Bob made the branch and quoted the pin',
      false,
      (repo: string) => {
        server.commit(
          repo,
          BRANCH,
          { [APP]: application("'1.0.0'") },
          {
            author: BOB,
            from: 'main'
          }
        )
      }
    ]
  ])(
    'is left alone with a warning when the bump does not apply (%s)',
    async (_, releaseFirst, edit) => {
      const repo = newRepo()
      if (releaseFirst) await release(repo, '1.1.0')
      edit(repo)
      const head = server.head(repo, BRANCH)
      const before = server.requests.length

      const result = await release(repo, '1.2.0')

      expect(result).toMatchObject({
        operation: 'left-alone',
        headSha: head,
        keptCommits: 1
      })
      expect(result.warning).toBe(
        `Branch '${BRANCH}' in ${repo} has commits by Bob Builder <bob@example.com>, ` +
          `and the bump to 1.2.0 does not apply on top of them: they change the ` +
          `same lines of ${APP}. The branch was left alone. Update it by hand, or ` +
          'merge or close its pull request and delete the branch so that the next ' +
          'release starts it afresh.'
      )
      expect(server.head(repo, BRANCH)).toBe(head)
      expect(pushesSince(before)).toBe(0)
    }
  )
})

describe('a push that loses a race', () => {
  test('is retried after fetching the branch again, keeping the commit that won', async () => {
    const repo = newRepo()
    const first = await release(repo, '1.1.0')
    let bob = ''
    const result = await release(repo, '1.2.0', {
      beforePush: attempt => {
        if (attempt === 1) {
          bob = server.commit(
            repo,
            BRANCH,
            { [VALUES]: 'replicas: 2\n' },
            {
              author: BOB
            }
          )
        }
      }
    })

    expect(result).toMatchObject({
      operation: 'updated',
      attempts: 2,
      keptCommits: 1
    })
    const commits = server.commits(repo, BRANCH, 'main').map(c => c.sha)
    expect(commits).toEqual([result.headSha, bob, first.headSha])
    expect(server.readFile(repo, BRANCH, APP)).toBe(application('1.2.0'))
    expect(server.readFile(repo, BRANCH, VALUES)).toBe('replicas: 2\n')
  })

  test('is retried when someone creates the branch first', async () => {
    const repo = newRepo()
    const result = await release(repo, '1.1.0', {
      beforePush: attempt => {
        if (attempt === 1) {
          server.commit(
            repo,
            BRANCH,
            { 'notes.md': 'wip\n' },
            {
              author: BOB,
              from: 'main'
            }
          )
        }
      }
    })

    expect(result).toMatchObject({ operation: 'updated', attempts: 2 })
    expect(server.readFile(repo, BRANCH, 'notes.md')).toBe('wip\n')
    expect(server.readFile(repo, BRANCH, APP)).toBe(application('1.1.0'))
  })

  test('fails with a clear error when it keeps losing', async () => {
    const repo = newRepo()
    await release(repo, '1.1.0')
    let pushes = 0
    const error = await release(repo, '1.2.0', {
      beforePush: () => {
        pushes++
        server.commit(
          repo,
          BRANCH,
          { [VALUES]: `replicas: ${pushes}\n` },
          {
            author: BOB
          }
        )
      }
    }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `Could not push branch '${BRANCH}' to ${repo}: it changed while it was ` +
        'being updated, 3 times in a row. Something else keeps pushing to it: ' +
        "give 'gitops-branch' a branch of its own, or re-run the job."
    )
    expect(pushes).toBe(3)
    expect(server.readFile(repo, BRANCH, APP)).toBe(application('1.1.0'))
  })
})

describe('inputs', () => {
  test.each([
    [
      { branch: 'main' },
      "Input 'gitops-branch' is 'main', the same as 'gitops-base-branch'"
    ],
    [{ branch: 'bump webapp' }, "Input 'gitops-branch': 'bump webapp'"],
    [{ baseBranch: '-main' }, "Input 'gitops-base-branch': '-main'"],
    [
      { files: new Map([['../escape.yaml', 'x']]) },
      "Input 'gitops-paths': the file path '../escape.yaml'"
    ]
  ])('refuses %j before pushing anything', async (options, message) => {
    const repo = newRepo()
    const before = server.requests.length
    await expect(release(repo, '1.1.0', options)).rejects.toThrow(message)
    expect(pushesSince(before)).toBe(0)
    expect(server.head(repo, BRANCH)).toBeUndefined()
  })
})

describe('readBranchFiles', () => {
  test('reads the branch’s files for the never-downgrade check', async () => {
    const repo = newRepo()
    const git = await Git.create({
      serverUrl: server.url,
      repository: repo,
      token: TOKEN,
      env: dirs.env,
      inputNames: GITOPS_INPUTS
    })
    try {
      await git.clone('main')
      expect(await readBranchFiles(git, BRANCH, [APP])).toBeUndefined()
      server.commit(
        repo,
        BRANCH,
        { [APP]: application('2.0.0') },
        {
          author: BOB,
          from: 'main'
        }
      )
      const files = await readBranchFiles(git, BRANCH, [APP, 'missing.yaml'])
      expect(files).toEqual(new Map([[APP, application('2.0.0')]]))
    } finally {
      git.remove()
    }
  })
})
