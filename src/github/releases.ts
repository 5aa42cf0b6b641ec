// GitHub's releases API for the `github-release` step: find a release by its
// tag, create or update it, list, download and upload its assets. Every
// failure Octokit's plugins did not retry becomes a UserError with the fix.
import { UserError } from '../errors.js'
import { httpStatus, responseMessage } from './api-errors.js'
import { createOctokit, type OctokitOptions } from './octokit.js'

/** A release as the step needs it. */
export interface GitHubRelease {
  id: number
  htmlUrl: string
  /** The `upload_url` template GitHub gives (`…/assets{?name,label}`). */
  uploadUrl: string
  name: string
  body: string
}

export interface ReleaseAsset {
  id: number
  name: string
  size: number
}

/** What the release text says: its title and markdown body. */
export interface ReleaseText {
  name: string
  body: string
}

/** The releases of one repository. */
export interface ReleaseStore {
  /** The published release of `tag`; undefined when there is none (404). */
  findByTag(tag: string): Promise<GitHubRelease | undefined>
  create(
    tag: string,
    text: ReleaseText,
    targetCommitish?: string
  ): Promise<GitHubRelease>
  update(id: number, text: ReleaseText): Promise<GitHubRelease>
  listAssets(releaseId: number): Promise<ReleaseAsset[]>
  downloadAsset(assetId: number): Promise<Buffer>
  uploadAsset(
    release: GitHubRelease,
    name: string,
    data: Buffer
  ): Promise<ReleaseAsset>
}

/** The permission message names; also what a 403 means here. */
export const CONTENTS_WRITE =
  'Give the job `contents: write` in `permissions:` (releases are repository contents), ' +
  "and keep 'github-token' at its default `${{ github.token }}` or a token that may write to "

/** The releases API of `owner/repo`, with the `github-token` input. */
export function githubReleases(
  options: OctokitOptions,
  owner: string,
  repo: string
): ReleaseStore {
  const octokit = createOctokit(options, `releases:${owner}/${repo}`)
  const repository = `${owner}/${repo}`
  const explain = async <T>(
    action: string,
    call: () => Promise<T>,
    invalid?: string
  ) => {
    try {
      return await call()
    } catch (error) {
      throw releaseError(error, action, repository, invalid)
    }
  }
  return {
    findByTag: tag =>
      explain(`reading the release of tag ${tag}`, async () => {
        try {
          const answer = await octokit.rest.repos.getReleaseByTag({
            owner,
            repo,
            tag
          })
          return releaseOf(answer.data)
        } catch (error) {
          if (httpStatus(error) === 404) return undefined
          throw error
        }
      }),
    create: (tag, text, targetCommitish) =>
      explain(
        `creating the release of tag ${tag}`,
        async () => {
          const answer = await octokit.rest.repos.createRelease({
            owner,
            repo,
            tag_name: tag,
            ...text,
            ...(targetCommitish ? { target_commitish: targetCommitish } : {})
          })
          return releaseOf(answer.data)
        },
        INVALID.create
      ),
    update: (id, text) =>
      explain(
        `updating release ${id}`,
        async () => {
          const answer = await octokit.rest.repos.updateRelease({
            owner,
            repo,
            release_id: id,
            ...text
          })
          return releaseOf(answer.data)
        },
        INVALID.update
      ),
    listAssets: id =>
      explain(`listing the assets of release ${id}`, async () => {
        const assets = await octokit.paginate(
          octokit.rest.repos.listReleaseAssets,
          { owner, repo, release_id: id, per_page: 100 }
        )
        return assets.map(a => ({ id: a.id, name: a.name, size: a.size }))
      }),
    downloadAsset: id =>
      explain(`downloading asset ${id}`, async () => {
        const answer = await octokit.rest.repos.getReleaseAsset({
          owner,
          repo,
          asset_id: id,
          headers: { accept: 'application/octet-stream' }
        })
        // With octet-stream Octokit answers the bytes, not the JSON its types say.
        const data: unknown = answer.data
        if (data instanceof ArrayBuffer) return Buffer.from(data)
        if (ArrayBuffer.isView(data))
          return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
        throw new Error('the answer is not the asset bytes')
      }),
    uploadAsset: (release, name, data) =>
      explain(
        `uploading ${name} to release ${release.id}`,
        async () => {
          const answer = await octokit.rest.repos.uploadReleaseAsset({
            owner,
            repo,
            release_id: release.id,
            name,
            // Octokit sends a Buffer as is; its types want a string.
            data: data as unknown as string,
            baseUrl: uploadBase(release.uploadUrl),
            // No content-length: fetch sets it, and refuses one given.
            headers: { 'content-type': 'application/octet-stream' }
          })
          return {
            id: answer.data.id,
            name: answer.data.name,
            size: answer.data.size
          }
        },
        INVALID.upload(name)
      )
  }
}

