// The chart package of a release, pulled from the registry the action just
// pushed it to: the manifest at the pushed digest, then its chart layer,
// which is the .tgz byte for byte (what `helm pull` saves).
import { UserError } from '../../errors.js'
import type { Manifest } from '../../registry/client.js'
import { chartLayerDigest } from '../../registry/oci-manifest.js'
import type { ChartPackages } from './umbrella.js'

/** What of the registry client this needs; `RegistryClient` is the real one. */
export interface BlobReader {
  getManifest(
    repository: string,
    reference: string
  ): Promise<Manifest | undefined>
  getBlob(repository: string, digest: string): Promise<Buffer>
}

export class RegistryChartPackages implements ChartPackages {
  constructor(private readonly registry: BlobReader) {}

  async fetchPackage(ref: string, digest: string): Promise<Uint8Array> {
    // oci://host/repository/name: the registry client is already the host's.
    const repository = ref.replace(/^oci:\/\/[^/]+\//, '')
    const manifest = await this.registry.getManifest(repository, digest)
    const layer = manifest && chartLayerDigest(manifest.body)
    if (!layer)
      throw new UserError(
        `${ref}@${digest} is not a Helm chart in the registry; its package cannot be committed.`
      )
    return this.registry.getBlob(repository, layer)
  }
}
