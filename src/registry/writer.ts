// Writes to an OCI registry over the Distribution API, for signing and the
// mirror: blobs by monolithic upload or cross-repository mount, manifests
// and indexes by tag or digest, and the referrers API, whose absence tells
// the caller to keep the referrers tag itself. Same layers and error style as the client it extends; writes ask
// for `pull,push` tokens. Public methods throw UserErrors.
import type { Answer } from './answer.js'
import { ERROR_BODY_LIMIT, MANIFEST_LIMIT, RegistryClient } from './client.js'
import { Failure, toUserError } from './failures.js'
import { headerDigest, sha256 } from './manifest-answer.js'
import {
  manifestTypes,
  OCI_IMAGE_INDEX,
  parseOciIndex,
  type OciIndexBody
} from './oci-index.js'
import type {
  PushedBlob,
  PushedManifest,
  RegistryWrites
} from './operations.js'
import { isDigest } from './reference.js'
import { nextPageUrl } from './tag-list.js'
import {
  checkDigest,
  checkReference,
  checkRepository,
  isDigestReference,
  pullScope,
  pushScope
} from './targets.js'
import { uploadUrl } from './upload.js'
import { writeFailure, type WriteTarget } from './write-failures.js'

type ManifestTarget = Extract<WriteTarget, { kind: 'manifest' }>

const BLOB: WriteTarget = { kind: 'blob' }
// Registries without the referrers API: distribution 2.8 routes nothing there
// (404 "404 page not found"); others answer 400, 405 or 501.
const NO_REFERRERS_API = new Set([400, 404, 405, 501])
// A mount the registry will not do: the caller uploads instead.
const NOT_MOUNTED = new Set([401, 403, 404, 405])
// Pages of referrers read at most: a bounded read, like the tag list's.
const REFERRERS_PAGES = 20
// type "/" subtype of RFC 6838 names; anything else could split a header.
const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*$/
const ALTERED_FIX =
  'Something between the runner and the registry altered the content; retry, or check the registry.'

function isSuccess(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300
}

/** Fails when the registry's Docker-Content-Digest is not the one computed. */
function checkStoredDigest(answer: Answer, digest: string, what: string): void {
  const claimed = headerDigest(answer)
  if (claimed?.startsWith('sha256:') && claimed !== digest)
    throw new Failure(
      `the registry stored the ${what} as ${claimed}, but its bytes have digest ${digest}`,
      ALTERED_FIX
    )
}

/** The OCI-Subject header of a manifest push, if it is a digest. */
function subjectOf(answer: Answer): string | undefined {
  const header = answer.headers['oci-subject']
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  return value && isDigest(value) ? value : undefined
}

/** What a manifest push is, checked before anything is sent. */
function manifestTarget(
  reference: string,
  mediaType: string,
  bytes: Buffer
): ManifestTarget {
  if (!MEDIA_TYPE.test(mediaType))
    throw new Failure(
      `"${mediaType.slice(0, 100)}" is not a media type`,
      `Pass the manifest's media type, e.g. ${OCI_IMAGE_INDEX}.`
    )
  if (bytes.length > MANIFEST_LIMIT)
    throw new Failure(
      `the manifest is ${bytes.length} bytes, more than the 4 MiB registries accept`,
      'Keep large content in blobs the manifest refers to.'
    )
  const digest = sha256(bytes)
  const byTag = !isDigestReference(reference)
  if (!byTag && reference !== digest)
    throw new Failure(
      `the manifest's bytes have digest ${digest}, not ${reference}`,
      'Push it by the sha256 digest of its exact bytes, or by a tag.'
    )
  const types = manifestTypes(bytes)
  if (types.mediaType !== undefined && types.mediaType !== mediaType)
    throw new Failure(
      `the manifest declares mediaType ${types.mediaType} but would be sent as ${mediaType}`,
      'Send it with the media type it declares.'
    )
  return {
    kind: 'manifest',
    reference,
    byTag,
    mediaType,
    artifactType: types.artifactType
  }
}

