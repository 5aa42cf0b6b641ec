// A GitHub-like git server for tests: bare repositories under a temp root,
// served over smart HTTP by git's own `git http-backend` (run as CGI) behind a
// node:http server that requires Basic auth with one token, like GitHub's
// `x-access-token:<token>`. URLs look like GitHub's: <url>/<owner>/<repo>.git.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { removeDir, tempDir } from './paths.js'

/** A commit author or committer. */
export interface Person {
  name: string
  email: string
}

export const ALICE: Person = { name: 'Alice Admin', email: 'alice@example.com' }
export const BOB: Person = { name: 'Bob Builder', email: 'bob@example.com' }

/** One HTTP request the server saw. */
export interface GitRequest {
  method: string
  /** The URL path, e.g. /org/gitops.git/info/refs. */
  path: string
  /** `service=` of info/refs, or the service a POST went to. */
  service?: string
  /** How many Authorization headers it carried. */
  authHeaders: number
  /** Whether it carried exactly one header with the right token. */
  authValid: boolean
  status: number
}

/** A commit on a branch, newest first. */
export interface BranchCommit {
  sha: string
  parents: string[]
  authorEmail: string
  committerEmail: string
  subject: string
}

export interface CommitOptions {
  author: Person
  /** Defaults to the author. */
  committer?: Person
  message?: string
  /** Where a new branch starts (a branch or commit); required when `branch` does not exist. */
  from?: string
}

export interface GitServer {
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string
  token: string
  /** Every request, in order. */
  requests: GitRequest[]
  /** The URL a client clones, e.g. <url>/org/gitops.git. */
  repoUrl(repository: string): string
  /** Creates a bare repository with one commit of `files` on `branch`. Returns the commit. */
  createRepo(
    repository: string,
    branch: string,
    files: Record<string, string | Uint8Array>,
    author?: Person
  ): string
  /** Adds a commit on `branch` (null deletes a file). Returns the commit. */
  commit(
    repository: string,
    branch: string,
    files: Record<string, string | null>,
    options: CommitOptions
  ): string
  /**
   * Adds a commit on the existing `branch` for each of `series` (files as in
   * `commit`), in one git process however many there are: a base that
   * moves on by many commits costs one process, not ten per commit, so the
   * test's time does not grow with the machine's load. Returns the last.
   */
  commitMany(
    repository: string,
    branch: string,
    series: readonly Record<string, string | null>[],
    options: CommitOptions
  ): string
  /** The commit a branch points at, or undefined. */
  head(repository: string, branch: string): string | undefined
  /** A file at a branch or commit, or undefined. */
  readFile(repository: string, ref: string, file: string): string | undefined
  /** Commits on `branch` not on `base` (all when `base` is omitted), newest first. */
  commits(repository: string, branch: string, base?: string): BranchCommit[]
  /** The bare repository's folder. */
  barePath(repository: string): string
  stop(): Promise<void>
}

const GIT_CORE = execFileSync('git', ['--exec-path'], {
  encoding: 'utf8'
}).trim()
// The real git, by absolute path: tests may put a logging wrapper first on PATH.
const REAL_GIT = path.join(GIT_CORE, 'git')
const HTTP_BACKEND = path.join(GIT_CORE, 'git-http-backend')

