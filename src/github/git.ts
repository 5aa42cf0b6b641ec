// The git command line, for the GitOps repository. Every call goes through
// `exec` as an argument array. The token never reaches argv, the remote URL or
// .git/config: it travels in the child's environment as an `http.extraheader`
// (GIT_CONFIG_COUNT/KEY/VALUE), which git reads like a `-c` option.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import * as exec from '@actions/exec'
import * as io from '@actions/io'
import { UserError } from '../errors.js'
import { childEnv } from '../process-env.js'
import { withCommandsStopped } from '../relay.js'

/** The inputs whose values reach git; errors name them. */
export const GITOPS_INPUTS = {
  repository: 'gitops-repository',
  branch: 'gitops-branch',
  baseBranch: 'gitops-base-branch',
  token: 'gitops-token',
  paths: 'gitops-paths'
} as const

/** A commit author or committer. */
export interface Identity {
  name: string
  email: string
}

/** GitHub's identity for commits made with GITHUB_TOKEN. */
export const BOT_IDENTITY: Identity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}

/** One commit, as `Git.commitsBetween` lists it. */
export interface CommitInfo {
  sha: string
  parents: string[]
  authorName: string
  authorEmail: string
  committerEmail: string
  subject: string
}

/** What a cherry-pick or revert did; `conflicts` lists files when it failed. */
export interface ApplyResult {
  applied: boolean
  conflicts: string[]
}

/** `rejected`: the lease did not hold (someone pushed first): refetch and retry. */
export type PushOutcome = 'pushed' | 'rejected'

export interface GitOptions {
  /** The GitHub server, e.g. https://github.com (GITHUB_SERVER_URL). */
  serverUrl: string
  /** `owner/repo` of the GitOps repository. */
  repository: string
  /** Token with contents: write; empty means anonymous. */
  token: string
  /** The environment children inherit (default: process.env). */
  env?: NodeJS.ProcessEnv
}

interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

interface RunOptions {
  cwd?: string
  input?: string
  env?: Record<string, string>
}

// Variables that would point git at another repository or index than ours.
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_COMMON_DIR'
]

const LOG_FORMAT = '%H%x1f%P%x1f%an%x1f%ae%x1f%ce%x1f%s%x1e'

/**
 * A clone of the GitOps repository and the git commands the GitOps step
 * needs, one method per subcommand.
 */
export class Git {
  readonly repository: string
  /** The repository URL, without credentials. */
  readonly remoteUrl: string
  private readonly env: Record<string, string>
  private readonly tempRoot: string
  private cloneDir?: string

  private constructor(
    readonly binary: string,
    options: GitOptions
  ) {
    const base = options.env ?? process.env
    const server = normalizeServerUrl(options.serverUrl)
    this.repository = validateRepository(options.repository)
    this.remoteUrl = `${server}/${this.repository}.git`
    this.env = gitEnv(server, options.token, base)
    this.tempRoot = base.RUNNER_TEMP || os.tmpdir()
  }

  /**
   * Finds `git` on PATH and checks the repository and server URL.
   * @throws UserError for an invalid `gitops-repository` or server URL.
   */
  static async create(options: GitOptions): Promise<Git> {
    maskToken(options.token)
    const binary = await io.which('git', true)
    return new Git(binary, options)
  }

  /** The working tree of the clone. */
  get dir(): string {
    if (!this.cloneDir) throw new Error('The GitOps repository is not cloned.')
    return this.cloneDir
  }