/**
 * A client of one OCI registry that also writes: blobs, manifests and
 * indexes, and reads the referrers API.
 */
export class RegistryWriter extends RegistryClient implements RegistryWrites {
  /** Whether the blob `digest` is in `repository` (HEAD: 200 yes, 404 no). */
  async blobExists(repository: string, digest: string): Promise<boolean> {
    checkRepository(repository)
    checkDigest(digest)
    const what = `Could not tell whether the blob ${this.describe(repository, digest)} exists`
    try {
      return await this.headBlob(repository, digest)
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * Uploads `bytes` as a blob of `repository` (POST, then PUT ?digest=) unless
   * the registry already has it; returns its sha256 digest and size.
   */
  async pushBlob(repository: string, bytes: Buffer): Promise<PushedBlob> {
    checkRepository(repository)
    const digest = sha256(bytes)
    const what = `Could not upload a blob to ${this.describe(repository)}`
    try {
      if (!(await this.headBlob(repository, digest)))
        await this.upload(repository, digest, bytes)
      return { digest, size: bytes.length }
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * Mounts the blob `digest` of `from`, another repository of this registry,
   * into `repository` without sending its bytes (POST ?mount=&from=). True
   * when the registry mounted it (201). False when it did not: it opened an
   * upload instead (202, cancelled here), or it will not let these
   * credentials read `from` or does not mount at all (401, 403, 404, 405);
   * the caller then uploads the bytes. Anything else throws a UserError.
   */
  async mountBlob(
    repository: string,
    digest: string,
    from: string
  ): Promise<boolean> {
    checkRepository(repository)
    checkRepository(from)
    checkDigest(digest)
    const what = `Could not mount the blob ${digest} of ${from} into ${this.describe(repository)}`
    try {
      const url = new URL(`/v2/${repository}/blobs/uploads/`, this.baseUrl)
      url.searchParams.set('mount', digest)
      url.searchParams.set('from', from)
      // The registry's challenge adds `from`'s pull to the token it asks for.
      const answer = await this.auth.request(
        { method: 'POST', url, headers: {}, body: '', limit: ERROR_BODY_LIMIT },
        pushScope(repository)
      )
      if (answer.status === 201) {
        checkStoredDigest(answer, digest, 'blob')
        return true
      }
      if (answer.status === 202) {
        await this.cancelUpload(answer, repository)
        return false
      }
      if (NOT_MOUNTED.has(answer.status)) return false
      throw await this.refusal(answer, repository, 'POST', BLOB)
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * Pushes a manifest or index (`bytes`, sent as `mediaType`) to `reference`,
   * a tag or its own digest; returns its digest and the OCI-Subject if any.
   */
  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer
  ): Promise<PushedManifest> {
    checkRepository(repository)
    checkReference(reference)
    const what = `Could not push the manifest ${this.describe(repository, reference)}`
    try {
      const target = manifestTarget(reference, mediaType, bytes)
      const path = `/v2/${repository}/manifests/${reference}`
      const answer = await this.auth.request(
        {
          method: 'PUT',
          url: new URL(path, this.baseUrl),
          headers: { 'content-type': mediaType },
          body: bytes,
          limit: ERROR_BODY_LIMIT
        },
        pushScope(repository)
      )
      if (!isSuccess(answer))
        throw await this.refusal(answer, repository, 'PUT', target)
      const digest = sha256(bytes)
      checkStoredDigest(answer, digest, 'manifest')
      const subject = subjectOf(answer)
      return subject === undefined ? { digest } : { digest, subject }
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * The referrers of the manifest `digest` (GET /referrers/, every page), or
   * undefined when the registry has no referrers API: use the referrers tag.
   */
  async referrers(
    repository: string,
    digest: string
  ): Promise<OciIndexBody | undefined> {
    checkRepository(repository)
    checkDigest(digest)
    const what = `Could not list the referrers of ${this.describe(repository, digest)}`
    try {
      let url: URL | undefined = new URL(
        `/v2/${repository}/referrers/${digest}`,
        this.baseUrl
      )
      let index: OciIndexBody | undefined
      for (let page = 0; url; page++) {
        if (page === REFERRERS_PAGES)
          throw new Failure(
            `the registry lists the referrers over more than ${REFERRERS_PAGES} pages`,
            'Delete old signatures or attestations of the manifest.'
          )
        const answer = await this.auth.request(
          {
            method: 'GET',
            url,
            headers: { accept: OCI_IMAGE_INDEX },
            limit: MANIFEST_LIMIT
          },
          pullScope(repository)
        )
        if (page === 0 && NO_REFERRERS_API.has(answer.status)) return undefined
        if (answer.status !== 200)
          throw await this.statusFailure(answer, repository, 'GET')
        if (answer.tooLarge)
          throw new Failure(
            'the registry served a referrers page larger than 4 MiB',
            'Check the registry.'
          )
        const parsed = parseOciIndex(answer.body)
        index = index
          ? { ...index, manifests: [...index.manifests, ...parsed.manifests] }
          : parsed
        url = nextPageUrl(answer.headers.link, url, 'referrers list')
      }
      return index
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /** HEAD of a blob with push credentials: the start of every upload. */
  private async headBlob(repository: string, digest: string): Promise<boolean> {
    const answer = await this.auth.request(
      {
        method: 'HEAD',
        url: new URL(`/v2/${repository}/blobs/${digest}`, this.baseUrl),
        headers: {},
        limit: 0
      },
      pushScope(repository)
    )
    if (answer.status === 404) return false
    if (isSuccess(answer)) return true
    throw await this.refusal(answer, repository, 'HEAD', BLOB)
  }

  /** A monolithic upload: POST opens it, one PUT with the bytes closes it. */
  private async upload(
    repository: string,
    digest: string,
    bytes: Buffer
  ): Promise<void> {
    const scope = pushScope(repository)
    const started = await this.auth.request(
      {
        method: 'POST',
        url: new URL(`/v2/${repository}/blobs/uploads/`, this.baseUrl),
        headers: {},
        body: '',
        limit: ERROR_BODY_LIMIT
      },
      scope
    )
    if (started.status !== 202)
      throw await this.refusal(started, repository, 'POST', BLOB)
    const answer = await this.auth.request(
      {
        method: 'PUT',
        url: uploadUrl(started.url, started.headers.location, digest),
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
        limit: ERROR_BODY_LIMIT
      },
      scope
    )
    if (!isSuccess(answer)) {
      // A retried PUT whose earlier try went through finds its upload closed;
      // the blob is there all the same.
      const landed = await this.headBlob(repository, digest).catch(() => false)
      if (landed) return
      throw await this.refusal(answer, repository, 'PUT', BLOB)
    }
    checkStoredDigest(answer, digest, 'blob')
  }

  /**
   * Cancels the upload a refused mount opened (DELETE on its Location), so
   * it does not linger until the registry purges it. Best effort: a failure
   * changes nothing for the caller, who uploads anew.
   */
  private async cancelUpload(
    answer: Answer,
    repository: string
  ): Promise<void> {
    const header = answer.headers.location
    const value = Array.isArray(header) ? header[0] : header
    if (value === undefined) return
    try {
      const url = new URL(value, answer.url)
      if (url.origin !== this.baseUrl) return
      await this.auth.request(
        { method: 'DELETE', url, headers: {}, limit: ERROR_BODY_LIMIT },
        pushScope(repository)
      )
    } catch {
      // Left to the registry's purge of stale uploads.
    }
  }

  /** Explains a refused write, with the registry's words if it has any. */
  private async refusal(
    answer: Answer,
    repository: string,
    method: string,
    target: WriteTarget
  ): Promise<Failure> {
    const scope = pushScope(repository)
    return writeFailure({
      answer,
      repository,
      target,
      body: await this.errorBodyOf(answer, method, scope),
      withCredentials: this.auth.hasCredentials
    })
  }
}