/**
 * The root uploads go to, from the release's `upload_url`
 * (`https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`):
 * on GitHub Enterprise Server it is not uploads.github.com.
 */
export function uploadBase(uploadUrl: string): string {
  const at = uploadUrl.indexOf('/repos/')
  if (at < 0) throw new Error(`unexpected upload_url '${uploadUrl}'`)
  return uploadUrl.slice(0, at)
}

interface ReleaseData {
  id: number
  html_url: string
  upload_url: string
  name: string | null
  body?: string | null
}

function releaseOf(data: ReleaseData): GitHubRelease {
  return {
    id: data.id,
    htmlUrl: data.html_url,
    uploadUrl: data.upload_url,
    name: data.name ?? '',
    body: data.body ?? ''
  }
}

/**
 * What a 422 (GitHub's "Validation Failed") means, per request: each has its
 * own cause and fix, and GitHub's message and error codes are quoted too.
 */
export const INVALID = {
  create:
    'A release of this tag may exist as a draft (drafts cannot be found by tag): ' +
    'publish or delete it, or check that the tag name is one git accepts.',
  update:
    "GitHub's message names the field it refused: release notes are limited " +
    'to 125,000 characters.',
  /**
   * GitHub refuses a second asset of one name (`already_exists`): "you must
   * delete the old file before you can re-upload" (docs.github.com/rest/
   * releases/assets#upload-a-release-asset). The step lists the assets first,
   * so the one there appeared since, or the list did not show it yet.
   */
  upload: (name: string): string =>
    `The release may already have an asset named ${name} (another job may have uploaded it, ` +
    'or the list of assets read before did not show it yet): re-run to compare it with this ' +
    'package, or delete that asset from the release and re-run to attach this one.'
}

/**
 * What went wrong, in which repository, and the fix; `invalid` is the fix
 * for a 422, which differs from request to request (INVALID).
 */
export function releaseError(
  error: unknown,
  action: string,
  repository: string,
  invalid?: string
): UserError {
  const status = httpStatus(error)
  const said = responseMessage(error)
  if (status === 401 || status === 403 || status === 404)
    return new UserError(
      `GitHub answered ${status} ${action} in ${repository} (${said}). ${CONTENTS_WRITE}${repository}.`,
      { cause: error }
    )
  if (status === 422)
    return new UserError(
      `GitHub refused ${action} in ${repository} (422: ${validation(error)}).` +
        (invalid ? ` ${invalid}` : ''),
      { cause: error }
    )
  return new UserError(
    `GitHub did not answer ${action} in ${repository}: ${status ? `${status} ` : ''}${said}`,
    { cause: error }
  )
}

/** GitHub's `message` and its `errors[]` codes, one line. */
function validation(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data
  const errors = (data as { errors?: unknown } | undefined)?.errors
  const details = Array.isArray(errors)
    ? errors.map(e =>
        typeof e === 'object' && e !== null
          ? Object.values(e as Record<string, unknown>)
              .filter(v => typeof v === 'string')
              .join(' ')
          : String(e)
      )
    : []
  return [responseMessage(error), ...details].join('; ')
}
