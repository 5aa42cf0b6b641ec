// The chart package of a release, pulled from the registry the action just
// pushed it to: the manifest at the pushed digest, then its chart layer,
// which is the .tgz byte for byte (what `helm pull` saves). The GitHub
// release attaches it, and GitOps commits it beside an umbrella chart.
import { UserError } from '../errors.js'
import { chartLayerDigest } from './oci-manifest.js'
import type { RegistryReads } from './operations.js'

/** What of the registry client this needs; `RegistryClient` is the real one. */
export type BlobReader = Pick<RegistryReads, 'getManifest' | 'getBlob'>

/** Chart packages read back from the registry they were pushed to. */
export class RegistryChartPackages {
  constructor(private readonly registry: BlobReader) {}

  /** The package (.tgz) of `ref` at `digest`, the manifest the action pushed. */
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
