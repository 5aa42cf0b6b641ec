// The `github-release` input: a GitHub Release per pushed chart in the
// workflow's repository, written with the `github-token` input.
import { UserError } from '../errors.js'
import { apiUrlFromEnv, workflowRepository } from '../github/names.js'
import { booleanInput, secretInput } from './read.js'

/** Where the releases go and with what; absent when `github-release` is false. */
export interface GitHubReleaseConfig {
  /** The `github-token` input; masked. */
  token: string
  /** The workflow's repository (GITHUB_REPOSITORY). */
  owner: string
  repo: string
  apiUrl: string
  /** GITHUB_SHA: a tag the release creates points at the commit built. */
  sha?: string
}

/** Refuses, before anything is pushed, what would fail after the push. */
export function githubReleaseConfig(
  env: NodeJS.ProcessEnv
): GitHubReleaseConfig | undefined {
  if (!booleanInput('github-release')) return undefined
  const repository = workflowRepository(
    env,
    "'github-release: true' needs GITHUB_REPOSITORY (owner/name), which GitHub Actions sets; " +
      'run the action in a GitHub Actions job, or set github-release to false.'
  )
  const token = secretInput('github-token')
  if (!token)
    throw new UserError(
      "'github-release: true' needs 'github-token': leave it at its default `${{ github.token }}` " +
        'and give the job `contents: write`, or pass a token that may write releases.'
    )
  return {
    token,
    ...repository,
    apiUrl: apiUrlFromEnv(env),
    sha: env.GITHUB_SHA || undefined
  }
}