/** Starts the server; requests need `x-access-token:<token>`. */
export async function startGitServer(token: string): Promise<GitServer> {
  const root = tempDir('hor-git-server-')
  const home = path.join(root, 'home')
  const repos = path.join(root, 'repos')
  fs.mkdirSync(home)
  fs.mkdirSync(repos)
  // Git for the seeding commands and the CGI: no user or system config.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C'
  }
  const requests: GitRequest[] = []
  const server = http.createServer((req, res) => {
    serve(req, res, { token, repos, env, requests })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const git = (args: string[], cwd?: string, extra = {}): string =>
    execFileSync(REAL_GIT, args, {
      cwd,
      env: { ...env, ...extra },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    })
  const barePath = (repository: string) => path.join(repos, `${repository}.git`)
  const head = (repository: string, branch: string) => {
    try {
      const ref = `refs/heads/${branch}`
      return git(['rev-parse', '--verify', ref], barePath(repository)).trim()
    } catch {
      return undefined
    }
  }
  return {
    url,
    token,
    requests,
    repoUrl: repository => `${url}/${repository}.git`,
    barePath,
    createRepo(repository, branch, files, author = ALICE) {
      const bare = barePath(repository)
      fs.mkdirSync(bare, { recursive: true })
      git(['init', '--quiet', '--bare', bare])
      git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], bare)
      return commitFiles(git, bare, branch, files, {
        author,
        message: 'Initial commit',
        from: ''
      })
    },
    commit(repository, branch, files, options) {
      return commitFiles(git, barePath(repository), branch, files, options)
    },
    commitMany(repository, branch, series, options) {
      const start = head(repository, branch)
      if (!start) throw new Error(`commitMany: no branch ${branch}`)
      execFileSync(REAL_GIT, ['fast-import', '--quiet'], {
        cwd: barePath(repository),
        env,
        input: fastImport(branch, start, series, options),
        stdio: ['pipe', 'pipe', 'pipe']
      })
      return head(repository, branch) ?? ''
    },
    head,
    readFile(repository, ref, file) {
      try {
        return git(['cat-file', 'blob', `${ref}:${file}`], barePath(repository))
      } catch {
        return undefined
      }
    },
    commits(repository, branch, base) {
      const range = base ? [`${base}..${branch}`] : [branch]
      const format = '--format=%H%x1f%P%x1f%ae%x1f%ce%x1f%s'
      const out = git(['log', format, ...range, '--'], barePath(repository))
      return out
        .split('\n')
        .filter(Boolean)
        .map(line => {
          const [sha, parents, authorEmail, committerEmail, subject] =
            line.split('\x1f')
          return {
            sha,
            parents: parents.split(' ').filter(Boolean),
            authorEmail,
            committerEmail,
            subject
          }
        })
    },
    async stop() {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
      removeDir(root)
    }
  }
}

type RunGit = (args: string[], cwd?: string, env?: object) => string

/** Commits files on a branch of a bare repository through a scratch clone. */
function commitFiles(
  git: RunGit,
  bare: string,
  branch: string,
  files: Record<string, string | Uint8Array | null>,
  options: CommitOptions
): string {
  const work = tempDir('hor-git-seed-')
  try {
    git(['init', '--quiet', work])
    git(['fetch', '--quiet', bare, '+refs/heads/*:refs/remotes/origin/*'], work)
    const exists = git(['branch', '-r', '--list', `origin/${branch}`], work)
    const start = exists.trim()
      ? `origin/${branch}`
      : options.from
        ? resolveStart(git, work, options.from)
        : undefined
    if (start) git(['checkout', '--quiet', '-B', branch, start], work)
    else git(['checkout', '--quiet', '--orphan', branch], work)
    for (const [file, text] of Object.entries(files)) {
      const target = path.join(work, file)
      if (text === null) fs.rmSync(target, { force: true })
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true })
        fs.writeFileSync(target, text)
      }
    }
    git(['add', '--all'], work)
    const committer = options.committer ?? options.author
    git(
      ['commit', '--quiet', '--allow-empty', '-m', options.message ?? 'Edit'],
      work,
      {
        GIT_AUTHOR_NAME: options.author.name,
        GIT_AUTHOR_EMAIL: options.author.email,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email
      }
    )
    git(['push', '--quiet', '--force', bare, `HEAD:refs/heads/${branch}`], work)
    return git(['rev-parse', 'HEAD'], work).trim()
  } finally {
    removeDir(work)
  }
}

/** `git fast-import`'s stream for `series` of commits on `branch` after `start`. */
function fastImport(
  branch: string,
  start: string,
  series: readonly Record<string, string | null>[],
  options: CommitOptions
): Buffer {
  // The bytes are counted; the line break after them is optional.
  const data = (text: string): string =>
    `data ${Buffer.byteLength(text)}\n${text}`
  const person = (who: Person): string =>
    `${who.name} <${who.email}> ${Math.floor(Date.now() / 1000)} +0000`
  const stream = series.map((files, i) =>
    [
      `commit refs/heads/${branch}`,
      `author ${person(options.author)}`,
      `committer ${person(options.committer ?? options.author)}`,
      data(options.message ?? 'Edit'),
      ...(i === 0 ? [`from ${start}`] : []),
      ...Object.entries(files).map(([file, text]) =>
        text === null ? `D ${file}` : `M 100644 inline ${file}\n${data(text)}`
      ),
      ''
    ].join('\n')
  )
  return Buffer.from(stream.join('\n'))
}

function resolveStart(git: RunGit, work: string, from: string): string {
  const remote = `origin/${from}`
  const exists = git(['branch', '-r', '--list', remote], work).trim()
  return exists ? remote : from
}