  /**
   * Clones one branch, shallow and without tags, into a new folder under
   * RUNNER_TEMP (outside the workspace). Returns the branch's commit.
   * @throws UserError when the repository, the token or the branch is wrong.
   */
  async clone(baseBranch: string): Promise<string> {
    validateBranchName(baseBranch, GITOPS_INPUTS.baseBranch)
    const dir = fs.mkdtempSync(
      path.join(this.tempRoot, 'helm-oci-release-gitops-')
    )
    const args = ['clone', '--depth=1', '--single-branch', '--no-tags']
    args.push('--branch', baseBranch, '--', this.remoteUrl, dir)
    const result = await this.run(args, { cwd: this.tempRoot })
    if (result.exitCode !== 0) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw this.remoteError('clone', result, baseBranch)
    }
    this.cloneDir = dir
    return this.requireCommit('HEAD')
  }

  /** Deletes the clone. */
  remove(): void {
    if (this.cloneDir)
      fs.rmSync(this.cloneDir, { recursive: true, force: true })
    this.cloneDir = undefined
  }

  /** The commit a remote branch points at, or undefined when it does not exist. */
  async lsRemote(branch: string): Promise<string | undefined> {
    validateBranchName(branch, GITOPS_INPUTS.branch)
    const ref = `refs/heads/${branch}`
    const result = await this.run(['ls-remote', 'origin', ref])
    if (result.exitCode !== 0) throw this.remoteError('ls-remote', result)
    const line = result.stdout
      .split('\n')
      .map(l => l.split('\t'))
      .find(([, name]) => name === ref)
    return line?.[0]
  }

  /**
   * Fetches a branch into refs/remotes/origin/<branch> (shallow by default).
   * Returns its commit, or undefined (and drops the stale local ref) when the
   * branch does not exist.
   */
  async fetchBranch(branch: string, depth = 1): Promise<string | undefined> {
    validateBranchName(branch, GITOPS_INPUTS.branch)
    const args = ['fetch', '--no-tags', `--depth=${depth}`, 'origin']
    args.push(`+refs/heads/${branch}:${remoteRef(branch)}`)
    const result = await this.run(args)
    if (result.exitCode === 0) return this.requireCommit(remoteRef(branch))
    if (/couldn't find remote ref/i.test(result.stderr)) {
      await this.run(['update-ref', '-d', remoteRef(branch)])
      return undefined
    }
    throw this.remoteError('fetch', result)
  }

  /**
   * Fetches the last `depth` commits of both branches, so their merge base
   * (where the branch left the base) becomes visible in the shallow clone.
   */
  async fetchHistory(
    baseBranch: string,
    branch: string,
    depth: number
  ): Promise<void> {
    validateBranchName(baseBranch, GITOPS_INPUTS.baseBranch)
    validateBranchName(branch, GITOPS_INPUTS.branch)
    const refspecs = [baseBranch, branch].map(
      b => `+refs/heads/${b}:${remoteRef(b)}`
    )
    const args = ['fetch', '--no-tags', `--depth=${depth}`, 'origin']
    const result = await this.run([...args, ...refspecs])
    if (result.exitCode !== 0) throw this.remoteError('fetch', result)
  }

  /** The best common ancestor of two commits, if the clone holds one. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.run(['merge-base', a, b])
    return result.exitCode === 0 ? result.stdout.trim() : undefined
  }

  /** The commit a ref names, or undefined. */
  async revParse(ref: string): Promise<string | undefined> {
    const args = ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]
    const result = await this.run(args)
    return result.exitCode === 0 ? result.stdout.trim() : undefined
  }

  /** The tree of a commit, or of the index when `ref` is omitted. */
  async tree(ref?: string): Promise<string> {
    const args = ref ? ['rev-parse', `${ref}^{tree}`] : ['write-tree']
    return (await this.check(args)).stdout.trim()
  }

  /** Commits reachable from `head` but not from `base`, newest first. */
  async commitsBetween(base: string, head: string): Promise<CommitInfo[]> {
    const args = ['log', `--format=${LOG_FORMAT}`, `${base}..${head}`, '--']
    const result = await this.check(args)
    return parseLog(result.stdout)
  }

  /** `checkout --force -B`: the local branch at `start`, local changes dropped. */
  async checkout(branch: string, start: string): Promise<void> {
    validateBranchName(branch, GITOPS_INPUTS.branch)
    await this.check(['checkout', '--force', '-B', branch, start, '--'])
  }

  /**
   * Writes files into the working tree. Refuses paths that leave the clone or
   * go through a symbolic link. Bytes are written as they are (a file need not be UTF-8).
   */
  writeFiles(files: ReadonlyMap<string, string | Uint8Array>): void {
    for (const [file, text] of files) {
      const target = this.insideClone(file)
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, text)
    }
  }

  /** `git add` of the given files. */
  async add(files: readonly string[]): Promise<void> {
    for (const file of files) validateFilePath(file)
    if (files.length > 0) await this.check(['add', '--', ...files])
  }

  /** Whether the index differs from HEAD. */
  async hasStagedChanges(): Promise<boolean> {
    const result = await this.run(['diff', '--cached', '--quiet', 'HEAD', '--'])
    if (result.exitCode > 1) throw gitFailure(['diff', '--cached'], result)
    return result.exitCode === 1
  }

  /** Commits the index; author and committer are `identity`. Returns the commit. */
  async commit(
    message: string,
    identity: Identity = BOT_IDENTITY
  ): Promise<string> {
    const args = ['commit', '--no-verify', '--no-edit', '--file=-']
    await this.check(args, { input: message, env: identityEnv(identity) })
    return this.requireCommit('HEAD')
  }

  /** A unified diff (no colour, no external diff tool) between two commits or trees. */
  async diff(from: string, to?: string, files: string[] = []): Promise<string> {
    for (const file of files) validateFilePath(file)
    const args = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', from]
    if (to) args.push(to)
    return (await this.check([...args, '--', ...files])).stdout
  }

  /** A file's content at a commit (e.g. `refs/remotes/origin/<b>`), or undefined. */
  async show(ref: string, file: string): Promise<string | undefined> {
    validateFilePath(file)
    const result = await this.run(['cat-file', 'blob', `${ref}:${file}`])
    return result.exitCode === 0 ? result.stdout : undefined
  }

  /** Applies a commit's change to the working tree and index, without committing. */
  async cherryPick(sha: string): Promise<ApplyResult> {
    return this.applyCommit(['cherry-pick', '--no-commit', sha])
  }

  /** Undoes a commit's change in the working tree and index, without committing. */
  async revert(sha: string): Promise<ApplyResult> {
    return this.applyCommit(['revert', '--no-commit', sha])
  }

  /**
   * Pushes `sha` to refs/heads/<branch> with `--force-with-lease`: the remote
   * branch must still be at `expected` (or not exist when undefined).
   * @throws UserError when the server refuses for another reason (auth, protection).
   */
  async push(
    branch: string,
    sha: string,
    expected: string | undefined
  ): Promise<PushOutcome> {
    validateBranchName(branch, GITOPS_INPUTS.branch)
    const ref = `refs/heads/${branch}`
    const args = ['push', '--porcelain', '--no-verify']
    args.push(`--force-with-lease=${ref}:${expected ?? ''}`)
    args.push('origin', `${sha}:${ref}`)
    const result = await this.run(args)
    const rejected = rejectedLine(result.stdout)
    if (rejected && isLostRace(rejected)) return 'rejected'
    if (result.exitCode === 0 && !rejected) return 'pushed'
    if (rejected) throw this.pushRefused(branch, rejected)
    throw this.remoteError('push', result)
  }

  private async applyCommit(args: string[]): Promise<ApplyResult> {
    const result = await this.run(args, { env: identityEnv(BOT_IDENTITY) })
    if (result.exitCode === 0) return { applied: true, conflicts: [] }
    const unmerged = await this.run(['diff', '--name-only', '--diff-filter=U'])
    await this.check(['reset', '--hard', '--quiet', 'HEAD'])
    const conflicts = unmerged.stdout.split('\n').filter(Boolean)
    if (conflicts.length === 0) throw gitFailure(args, result)
    return { applied: false, conflicts }
  }

  private insideClone(file: string): string {
    validateFilePath(file)
    let current = this.dir
    for (const part of file.split('/')) {
      current = path.join(current, part)
      const stat = fs.lstatSync(current, { throwIfNoEntry: false })
      if (stat?.isSymbolicLink()) {
        throw new UserError(
          `'${file}' in ${this.repository} goes through a symbolic link ` +
            `(${path.relative(this.dir, current)}); the action edits regular ` +
            `files only. Point '${GITOPS_INPUTS.paths}' at the real file.`
        )
      }
    }
    return current
  }

  private async requireCommit(ref: string): Promise<string> {
    const sha = await this.revParse(ref)
    if (!sha) throw new Error(`git could not resolve ${ref} in the clone.`)
    return sha
  }

  private remoteError(
    command: string,
    result: ExecResult,
    baseBranch?: string
  ): Error {
    const detail = lastLines(result.stderr)
    const repo = `${this.repository} (${this.remoteUrl})`
    if (AUTH_FAILURE.test(result.stderr)) {
      return new UserError(
        `git ${command} of the GitOps repository ${repo} was refused: the ` +
          `token is missing or has no access (${detail}). Check ` +
          `'${GITOPS_INPUTS.repository}', and give '${GITOPS_INPUTS.token}' a ` +
          'token with contents: write on that repository (the default ' +
          'GITHUB_TOKEN only reaches the repository running the workflow).'
      )
    }
    if (NOT_FOUND.test(result.stderr)) {
      return new UserError(
        `The GitOps repository ${repo} was not found, or the token cannot ` +
          `see it (${detail}). Check '${GITOPS_INPUTS.repository}' ` +
          `(owner/repo) and that '${GITOPS_INPUTS.token}' has access to it.`
      )
    }
    if (baseBranch && /Remote branch .* not found/i.test(result.stderr)) {
      return new UserError(
        `Branch '${baseBranch}' does not exist in ${this.repository}. Check ` +
          `'${GITOPS_INPUTS.baseBranch}': the branch the pull request ` +
          'targets (e.g. main).'
      )
    }
    return new Error(`git ${command} failed for ${repo}: ${detail}`)
  }

  private pushRefused(branch: string, line: string): UserError {
    return new UserError(
      `${this.repository} refused the push to branch '${branch}': ` +
        `${line.split('\t').slice(2).join(' ')}. Check that ` +
        `'${GITOPS_INPUTS.branch}' is not protected and that ` +
        `'${GITOPS_INPUTS.token}' may push to it (contents: write).`
    )
  }

  /** Runs git and throws when it fails. */
  private async check(
    args: string[],
    options: RunOptions = {}
  ): Promise<ExecResult> {
    const result = await this.run(args, options)
    if (result.exitCode !== 0) throw gitFailure(args, result)
    return result
  }

  /**
   * Runs git; its output is streamed only with debug logging on, and then
   * with command processing stopped: it holds the GitOps repository's text.
   */
  private async run(
    args: string[],
    options: RunOptions = {}
  ): Promise<ExecResult> {
    const debug = core.isDebug()
    const execute = (): Promise<ExecResult> =>
      exec.getExecOutput(this.binary, args, {
        cwd: options.cwd ?? this.dir,
        env: { ...this.env, ...options.env },
        input:
          options.input === undefined ? undefined : Buffer.from(options.input),
        silent: !debug,
        ignoreReturnCode: true
      })
    // With debug logging git's output is echoed, and it quotes the GitOps
    // repository's files (diff, cat-file): no line of it may be a command.
    return debug ? withCommandsStopped(execute) : execute()
  }
}

