// What a failed GitHub API call means for the user: what failed, in which
// repository, and the fix. Everything the Octokit plugins did not retry fails
// at once with such a message.
import { UserError, errorMessage } from '../errors.js'

/** GitHub refused a create because the pull request is already open. */
export class PullRequestExistsError extends UserError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'PullRequestExistsError'
  }
}

/** Auto-merge could not be enabled; worth a warning, not a failed release. */
export class AutoMergeUnavailableError extends UserError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'AutoMergeUnavailableError'
  }
}

/**
 * GitHub's GraphQL answer refusing auto-merge, as an AutoMergeUnavailableError;
 * undefined when the call failed otherwise (HTTP, network).
 */
export function autoMergeRefusal(
  error: unknown,
  repository: string
): AutoMergeUnavailableError | undefined {
  const messages = graphqlMessages(error)
  if (!messages) return undefined
  return new AutoMergeUnavailableError(
    `Could not enable auto-merge in ${repository}: ` +
      `${messages.join('; ')}. ${autoMergeHint(messages)}`,
    { cause: error }
  )
}

/**
 * An error that says what failed (`action`), in which repository, and the fix.
 * A 422 "pull request already exists" is a PullRequestExistsError, so that
 * the caller can update that pull request instead.
 */
export function explainApiError(
  error: unknown,
  action: string,
  repository: string
): Error {
  const status = httpStatus(error)
  const where = `${action} in ${repository}`
  const fix = FIXES[status ?? 0]
  if (fix) {
    return new UserError(`GitHub answered ${status} ${where}: ${fix}`, {
      cause: error
    })
  }
  if (status === 422) {
    const messages = validationMessages(error)
    // Told apart so that the caller can update that pull request instead.
    const Refusal = /pull request already exists/i.test(messages)
      ? PullRequestExistsError
      : UserError
    return new Refusal(`GitHub refused ${where}: ${messages}`, {
      cause: error
    })
  }
  if (status === 403 || status === 429) {
    return new UserError(forbidden(error, status, where), { cause: error })
  }
  return new Error(`GitHub API failed ${where}: ${errorMessage(error)}`, {
    cause: error
  })
}

const FIXES: Record<number, string> = {
  401:
    'the gitops-token was rejected (bad or expired credentials). Set ' +
    'gitops-token to a valid token: a fine-grained personal access token ' +
    'or a GitHub App installation token for this repository, or a classic ' +
    'token with the repo scope.',
  404:
    'the repository does not exist or the gitops-token cannot see it. Check ' +
    'gitops-repository (owner/name) and that the token can access the ' +
    'repository: a fine-grained token must include it, a GitHub App must be ' +
    'installed on it, a classic token needs the repo scope.'
}

/** 403/429: a rate limit waited out in vain, or missing permissions. */
function forbidden(error: unknown, status: number, where: string): string {
  const message = responseMessage(error)
  // 429 is Too Many Requests whatever its text says.
  if (status === 429 || /rate limit/i.test(message)) {
    return (
      `GitHub rate limit ${where} (${message}). The wait GitHub asked for ` +
      'was too long or retries ran out; run the job again later.'
    )
  }
  return (
    `GitHub denied ${where} (${message}). Give the gitops-token write ` +
    'access: contents and pull requests read/write for a fine-grained ' +
    'token or GitHub App, the repo scope for a classic token.'
  )
}

function autoMergeHint(messages: readonly string[]): string {
  const text = messages.join(' ')
  if (/not allowed/i.test(text)) {
    return (
      "Turn on 'Allow auto-merge' in the repository's settings (General, " +
      'Pull Requests), or leave gitops-auto-merge empty.'
    )
  }
  if (/clean status/i.test(text)) {
    return 'Nothing blocks the merge (no required checks or reviews pending).'
  }
  return 'Check the merge methods and branch protection of the base branch.'
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** HTTP status of an Octokit RequestError. */
export function httpStatus(error: unknown): number | undefined {
  return isRecord(error) && typeof error['status'] === 'number'
    ? error['status']
    : undefined
}

/** The JSON body GitHub answered with, when there is one. */
function responseData(error: unknown): Record<string, unknown> {
  const response = isRecord(error) ? error['response'] : undefined
  const data = isRecord(response) ? response['data'] : undefined
  return isRecord(data) ? data : {}
}

export function responseMessage(error: unknown): string {
  const message = responseData(error)['message']
  return typeof message === 'string' ? message : errorMessage(error)
}

/** GitHub's `errors[].message`s (or code and field) after its `message`. */
function validationMessages(error: unknown): string {
  const errors = responseData(error)['errors']
  const details = (Array.isArray(errors) ? errors : []).map(detail => {
    if (typeof detail === 'string') return detail
    if (!isRecord(detail)) return JSON.stringify(detail)
    if (typeof detail['message'] === 'string') return detail['message']
    return [detail['resource'], detail['field'], detail['code']]
      .filter(part => typeof part === 'string')
      .join(' ')
  })
  return [responseMessage(error), ...details].join('; ')
}

/** Messages of a GraphQL answer with `errors` (not of an HTTP failure). */
function graphqlMessages(error: unknown): string[] | undefined {
  if (!isRecord(error) || httpStatus(error) !== undefined) return undefined
  const errors = error['errors']
  if (!Array.isArray(errors) || errors.length === 0) return undefined
  return errors.map(e =>
    isRecord(e) && typeof e['message'] === 'string'
      ? e['message']
      : JSON.stringify(e)
  )
}
