// The one copy of the rules for the names the action hands to GitHub and to
// git: owner/repo, branch names, file paths in a repository, and server URLs.
// Each rule says why a value is refused; the `validate…` helpers turn that into
// a UserError naming the input the caller passes (this file knows no input).
import { UserError } from '../errors.js'

/** `owner` and `repo` of a GitHub repository. */
export interface RepositoryName {
  owner: string
  repo: string
}

/** A server URL (GITHUB_SERVER_URL, GITHUB_API_URL) without trailing slashes. */
export function trimServerUrl(url: string): string {
  return url.replace(/\/+$/, '')
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
  return trimServerUrl(`${url.origin}${url.pathname}`)
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

/** `owner/repo` as GitHub names it: it serves owner/repo.git as owner/repo. */
export function repositoryName(repository: string): string {
  return repository.replace(/\.git$/, '')
}

/** Why `name` (see `repositoryName`) is not a GitHub `owner/repo`, or undefined. */
export function repositoryProblem(name: string): string | undefined {
  const [owner, repo, ...rest] = name.split('/')
  if (rest.length > 0 || repo === undefined)
    return 'it must be owner/repo, with exactly one /'
  if (!OWNER.test(owner))
    return `the owner '${owner}' may contain only letters, digits, - and _, and must start with a letter or digit`
  if (!REPO.test(repo) || repo === '.' || repo === '..')
    return `the repository name '${repo}' may contain only letters, digits, ., - and _`
  return undefined
}

/** The server's URL: GITHUB_SERVER_URL on github.com and GHES runners alike. */
export function serverUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return trimServerUrl(env['GITHUB_SERVER_URL'] || 'https://github.com')
}

/** The API root: GITHUB_API_URL on github.com and GHES runners alike. */
export function apiUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return trimServerUrl(env['GITHUB_API_URL'] || 'https://api.github.com')
}

/**
 * The workflow's repository (GITHUB_REPOSITORY, which GitHub Actions sets);
 * `refusal` says what needs it and what to do without it.
 */
export function workflowRepository(
  env: NodeJS.ProcessEnv,
  refusal: string
): RepositoryName {
  const repository = env['GITHUB_REPOSITORY'] ?? ''
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new UserError(refusal)
  return splitRepository(repository)
}

/** Splits a name `repositoryProblem` accepted. */
export function splitRepository(name: string): RepositoryName {
  const [owner, repo] = name.split('/')
  return { owner, repo }
}

/**
 * Checks `owner/repo`; returns it without a trailing `.git`.
 * @throws UserError naming `input` when it is not a GitHub repository name.
 */
export function validateRepository(repository: string, input: string): string {
  const name = repositoryName(repository)
  const why = repositoryProblem(name)
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
 * @throws UserError naming `input`.
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

/**
 * A revision the Git class hands to git: a commit id git or GitHub reported,
 * `HEAD`, or a ref made from a checked branch name. Never an option, never
 * a range or two arguments: anything else is a bug, not a user's mistake.
 * @throws Error for anything else.
 */
export function gitRevision(ref: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/+=,@-]*$/.test(ref) || ref.includes('..'))
    throw new Error(
      `git was handed a revision it must not take: ${JSON.stringify(ref)}`
    )
  return ref
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
 * Checks a file path inside a repository: relative, no `..`, no leading `/`
 * or `-`, nothing inside `.git`.
 * @throws UserError naming `input`.
 */
export function validateFilePath(file: string, input: string): string {
  const why = filePathProblem(file)
  if (why) {
    throw new UserError(
      `Input '${input}': the file path '${file}' cannot be used: ${why}. ` +
        'Give paths relative to the root of the GitOps repository, e.g. apps/my-chart/values.yaml.'
    )
  }
  return file
}

/**
 * Team slug of a reviewer team given as `org/team` (or a bare slug); the org
 * must own the repository, as GitHub only requests reviews from its teams.
 */
export function teamSlug(team: string, owner: string): string {
  const [org, slug] = team.includes('/') ? team.split('/', 2) : [owner, team]
  if (!slug || org.toLowerCase() !== owner.toLowerCase()) {
    throw new UserError(
      `Reviewer team '${team}' is not a team of ${owner}: GitHub requests ` +
        `reviews only from teams of the organization that owns the ` +
        `repository; use ${owner}/<team-slug>.`
    )
  }
  return slug
}