const AUTH_FAILURE =
  /terminal prompts disabled|could not read (username|password)|authentication failed|returned error: 40[13]|HTTP 40[13]/i
const NOT_FOUND =
  /repository '[^']*' not found|repository not found|returned error: 404|HTTP 404/i

/** refs/remotes/origin/<branch>: where fetched branches land. */
export function remoteRef(branch: string): string {
  return `refs/remotes/origin/${branch}`
}

/**
 * The environment for every git call: the auth header as config from the
 * environment, no prompts, no credential helpers, C locale.
 */
function gitEnv(
  server: string,
  token: string,
  base: NodeJS.ProcessEnv
): Record<string, string> {
  const key = `http.${server}/.extraheader`
  // An empty value first: it clears headers that actions/checkout may have
  // persisted in a global config for the same URL (two Authorization headers
  // make GitHub answer 400). Then our own, if there is a token.
  const config: [string, string][] = [
    [key, ''],
    // An empty helper list: no stored credential is used or stored.
    ['credential.helper', '']
  ]
  if (token) config.push([key, `AUTHORIZATION: basic ${basicAuth(token)}`])
  const env = childEnv(
    {
      GIT_TERMINAL_PROMPT: '0',
      // Empty (not unset) so git does not fall back to core.askPass or SSH_ASKPASS.
      GIT_ASKPASS: '',
      GCM_INTERACTIVE: 'never',
      LC_ALL: 'C',
      LANGUAGE: 'C'
    },
    base
  )
  for (const name of REPOSITORY_VARIABLES) delete env[name]
  // curl, under git, ignores HTTP_PROXY in capitals (a CGI safeguard) while
  // the API client honours it: without this, git alone would bypass the
  // proxy to a plain-http GitHub server.
  if (env['HTTP_PROXY'] && !env['http_proxy'])
    env['http_proxy'] = env['HTTP_PROXY']
  return { ...env, ...configEnv(config, base) }
}

