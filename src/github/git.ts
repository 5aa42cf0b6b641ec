// The git command line, for the GitOps repository. Every call goes through
// `exec` as an argument array; the token travels in the child's environment
// (git-env.ts), never in argv, the remote URL or .git/config.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import * as exec from '@actions/exec'
import * as io from '@actions/io'
import { withCommandsStopped } from '../relay.js'
import {
  gitFailure,
  isLostRace,
  pushRefused,
  rejectedLine,
  remoteError,
  symlinkRefused,
  type ExecResult,
  type GitInputNames
} from './git-failures.js'
import {
  BOT_IDENTITY,
  gitEnv,
  identityEnv,
  maskToken,
  type Identity
} from './git-env.js'
import {
  gitRevision as revision,
  normalizeServerUrl,
  validateBranchName,
  validateFilePath,
  validateRepository
} from './names.js'
import type {
  ApplyResult,
  CommitInfo,
  GitOptions,
  PushOutcome
} from './git-types.js'

interface RunOptions {
  cwd?: string
  input?: string
  env?: Record<string, string>
}

const LOG_FORMAT = '%H%x1f%P%x1f%an%x1f%ae%x1f%ce%x1f%s%x1e'

/**
 * A clone of the GitOps repository and the git commands the GitOps step
 * needs, one method per subcommand.
 */
export class Git {
  readonly repository: string
  /** The repository URL, without credentials. */
  readonly remoteUrl: string
  /** Where the user sets each value, as the caller named it. */
  readonly inputNames: GitInputNames
  private readonly env: Record<string, string>
  private readonly tempRoot: string
  private cloneDir?: string

  private constructor(
    readonly binary: string,
    options: GitOptions
  ) {
    const base = options.env ?? process.env
    const server = normalizeServerUrl(options.serverUrl)
    this.inputNames = options.inputNames
    this.repository = validateRepository(
      options.repository,
      options.inputNames.repository
    )
    this.remoteUrl = `${server}/${this.repository}.git`
    this.env = gitEnv(server, options.token, base)
    this.tempRoot = base.RUNNER_TEMP || os.tmpdir()
  }

  /**
   * Finds `git` on PATH and checks the repository and server URL.
   * @throws UserError for an invalid repository or server URL.
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
    validateBranchName(baseBranch, this.inputNames.baseBranch)
    const dir = fs.mkdtempSync(
      path.join(this.tempRoot, 'helm-oci-release-gitops-')
    )
    const args = ['clone', '--depth=1', '--single-branch', '--no-tags']
    args.push('--branch', baseBranch, '--', this.remoteUrl, dir)
    const result = await this.run(args, { cwd: this.tempRoot })
    if (result.exitCode !== 0) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw remoteError(this, 'clone', result, baseBranch)
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
    validateBranchName(branch, this.inputNames.branch)
    const ref = `refs/heads/${branch}`
    const result = await this.run(['ls-remote', 'origin', ref])
    if (result.exitCode !== 0) throw remoteError(this, 'ls-remote', result)
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
    validateBranchName(branch, this.inputNames.branch)
    const args = ['fetch', '--no-tags', `--depth=${depth}`, 'origin']
    args.push(`+refs/heads/${branch}:${remoteRef(branch)}`)
    const result = await this.run(args)
    if (result.exitCode === 0) return this.requireCommit(remoteRef(branch))
    if (/couldn't find remote ref/i.test(result.stderr)) {
      await this.run(['update-ref', '-d', remoteRef(branch)])
      return undefined
    }
    throw remoteError(this, 'fetch', result)
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
    validateBranchName(baseBranch, this.inputNames.baseBranch)
    validateBranchName(branch, this.inputNames.branch)
    const refspecs = [baseBranch, branch].map(
      b => `+refs/heads/${b}:${remoteRef(b)}`
    )
    const args = ['fetch', '--no-tags', `--depth=${depth}`, 'origin']
    const result = await this.run([...args, ...refspecs])
    if (result.exitCode !== 0) throw remoteError(this, 'fetch', result)
  }

  /** The best common ancestor of two commits, if the clone holds one. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.run(['merge-base', revision(a), revision(b)])
    return result.exitCode === 0 ? result.stdout.trim() : undefined
  }

  /** The commit a ref names, or undefined. */
  async revParse(ref: string): Promise<string | undefined> {
    const args = [
      'rev-parse',
      '--verify',
      '--quiet',
      `${revision(ref)}^{commit}`
    ]
    const result = await this.run(args)
    return result.exitCode === 0 ? result.stdout.trim() : undefined
  }

