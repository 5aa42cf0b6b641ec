// GitHub's artifact attestations API: where `gh attestation verify` looks.
// One POST per attestation; the bundle goes as the action made it.
import { UserError } from '../errors.js'
import type { SerializedBundle } from '../sigstore/signer.js'
import { httpStatus, responseMessage } from './api-errors.js'
import { createOctokit, type OctokitOptions } from './octokit.js'

/** Stores attestations in one repository's attestations. */
export interface AttestationStore {
  /**
   * Uploads `bundle`; returns the attestation's id, or undefined when the
   * answer has none (the OpenAPI description's 201 schema does not require
   * `id`; actions/toolkit's attest reads it as optional too).
   */
  create(bundle: SerializedBundle): Promise<number | undefined>
}

/** The attestations API of `owner/repo`, with the `github-token` input. */
export function githubAttestations(
  options: OctokitOptions,
  owner: string,
  repo: string
): AttestationStore {
  const octokit = createOctokit(options, `attestations:${owner}/${repo}`)
  return {
    async create(bundle) {
      try {
        const answer = await octokit.request(
          'POST /repos/{owner}/{repo}/attestations',
          { owner, repo, bundle }
        )
        const id = (answer.data as { id?: unknown } | undefined)?.id
        return typeof id === 'number' && Number.isSafeInteger(id) && id > 0
          ? id
          : undefined
      } catch (error) {
        throw attestationError(error, `${owner}/${repo}`)
      }
    }
  }
}

/** What went wrong uploading, and the fix (the permission, mostly). */
function attestationError(error: unknown, repository: string): UserError {
  const status = httpStatus(error)
  const said = responseMessage(error)
  const permission =
    'Give the job `attestations: write` (and `id-token: write`) in `permissions:`, ' +
    "and keep 'github-token' at its default `${{ github.token }}` or a token that may write attestations to " +
    repository +
    '.'
  if (status === 401 || status === 403 || status === 404)
    return new UserError(
      `GitHub answered ${status} to storing the attestation in ${repository} (${said}). ${permission} ` +
        'Private and internal repositories need GitHub Enterprise Cloud for attestations.',
      { cause: error }
    )
  return new UserError(
    `GitHub did not store the attestation in ${repository}: ${status ? `${status} ` : ''}${said}`,
    { cause: error }
  )
}