/** GIT_CONFIG_COUNT/KEY_n/VALUE_n, after any entries the runner already set. */
function configEnv(
  entries: [string, string][],
  base: NodeJS.ProcessEnv
): Record<string, string> {
  const existing = Number.parseInt(base.GIT_CONFIG_COUNT ?? '', 10)
  const first = Number.isInteger(existing) && existing > 0 ? existing : 0
  const env: Record<string, string> = {
    GIT_CONFIG_COUNT: String(first + entries.length)
  }
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${first + i}`] = key
    env[`GIT_CONFIG_VALUE_${first + i}`] = value
  })
  return env
}

function basicAuth(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString('base64')
}

function maskToken(token: string): void {
  if (!token) return
  core.setSecret(token)
  core.setSecret(basicAuth(token))
}

function identityEnv(identity: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email
  }
}

function parseLog(output: string): CommitInfo[] {
  return output
    .split('\x1e')
    .map(record => record.replace(/^\n/, ''))
    .filter(Boolean)
    .map(record => {
      const [sha, parents, authorName, authorEmail, committerEmail, subject] =
        record.split('\x1f')
      return {
        sha,
        parents: parents ? parents.split(' ') : [],
        authorName,
        authorEmail,
        committerEmail,
        subject: subject ?? ''
      }
    })
}

/** The porcelain line of a refused ref (`!\t<src>:<dst>\t[rejected] (why)`). */
function rejectedLine(stdout: string): string | undefined {
  return stdout.split('\n').find(line => line.startsWith('!'))
}

// Why a push loses to a concurrent one: the lease no longer holds, or the
// server found the ref moved while locking it.
const LOST_RACE =
  /stale info|fetch first|non-fast-forward|already exists|cannot lock ref|failed to update ref|incorrect old value/i

function isLostRace(line: string): boolean {
  return LOST_RACE.test(line)
}

function lastLines(text: string, count = 3): string {
  const lines = text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
  return lines.slice(-count).join(' ') || 'no output'
}

function gitFailure(args: string[], result: ExecResult): Error {
  return new Error(
    `git ${args[0]} failed (exit code ${result.exitCode}): ${lastLines(result.stderr || result.stdout)}`
  )
}

/**
 * The server URL without a trailing slash.
 * @throws UserError unless it is a plain http(s) URL without credentials.
 */
export function normalizeServerUrl(serverUrl: string): string {
  let url: URL
  try {
    url = new URL(serverUrl)
  } catch {
    throw serverUrlError(serverUrl, 'it is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw serverUrlError(serverUrl, 'only http and https are supported')
  if (url.username || url.password)
    throw serverUrlError(serverUrl, 'it must not contain credentials')
  if (url.search || url.hash)
    throw serverUrlError(serverUrl, 'it must not have a query or fragment')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function serverUrlError(serverUrl: string, why: string): UserError {
  return new UserError(
    `The GitHub server URL '${serverUrl}' cannot be used: ${why}. ` +
      'Set GITHUB_SERVER_URL to the server, e.g. https://github.com.'
  )
}

// A GitHub owner (user or organization; Enterprise Managed Users add `_`)
// and repository name.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,99})$/
const REPO = /^[A-Za-z0-9._-]{1,100}$/

/**
 * Checks `owner/repo`.
 * @throws UserError naming the input when it is not a GitHub repository name.
 */
export function validateRepository(
  repository: string,
  input: string = GITOPS_INPUTS.repository
): string {
  // GitHub serves owner/repo.git as owner/repo.
  const name = repository.replace(/\.git$/, '')
  const [owner, repo, ...rest] = name.split('/')
  const why =
    rest.length > 0 || repo === undefined
      ? 'it must be owner/repo, with exactly one /'
      : !OWNER.test(owner)
        ? `the owner '${owner}' may contain only letters, digits, - and _, and must start with a letter or digit`
        : !REPO.test(repo) || repo === '.' || repo === '..'
          ? `the repository name '${repo}' may contain only letters, digits, ., - and _`
          : undefined
  if (why) {
    throw new UserError(
      `Input '${input}': '${repository}' is not a GitHub repository: ${why}. ` +
        `Set it to owner/repo, e.g. my-org/gitops.`
    )
  }
  return name
}

// Letters, digits and the punctuation branch names commonly use; everything
// else (spaces, shell metacharacters, control characters) is refused.
const BRANCH_CHARACTERS = /^[A-Za-z0-9._/+=,@-]+$/

/** Why `name` is not an acceptable branch name, or undefined. */
export function branchNameProblem(name: string): string | undefined {
  const checks: [boolean, string][] = [
    [name.length === 0, 'it is empty'],
    [name.length > 200, 'it is longer than 200 characters'],
    [
      !BRANCH_CHARACTERS.test(name),
      'it may contain only letters, digits and . _ / + = , @ -'
    ],
    [name.startsWith('-'), 'it must not start with -'],
    [name.startsWith('refs/'), 'write the branch name without refs/heads/'],
    [name === 'HEAD' || name === '@', `'${name}' is reserved`],
    [name.includes('..'), 'it must not contain ..'],
    [name.includes('@{'), 'it must not contain @{'],
    [
      name.startsWith('/') || name.endsWith('/') || name.includes('//'),
      'it must not start or end with / or contain //'
    ],
    [name.endsWith('.'), 'it must not end with .'],
    [
      name.split('/').some(c => c.startsWith('.') || c.endsWith('.lock')),
      'no part between slashes may start with . or end with .lock'
    ]
  ]
  return checks.find(([failed]) => failed)?.[1]
}

/**
 * Checks a branch name against git's check-ref-format rules, and refuses
 * anything a shell or git option parser could misread.
 * @throws UserError naming the input.
 */
export function validateBranchName(name: string, input: string): string {
  const why = branchNameProblem(name)
  if (why) {
    throw new UserError(
      `Input '${input}': '${name}' is not a usable branch name: ${why}. ` +
        'Use letters, digits, ., _, - and /, e.g. helm-oci-release/my-chart.'
    )
  }
  return name
}

/** Why `file` is not an acceptable path inside the repository, or undefined. */
export function filePathProblem(file: string): string | undefined {
  const parts = file.split('/')
  const checks: [boolean, string][] = [
    [file.length === 0, 'it is empty'],
    [
      // eslint-disable-next-line no-control-regex
      /[\x00-\x1f\x7f\\]/.test(file),
      'it contains a control character or a backslash'
    ],
    [file.startsWith('/'), 'it must be relative to the repository root'],
    [file.startsWith('-'), 'it must not start with -'],
    [parts.includes('..'), 'it must not contain ..'],
    [
      parts.some(p => p === '' || p === '.'),
      'it must not contain empty or . parts'
    ],
    [parts.some(p => p.toLowerCase() === '.git'), 'it must not reach into .git']
  ]
  return checks.find(([failed]) => failed)?.[1]
}

/**
 * Checks a file path inside the GitOps repository: relative, no `..`, no
 * leading `/` or `-`, nothing inside `.git`.
 * @throws UserError naming the input.
 */
export function validateFilePath(
  file: string,
  input: string = GITOPS_INPUTS.paths
): string {
  const why = filePathProblem(file)
  if (why) {
    throw new UserError(
      `Input '${input}': the file path '${file}' cannot be used: ${why}. ` +
        'Give paths relative to the root of the GitOps repository, e.g. apps/my-chart/values.yaml.'
    )
  }
  return file
}