  /** The tree of a commit, or of the index when `ref` is omitted. */
  async tree(ref?: string): Promise<string> {
    const args = ref ? ['rev-parse', `${revision(ref)}^{tree}`] : ['write-tree']
    return (await this.check(args)).stdout.trim()
  }

  /** Commits reachable from `head` but not from `base`, newest first. */
  async commitsBetween(base: string, head: string): Promise<CommitInfo[]> {
    const range = `${revision(base)}..${revision(head)}`
    const args = ['log', `--format=${LOG_FORMAT}`, range, '--']
    const result = await this.check(args)
    return parseLog(result.stdout)
  }

  /** `checkout --force -B`: the local branch at `start`, local changes dropped. */
  async checkout(branch: string, start: string): Promise<void> {
    validateBranchName(branch, this.inputNames.branch)
    await this.check([
      'checkout',
      '--force',
      '-B',
      branch,
      revision(start),
      '--'
    ])
  }

  /**
   * Writes files into the working tree. Refuses paths that leave the clone or
   * go through a symbolic link. Bytes are written as they are (a file need not be UTF-8).
   */
  writeFiles(files: ReadonlyMap<string, string | Uint8Array | null>): void {
    for (const [file, text] of files) {
      const target = this.insideClone(file)
      // null deletes: `git add` of the path then stages the removal.
      if (text === null) {
        fs.rmSync(target, { force: true })
        continue
      }
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, text)
    }
  }

  /** `git add` of the given files. */
  async add(files: readonly string[]): Promise<void> {
    for (const file of files) validateFilePath(file, this.inputNames.paths)
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
    for (const file of files) validateFilePath(file, this.inputNames.paths)
    const args = ['diff', '--no-color', '--no-ext-diff', '--no-textconv']
    args.push(revision(from))
    if (to) args.push(revision(to))
    return (await this.check([...args, '--', ...files])).stdout
  }

  /** A file's content at a commit (e.g. `refs/remotes/origin/<b>`), or undefined. */
  async show(ref: string, file: string): Promise<string | undefined> {
    validateFilePath(file, this.inputNames.paths)
    const result = await this.run([
      'cat-file',
      'blob',
      `${revision(ref)}:${file}`
    ])
    return result.exitCode === 0 ? result.stdout : undefined
  }

  /** Applies a commit's change to the working tree and index, without committing. */
  async cherryPick(sha: string): Promise<ApplyResult> {
    return this.applyCommit(['cherry-pick', '--no-commit', revision(sha)])
  }

  /** Undoes a commit's change in the working tree and index, without committing. */
  async revert(sha: string): Promise<ApplyResult> {
    return this.applyCommit(['revert', '--no-commit', revision(sha)])
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
    validateBranchName(branch, this.inputNames.branch)
    const ref = `refs/heads/${branch}`
    const args = ['push', '--porcelain', '--no-verify']
    args.push(`--force-with-lease=${ref}:${expected ? revision(expected) : ''}`)
    args.push('origin', `${revision(sha)}:${ref}`)
    const result = await this.run(args)
    const rejected = rejectedLine(result.stdout)
    if (rejected && isLostRace(rejected)) return 'rejected'
    if (result.exitCode === 0 && !rejected) return 'pushed'
    if (rejected) throw pushRefused(this, branch, rejected)
    throw remoteError(this, 'push', result)
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
    validateFilePath(file, this.inputNames.paths)
    let current = this.dir
    for (const part of file.split('/')) {
      current = path.join(current, part)
      const stat = fs.lstatSync(current, { throwIfNoEntry: false })
      if (stat?.isSymbolicLink()) {
        throw symlinkRefused(this, file, path.relative(this.dir, current))
      }
    }
    return current
  }

  private async requireCommit(ref: string): Promise<string> {
    const sha = await this.revParse(ref)
    if (!sha) throw new Error(`git could not resolve ${ref} in the clone.`)
    return sha
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

/** refs/remotes/origin/<branch>: where fetched branches land. */
export function remoteRef(branch: string): string {
  return `refs/remotes/origin/${branch}`
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
