// The git wrapper against a real git server over smart HTTP: authentication
// through the environment only, what a wrong token looks like, and the
// validation of everything that reaches git's command line.
import { execFile, execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { Git } from '../../src/github/git.js'
import { GITOPS_INPUTS } from '../../src/inputs/gitops.js'
import { updateBranch } from '../../src/gitops/branch.js'
import {
  BOB,
  filesContaining,
  runnerDirs,
  startGitServer,
  type GitServer,
  type RunnerDirs
} from '../helpers/git-server.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const TOKEN = `ghs_${crypto.randomBytes(18).toString('hex')}`
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')
const REPO = 'acme/gitops'
const VALUES = 'apps/webapp/values.yaml'
const REAL_GIT = path.join(
  execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(),
  'git'
)

let server: GitServer
let dirs: RunnerDirs
const clones: Git[] = []

beforeAll(async () => {
  server = await startGitServer(TOKEN)
  server.createRepo(REPO, 'main', {
    [VALUES]: 'image:\n  tag: 1.0.0\n',
    'README.md': '# GitOps\n'
  })
})

afterAll(async () => {
  await server?.stop()
})

afterEach(() => {
  for (const git of clones.splice(0)) git.remove()
  dirs?.remove()
})

async function gitFor(
  options: { token?: string; repository?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<Git> {
  dirs = runnerDirs()
  const git = await Git.create({
    serverUrl: server.url,
    repository: options.repository ?? REPO,
    token: options.token ?? TOKEN,
    env: { ...dirs.env, ...options.env },
    inputNames: GITOPS_INPUTS
  })
  clones.push(git)
  return git
}

describe('clone', () => {
  test('clones the base branch, shallow, into RUNNER_TEMP with a plain remote URL', async () => {
    const git = await gitFor()
    const sha = await git.clone('main')

    expect(sha).toBe(server.head(REPO, 'main'))
    expect(git.dir.startsWith(dirs.runnerTemp + path.sep)).toBe(true)
    expect(fs.readFileSync(path.join(git.dir, VALUES), 'utf8')).toBe(
      'image:\n  tag: 1.0.0\n'
    )
    const remote = execFileSync(REAL_GIT, ['remote', 'get-url', 'origin'], {
      cwd: git.dir,
      encoding: 'utf8'
    })
    expect(remote.trim()).toBe(server.repoUrl(REPO))
    expect(fs.existsSync(path.join(git.dir, '.git', 'shallow'))).toBe(true)
    expect(server.requests.every(r => r.authValid)).toBe(true)
  })

  test.each([
    ['a wrong token', 'ghs_not-the-token'],
    ['no token', '']
  ])(
    'refuses %s with an error naming the repository, without prompting',
    async (_, token) => {
      const git = await gitFor({ token })
      const before = server.requests.length
      const error = await git.clone('main').catch((e: unknown) => e)

      expect(error).toBeInstanceOf(UserError)
      const message = (error as Error).message
      expect(message).toContain(`GitOps repository ${REPO}`)
      expect(message).toContain("'gitops-token'")
      expect(message).toContain('terminal prompts disabled')
      // Counted, not timed: one request, refused, and git stops there
      // (a prompt would wait for an answer that never comes).
      expect(server.requests.slice(before).map(r => r.status)).toEqual([401])
      // Nothing is left behind in RUNNER_TEMP after a failed clone.
      expect(fs.readdirSync(dirs.runnerTemp)).toEqual([])
    },
    30_000
  )

  test('names the repository input when the repository does not exist', async () => {
    const git = await gitFor({ repository: 'acme/missing' })
    await expect(git.clone('main')).rejects.toThrow(
      /GitOps repository acme\/missing .* was not found.*'gitops-repository'/
    )
  })

  test('names the base-branch input when the branch does not exist', async () => {
    const git = await gitFor()
    await expect(git.clone('production')).rejects.toThrow(
      "Branch 'production' does not exist in acme/gitops. Check 'gitops-base-branch'"
    )
  })
})

describe('the token stays out of argv, URLs and files', () => {
  let binDir: string
  let argvLog: string
  const savedPath = process.env.PATH

  beforeAll(() => {
    // A `git` first on PATH that logs its arguments, then runs the real git.
    binDir = tempDir('hor-git-wrapper-')
    argvLog = path.join(binDir, 'argv.log')
    fs.writeFileSync(
      path.join(binDir, 'git'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${REAL_GIT}' "$@"\n`,
      { mode: 0o755 }
    )
    process.env.PATH = `${binDir}${path.delimiter}${savedPath}`
  })

  afterAll(() => {
    process.env.PATH = savedPath
    removeDir(binDir)
  })

  test('a whole run: clone, fetch, commit, push', async () => {
    const git = await gitFor()
    expect(git.binary).toBe(path.join(binDir, 'git'))
    await git.clone('main')
    const result = await updateBranch(git, {
      baseBranch: 'main',
      branch: 'bump/webapp',
      files: new Map([[VALUES, 'image:\n  tag: 1.1.0\n']]),
      message: 'Bump webapp to 1.1.0'
    })
    expect(result.operation).toBe('created')
    expect(await git.lsRemote('bump/webapp')).toBe(result.headSha)

    const secrets = [TOKEN, BASIC, `x-access-token:${TOKEN}`]
    const argv = fs.readFileSync(argvLog, 'utf8')
    expect(argv).toContain('clone --depth=1 --single-branch --no-tags')
    expect(argv).toMatch(/^push --porcelain/m)
    for (const secret of secrets) expect(argv).not.toContain(secret)
    for (const dir of [dirs.runnerTemp, dirs.workspace, dirs.home])
      expect(filesContaining(dir, secrets)).toEqual([])
    const config = fs.readFileSync(path.join(git.dir, '.git', 'config'), 'utf8')
    expect(config).toContain(`url = ${server.repoUrl(REPO)}\n`)
    expect(config).not.toMatch(/extraheader|x-access-token/i)
    // Every request carried exactly the one valid header.
    const requests = server.requests.slice(-6)
    expect(requests.map(r => [r.authHeaders, r.authValid])).toEqual(
      requests.map(() => [1, true])
    )
  })
})

describe('a global extraheader left by actions/checkout', () => {
  const stale = Buffer.from('x-access-token:ghs_checkout').toString('base64')

  function globalConfig(): string {
    const file = path.join(tempDir('hor-gitconfig-'), '.gitconfig')
    fs.writeFileSync(
      file,
      `[http "${server.url}/"]\n\textraheader = AUTHORIZATION: basic ${stale}\n`
    )
    return file
  }

  test('without the reset, git would send two Authorization headers (control)', async () => {
    const config = globalConfig()
    const first = server.requests.length
    // Asynchronous: the server runs in this process.
    const run = promisify(execFile)(
      REAL_GIT,
      ['ls-remote', server.repoUrl(REPO)],
      {
        env: {
          ...process.env,
          GIT_CONFIG_GLOBAL: config,
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: `http.${server.url}/.extraheader`,
          GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${BASIC}`
        }
      }
    )
    await expect(run).rejects.toThrow(/400/)
    expect(server.requests[first].authHeaders).toBe(2)
    removeDir(path.dirname(config))
  })

  test('sends only the action’s header: clone, ls-remote and push work', async () => {
    const config = globalConfig()
    const first = server.requests.length
    const git = await gitFor({ env: { GIT_CONFIG_GLOBAL: config } })
    await git.clone('main')
    await git.checkout('checkout-test', 'HEAD')
    git.writeFiles(new Map([['notes.txt', 'hello\n']]))
    await git.add(['notes.txt'])
    const sha = await git.commit('Add notes')
    expect(await git.push('checkout-test', sha, undefined)).toBe('pushed')
    expect(await git.lsRemote('checkout-test')).toBe(sha)

    const seen = server.requests.slice(first)
    expect(seen.length).toBeGreaterThanOrEqual(4)
    for (const request of seen) {
      expect(request).toMatchObject({ authHeaders: 1, authValid: true })
    }
    expect(seen.map(r => r.service)).toContain('git-receive-pack')
    removeDir(path.dirname(config))
  })
})

describe('commands', () => {
  test('show and fetchBranch read a remote branch; a missing one is undefined', async () => {
    server.commit(
      REPO,
      'feature',
      { [VALUES]: 'image:\n  tag: 2.0.0\n' },
      {
        author: BOB,
        from: 'main'
      }
    )
    const git = await gitFor()
    await git.clone('main')

    expect(await git.fetchBranch('nope')).toBeUndefined()
    const head = await git.fetchBranch('feature')
    expect(head).toBe(server.head(REPO, 'feature'))
    expect(await git.show('refs/remotes/origin/feature', VALUES)).toBe(
      'image:\n  tag: 2.0.0\n'
    )
    expect(await git.show('refs/remotes/origin/feature', 'nope.yaml')).toBe(
      undefined
    )
    const [commit] = await git.commitsBetween(
      'HEAD',
      'refs/remotes/origin/feature'
    )
    expect(commit).toMatchObject({
      sha: head,
      authorEmail: BOB.email,
      committerEmail: BOB.email,
      subject: 'Edit'
    })
  })

  test('diff prints a unified diff of the bump', async () => {
    const git = await gitFor()
    await git.clone('main')
    git.writeFiles(new Map([[VALUES, 'image:\n  tag: 1.2.0\n']]))
    const diff = await git.diff('HEAD')
    expect(diff).toContain(`--- a/${VALUES}\n+++ b/${VALUES}\n`)
    expect(diff).toContain('-  tag: 1.0.0\n+  tag: 1.2.0\n')
  })

  test('a push whose lease no longer holds is rejected, and the branch is kept', async () => {
    const git = await gitFor()
    await git.clone('main')
    const theirs = server.commit(
      REPO,
      'lease',
      { 'a.txt': 'theirs\n' },
      {
        author: BOB,
        from: 'main'
      }
    )
    await git.checkout('lease', 'HEAD')
    git.writeFiles(new Map([['a.txt', 'mine\n']]))
    await git.add(['a.txt'])
    const mine = await git.commit('Mine')

    // Expecting the branch not to exist, or at another commit: both refused.
    expect(await git.push('lease', mine, undefined)).toBe('rejected')
    expect(await git.push('lease', mine, mine)).toBe('rejected')
    expect(server.head(REPO, 'lease')).toBe(theirs)
    expect(await git.push('lease', mine, theirs)).toBe('pushed')
    expect(server.head(REPO, 'lease')).toBe(mine)
  })

  test('refuses to write through a symbolic link', async () => {
    const git = await gitFor()
    await git.clone('main')
    fs.symlinkSync(dirs.home, path.join(git.dir, 'apps', 'link'))
    expect(() =>
      git.writeFiles(new Map([['apps/link/values.yaml', 'x']]))
    ).toThrow(
      /'apps\/link\/values.yaml' in acme\/gitops goes through a symbolic link/
    )
    expect(fs.readdirSync(dirs.home)).toEqual([])
  })
})

describe('validation of what reaches git', () => {
  test('Git.create refuses an invalid repository before running git', async () => {
    await expect(
      Git.create({
        serverUrl: server.url,
        repository: 'acme/a b',
        token: TOKEN,
        inputNames: GITOPS_INPUTS
      })
    ).rejects.toThrow("Input 'gitops-repository': 'acme/a b'")
  })

  test('commands refuse invalid names before running git', async () => {
    const git = await gitFor()
    await expect(git.clone('main; rm -rf /')).rejects.toThrow(
      "Input 'gitops-base-branch': 'main; rm -rf /'"
    )
    expect(fs.readdirSync(dirs.runnerTemp)).toEqual([])
    await git.clone('main')
    await expect(git.fetchBranch('--upload-pack=touch /tmp/x')).rejects.toThrow(
      "Input 'gitops-branch'"
    )
    await expect(git.show('HEAD', '../x')).rejects.toThrow(
      "Input 'gitops-paths'"
    )
  })
  test('file names are taken literally: never a glob or pathspec magic', async () => {
    const git = await gitFor()
    await git.clone('main')
    const staged = (): string =>
      execFileSync('git', ['diff', '--cached', '--name-only'], {
        cwd: git.dir,
        encoding: 'utf8'
      })
    const magic = ':(exclude)apps'
    git.writeFiles(
      new Map([
        [VALUES, 'image:\n  tag: 9.9.9\n'],
        ['README.md', '# changed\n'],
        [magic, 'a file with a strange name\n']
      ])
    )
    // As magic, it would stage every change outside apps/ (README.md).
    await git.add([magic])
    expect(staged()).toBe(`${magic}\n`)
    expect(await git.diff('HEAD', undefined, [magic])).not.toContain('9.9.9')
    // A file removed: as a glob, its name would stage apps/webapp/values.yaml.
    git.writeFiles(new Map([['apps/*.yaml', null]]))
    await expect(git.add(['apps/*.yaml'])).rejects.toThrow(
      /did not match any files/
    )
    expect(staged()).toBe(`${magic}\n`)
  })

  test.each([
    ['--output=/tmp/x', (git: Git, ref: string) => git.revParse(ref)],
    ['-p', (git: Git, ref: string) => git.show(ref, VALUES)],
    ['HEAD..main', (git: Git, ref: string) => git.commitsBetween(ref, 'HEAD')],
    ['--orphan', (git: Git, ref: string) => git.checkout('topic', ref)]
  ])('a revision %j is never handed to git', async (ref, use) => {
    const git = await gitFor()
    await git.clone('main')
    await expect(use(git, ref)).rejects.toThrow(
      `git was handed a revision it must not take: ${JSON.stringify(ref)}`
    )
  })
})
