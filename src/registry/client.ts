// The OCI registry over the Distribution API: tells whether a chart version
// exists, reads manifests, blobs and configs back and lists tags (writer.ts
// adds the writes). The layers under it, each in its own file:
// auth.ts (challenges and tokens) around transport.ts (retries, redirects,
// timeouts) over connect.ts (proxies, CA bundle); failures.ts words what
// went wrong. Public methods throw UserErrors that say what failed and how to
// fix it.
import type { RetryPolicy } from '../retry.js'
import { Authenticator } from './auth.js'
import { Failure, statusFailure, toUserError } from './failures.js'
import {
  checkReference,
  checkRepository,
  isDigestReference,
  pullScope,
  registryUrl
} from './targets.js'
import type { Answer } from './answer.js'
import {
  checkedManifest,
  headerDigest,
  sha256,
  type Manifest
} from './manifest-answer.js'
import { configDescriptor, type ConfigBlob } from './oci-manifest.js'
import type { RegistryReads } from './operations.js'
import { collectTags, type TagPage } from './tag-list.js'
import { Transport } from './transport.js'

export type { Manifest } from './manifest-answer.js'

export interface RegistryClientOptions {
  /** host[:port] of the registry, e.g. ghcr.io or 127.0.0.1:5000. */
  registry: string
  username?: string
  password?: string
  /** Talk plain HTTP instead of HTTPS. */
  plainHttp: boolean
  /** PEM bundle of CAs to trust in addition to the default ones. */
  caFile?: string
  /** Skip verification of the registry's TLS certificate. */
  insecureSkipTlsVerify: boolean
  /**
   * Retries of transient failures (connection errors, timeouts, 429, 5xx);
   * what is not given comes from DEFAULT_RETRY.
   */
  retry?: Partial<RetryPolicy>
  /** Limit of one request, answer body included (default 30 s). */
  timeoutMs?: number
}

/** What a manifest request accepts: OCI and Docker manifests and indexes. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
]

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000
}

const DEFAULT_TIMEOUT_MS = 30_000
/** distribution refuses manifests over 4 MiB. */
export const MANIFEST_LIMIT = 4 * 1024 * 1024
// Chart packages: Helm itself refuses to load archives past 100 MiB.
const BLOB_LIMIT = 100 * 1024 * 1024
// A chart's config is its Chart.yaml as JSON: a few kilobytes.
const CONFIG_LIMIT = 1024 * 1024
const TAG_PAGE_LIMIT = 4 * 1024 * 1024
/** Error answers are a few lines of JSON; more is not read. */
export const ERROR_BODY_LIMIT = 64 * 1024

/**
 * A client of one OCI registry (Distribution API v2): the manifest requests
 * the rest of the action needs, and what their answers mean.
 */
export class RegistryClient implements RegistryReads {
  /** http(s)://host[:port] of the registry. */
  readonly baseUrl: string
  protected readonly transport: Transport
  protected readonly auth: Authenticator

  constructor(options: RegistryClientOptions) {
    this.baseUrl = registryUrl(options.registry, options.plainHttp).origin
    this.transport = new Transport({
      origin: this.baseUrl,
      caFile: options.caFile,
      insecureSkipTlsVerify: options.insecureSkipTlsVerify,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    })
    this.auth = new Authenticator(this.transport, options)
  }

