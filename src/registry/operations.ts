// The registry's operations, declared once: what RegistryClient reads and
// what RegistryWriter adds. A step names the few it uses (publish's lookup,
// signing's store, the mirror's source and destination, the chart package
// reader) as a Pick of these, so its fakes stay small and no step re-declares
// a signature the client already has.
import type { Manifest } from './manifest-answer.js'
import type { OciIndexBody } from './oci-index.js'
import type { ConfigBlob } from './oci-manifest.js'

/** What RegistryClient reads (Distribution API v2). */
export interface RegistryReads {
  /** http(s)://host[:port]: two registries are one when these are equal. */
  readonly baseUrl: string
  /** The digest the registry serves for the tag; undefined when it is absent. */
  manifestDigest(repository: string, tag: string): Promise<string | undefined>
  /** The manifest at a tag or digest; undefined when it is absent. */
  getManifest(
    repository: string,
    reference: string
  ): Promise<Manifest | undefined>
  getBlob(repository: string, digest: string): Promise<Buffer>
  /** A chart's config blob (its Chart.yaml as JSON); undefined when absent. */
  getConfig(
    repository: string,
    reference: string
  ): Promise<ConfigBlob | undefined>
  listTags(
    repository: string,
    options?: { pageSize?: number }
  ): Promise<string[]>
}

/** A blob in the repository: its digest and size. */
export interface PushedBlob {
  digest: string
  size: number
}

/** A pushed manifest: its digest, and the registry's OCI-Subject if any. */
export interface PushedManifest {
  digest: string
  /**
   * The OCI-Subject header (distribution-spec 1.1): the registry indexed the
   * manifest's `subject` itself. Absent: the client keeps the referrers tag.
   */
  subject?: string
}

/** What RegistryWriter adds: writes, and the referrers API beside them. */
export interface RegistryWrites {
  blobExists(repository: string, digest: string): Promise<boolean>
  pushBlob(repository: string, bytes: Buffer): Promise<PushedBlob>
  /** Cross-repository mount on the same registry; false: not mounted. */
  mountBlob(repository: string, digest: string, from: string): Promise<boolean>
  putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer
  ): Promise<PushedManifest>
  /** The referrers API's index; undefined when the registry has no such API. */
  referrers(
    repository: string,
    digest: string
  ): Promise<Pick<OciIndexBody, 'manifests'> | undefined>
}