interface ServeContext {
  token: string
  repos: string
  env: Record<string, string>
  requests: GitRequest[]
}

/** Answers one request: checks auth like GitHub, then runs http-backend. */
function serve(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  context: ServeContext
): void {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const headers = authorizationHeaders(req)
  const expected = Buffer.from(`x-access-token:${context.token}`).toString(
    'base64'
  )
  const valid =
    headers.length === 1 &&
    /^basic\s+(\S+)$/i.exec(headers[0])?.[1] === expected
  const record: GitRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    service:
      url.searchParams.get('service') ??
      /\/(git-[a-z-]+)$/.exec(url.pathname)?.[1],
    authHeaders: headers.length,
    authValid: valid,
    status: 0
  }
  context.requests.push(record)
  // GitHub answers 400 to a request with two Authorization headers.
  if (headers.length > 1)
    return reply(res, record, 400, 'Duplicate header: "Authorization"\n')
  if (!valid) {
    res.setHeader('WWW-Authenticate', 'Basic realm="GitHub"')
    return reply(res, record, 401, 'Invalid username or token.\n')
  }
  runBackend(req, res, url, record, context)
}

function reply(
  res: http.ServerResponse,
  record: GitRequest,
  status: number,
  body: string
): void {
  record.status = status
  res.writeHead(status, { 'Content-Type': 'text/plain' })
  res.end(body)
}

/** All Authorization header values, including duplicates Node would merge or drop. */
function authorizationHeaders(req: http.IncomingMessage): string[] {
  const values: string[] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'authorization')
      values.push(req.rawHeaders[i + 1])
  }
  return values
}

function runBackend(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  record: GitRequest,
  context: ServeContext
): void {
  const header = (name: string) => {
    const value = req.headers[name]
    return Array.isArray(value) ? value.join(', ') : (value ?? '')
  }
  const cgiEnv: Record<string, string> = {
    ...context.env,
    GIT_PROJECT_ROOT: context.repos,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: header('content-type'),
    REMOTE_USER: 'x-access-token',
    REMOTE_ADDR: '127.0.0.1',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true'
  }
  if (req.headers['content-length'])
    cgiEnv.CONTENT_LENGTH = header('content-length')
  if (req.headers['content-encoding'])
    cgiEnv.HTTP_CONTENT_ENCODING = header('content-encoding')
  if (req.headers['git-protocol'])
    cgiEnv.HTTP_GIT_PROTOCOL = header('git-protocol')
  const child = spawn(HTTP_BACKEND, [], { env: cgiEnv })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
  child.stdin.on('error', () => undefined)
  req.pipe(child.stdin)
  child.on('error', error => reply(res, record, 500, `${error.message}\n`))
  child.on('close', () => {
    const response = parseCgi(Buffer.concat(out))
    if (!response) {
      return reply(
        res,
        record,
        500,
        Buffer.concat(err).toString() || 'No CGI output\n'
      )
    }
    record.status = response.status
    res.writeHead(response.status, response.headers)
    res.end(response.body)
  })
}

interface CgiResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/** Splits CGI output into the Status line, headers and body. */
function parseCgi(output: Buffer): CgiResponse | undefined {
  const crlf = output.indexOf('\r\n\r\n')
  const lf = output.indexOf('\n\n')
  const [end, gap] =
    crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : lf >= 0 ? [lf, 2] : [-1, 0]
  if (end < 0) return undefined
  const headers: Record<string, string> = {}
  let status = 200
  for (const line of output.subarray(0, end).toString().split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const name = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10)
    else headers[name] = value
  }
  return { status, headers, body: output.subarray(end + gap) }
}

/** Folders a runner gives a job, fresh for a test: RUNNER_TEMP, the workspace and HOME. */
export interface RunnerDirs {
  runnerTemp: string
  workspace: string
  home: string
  /** process.env with those three set (and no global git config of the host's). */
  env: NodeJS.ProcessEnv
  remove(): void
}

export function runnerDirs(): RunnerDirs {
  const root = tempDir('hor-runner-')
  const [runnerTemp, workspace, home] = ['temp', 'workspace', 'home'].map(
    name => path.join(root, name)
  )
  for (const dir of [runnerTemp, workspace, home]) fs.mkdirSync(dir)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config')
  }
  delete env.GIT_CONFIG_GLOBAL
  delete env.GIT_CONFIG_COUNT
  return { runnerTemp, workspace, home, env, remove: () => removeDir(root) }
}

export { filesContaining } from './action-runner.js'
