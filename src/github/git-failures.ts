// What a failed git command means for the user: which repository, what was
// refused, and the input to fix. Git's own words are quoted, last lines only.
import { UserError } from '../errors.js'

/**
 * What the caller's users call the values git is given (for the GitOps step,
 * its inputs): messages name them in the fix they suggest.
 */
export interface GitInputNames {
  repository: string
  branch: string
  baseBranch: string
  token: string
  paths: string
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** The repository a command talked to, and where the user sets its values. */
export interface GitRemote {
  readonly repository: string
  readonly remoteUrl: string
  readonly inputNames: GitInputNames
}

const AUTH_FAILURE =
  /terminal prompts disabled|could not read (username|password)|authentication failed|returned error: 40[13]|HTTP 40[13]/i
const NOT_FOUND =
  /repository '[^']*' not found|repository not found|returned error: 404|HTTP 404/i

/** A failed clone, fetch, ls-remote or push: auth, a missing repository or base branch, or else git's words. */
export function remoteError(
  git: GitRemote,
  command: string,
  result: ExecResult,
  baseBranch?: string
): Error {
  const detail = lastLines(result.stderr)
  const repo = `${git.repository} (${git.remoteUrl})`
  if (AUTH_FAILURE.test(result.stderr)) {
    return new UserError(
      `git ${command} of the GitOps repository ${repo} was refused: the ` +
        `token is missing or has no access (${detail}). Check ` +
        `'${git.inputNames.repository}', and give '${git.inputNames.token}' a ` +
        'token with contents: write on that repository (the default ' +
        'GITHUB_TOKEN only reaches the repository running the workflow).'
    )
  }
  if (NOT_FOUND.test(result.stderr)) {
    return new UserError(
      `The GitOps repository ${repo} was not found, or the token cannot ` +
        `see it (${detail}). Check '${git.inputNames.repository}' ` +
        `(owner/repo) and that '${git.inputNames.token}' has access to it.`
    )
  }
  if (baseBranch && /Remote branch .* not found/i.test(result.stderr)) {
    return new UserError(
      `Branch '${baseBranch}' does not exist in ${git.repository}. Check ` +
        `'${git.inputNames.baseBranch}': the branch the pull request ` +
        'targets (e.g. main).'
    )
  }
  return new Error(`git ${command} failed for ${repo}: ${detail}`)
}

/** The server refused the push for another reason than a lost race (protection, permissions). */
export function pushRefused(
  git: GitRemote,
  branch: string,
  line: string
): UserError {
  return new UserError(
    `${git.repository} refused the push to branch '${branch}': ` +
      `${line.split('\t').slice(2).join(' ')}. Check that ` +
      `'${git.inputNames.branch}' is not protected and that ` +
      `'${git.inputNames.token}' may push to it (contents: write).`
  )
}

/** The porcelain line of a refused ref (`!\t<src>:<dst>\t[rejected] (why)`). */
export function rejectedLine(stdout: string): string | undefined {
  return stdout.split('\n').find(line => line.startsWith('!'))
}

// Why a push loses to a concurrent one: the lease no longer holds, or the
// server found the ref moved while locking it.
const LOST_RACE =
  /stale info|fetch first|non-fast-forward|already exists|cannot lock ref|failed to update ref|incorrect old value/i

export function isLostRace(line: string): boolean {
  return LOST_RACE.test(line)
}

function lastLines(text: string, count = 3): string {
  const lines = text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
  return lines.slice(-count).join(' ') || 'no output'
}

export function gitFailure(args: string[], result: ExecResult): Error {
  return new Error(
    `git ${args[0]} failed (exit code ${result.exitCode}): ${lastLines(result.stderr || result.stdout)}`
  )
}

/** A file to write goes through a symbolic link in the clone. */
export function symlinkRefused(
  git: GitRemote,
  file: string,
  link: string
): UserError {
  return new UserError(
    `'${file}' in ${git.repository} goes through a symbolic link ` +
      `(${link}); the action edits regular ` +
      `files only. Point '${git.inputNames.paths}' at the real file.`
  )
}