  /**
   * The digest of `repository:tag` (HEAD on the manifest), or undefined when
   * the registry answers 404. Anything else (refused credentials, missing
   * scope, 5xx after retries, timeouts, TLS or connection errors) throws a
   * UserError: the action cannot tell whether the version exists.
   */
  async manifestDigest(
    repository: string,
    tag: string
  ): Promise<string | undefined> {
    checkRepository(repository)
    checkReference(tag)
    const what = `Could not tell whether ${this.describe(repository, tag)} already exists`
    try {
      const answer = await this.manifestRequest('HEAD', repository, tag)
      if (answer.status === 404) return undefined
      if (answer.status >= 200 && answer.status < 300) {
        const digest = headerDigest(answer)
        if (digest) return digest
        // No Docker-Content-Digest: hash the manifest bytes instead.
        return (await this.readManifest(repository, tag))?.digest
      }
      throw await this.statusFailure(answer, repository, 'HEAD')
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * The manifest of `repository` at `reference` (tag or digest), or undefined
   * when the registry answers 404. The digest is computed from the bytes and
   * checked against the reference and the registry's Docker-Content-Digest.
   */
  async getManifest(
    repository: string,
    reference: string
  ): Promise<Manifest | undefined> {
    checkRepository(repository)
    checkReference(reference)
    const what = `Could not read the manifest of ${this.describe(repository, reference)}`
    try {
      return await this.readManifest(repository, reference)
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * The blob `digest` of `repository` (a chart package), checked against its
   * digest. Throws a UserError when it is missing or cannot be read.
   */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    checkRepository(repository)
    const what = `Could not read ${this.describe(repository, digest)}`
    try {
      return await this.readBlob(repository, digest, BLOB_LIMIT)
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * The config blob of the image manifest `repository` at `reference` (for
   * a chart: its Chart.yaml as JSON), or undefined when the manifest is
   * absent (404). Digest checked; a config over 1 MiB is refused.
   */
  async getConfig(
    repository: string,
    reference: string
  ): Promise<ConfigBlob | undefined> {
    checkRepository(repository)
    checkReference(reference)
    const what = `Could not read the config of ${this.describe(repository, reference)}`
    try {
      const manifest = await this.readManifest(repository, reference)
      if (!manifest) return undefined
      const { mediaType, digest, size } = configDescriptor(manifest.body)
      if (size > CONFIG_LIMIT)
        throw new Failure(
          `the config blob is ${size} bytes, more than 1 MiB`,
          'Check that the reference is a chart Helm pushed.'
        )
      const body = await this.readBlob(repository, digest, CONFIG_LIMIT)
      return { mediaType, digest, body }
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /**
   * Every tag of `repository`, in the registry's order, through its
   * `Link: rel="next"` pages (`pageSize` asks for pages of that many: `?n=`);
   * [] when the repository is absent (404). Bounded: see collectTags.
   */
  async listTags(
    repository: string,
    options: { pageSize?: number } = {}
  ): Promise<string[]> {
    checkRepository(repository)
    const what = `Could not list the tags of ${this.describe(repository)}`
    const first = new URL(`/v2/${repository}/tags/list`, this.baseUrl)
    if (options.pageSize !== undefined)
      first.searchParams.set('n', String(options.pageSize))
    try {
      const tags = await collectTags(first, url =>
        this.readTagPage(repository, url)
      )
      return tags ?? []
    } catch (error) {
      throw toUserError(what, error)
    }
  }

  /** `oci://host/repository:tag`, or `@digest`, for messages. */
  protected describe(repository: string, reference?: string): string {
    const where = `oci://${new URL(this.baseUrl).host}/${repository}`
    if (reference === undefined) return where
    return `${where}${isDigestReference(reference) ? '@' : ':'}${reference}`
  }

  /** One blob, at most `limit` bytes, checked against its digest. */
  private async readBlob(
    repository: string,
    digest: string,
    limit: number
  ): Promise<Buffer> {
    const answer = await this.auth.request(
      {
        method: 'GET',
        url: new URL(`/v2/${repository}/blobs/${digest}`, this.baseUrl),
        headers: {},
        limit
      },
      pullScope(repository)
    )
    if (answer.status < 200 || answer.status >= 300)
      throw await this.statusFailure(answer, repository, 'GET')
    if (answer.tooLarge || sha256(answer.body) !== digest)
      throw new Failure(
        'the registry served a blob that is too large or does not match its digest',
        'Check the registry.'
      )
    return answer.body
  }

  /** One page of a tag list; undefined on 404. */
  private async readTagPage(
    repository: string,
    url: URL
  ): Promise<TagPage | undefined> {
    const answer = await this.auth.request(
      { method: 'GET', url, headers: {}, limit: TAG_PAGE_LIMIT },
      pullScope(repository)
    )
    if (answer.status === 404) return undefined
    if (answer.status < 200 || answer.status >= 300)
      throw await this.statusFailure(answer, repository, 'GET')
    if (answer.tooLarge)
      throw new Failure(
        'the registry served a tag-list page larger than 4 MiB',
        'Check the registry.'
      )
    return { body: answer.body, link: answer.headers.link }
  }

  private async readManifest(
    repository: string,
    reference: string
  ): Promise<Manifest | undefined> {
    const answer = await this.manifestRequest('GET', repository, reference)
    if (answer.status === 404) return undefined
    if (answer.status < 200 || answer.status >= 300)
      throw await this.statusFailure(answer, repository, 'GET')
    if (answer.tooLarge)
      throw new Failure(
        'the registry served a manifest larger than 4 MiB',
        "Check the 'registry' and 'repository' inputs."
      )
    return checkedManifest(answer, reference)
  }

  private manifestRequest(
    method: 'GET' | 'HEAD',
    repository: string,
    reference: string
  ): Promise<Answer> {
    const path = `/v2/${repository}/manifests/${reference}`
    return this.auth.request(
      {
        method,
        url: new URL(path, this.baseUrl),
        headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
        limit: method === 'GET' ? MANIFEST_LIMIT : 0
      },
      pullScope(repository)
    )
  }

  /** Explains an unexpected status, with the registry's words if it has any. */
  protected async statusFailure(
    answer: Answer,
    repository: string,
    method: 'GET' | 'HEAD'
  ): Promise<Failure> {
    return statusFailure({
      answer,
      repository,
      body: await this.errorBodyOf(answer, method, pullScope(repository)),
      withCredentials: this.auth.hasCredentials
    })
  }

  /**
   * The registry's error body of `answer`. HEAD answers have none: for a
   * client error, ask again with GET (credentials for `scope`) for its words.
   */
  protected async errorBodyOf(
    answer: Answer,
    method: string,
    scope: string
  ): Promise<Buffer> {
    const askAgain =
      method === 'HEAD' &&
      answer.status >= 400 &&
      answer.status < 500 &&
      answer.status !== 429
    return askAgain ? this.errorBody(answer.url, scope) : answer.body
  }

  /** The body of one GET on `url`, for its error message; empty on failure. */
  private async errorBody(url: URL, scope: string): Promise<Buffer> {
    try {
      const authorization = this.auth.knownHeader(scope)
      const headers = this.transport.withAuthorization(
        url,
        { accept: 'application/json' },
        authorization
      )
      const answer = await this.transport.send({
        method: 'GET',
        url,
        headers,
        limit: ERROR_BODY_LIMIT
      })
      return answer.body
    } catch {
      return Buffer.alloc(0)
    }
  }
}
