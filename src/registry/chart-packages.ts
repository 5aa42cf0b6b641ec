// The chart package of a release, pulled from the registry: the manifest at
// a tag or digest, then its chart layer, which is the .tgz byte for byte
// (what `helm pull` saves). The GitHub release attaches the one just pushed,
// GitOps commits it beside an umbrella chart, and the preview renders the
// versions a pin moves between. Each says in its own words why it wanted the
// package; the messages here say only what the registry holds.
import { UserError } from '../errors.js'
import { chartLayerDigest, HELM_CHART_LAYER } from './oci-manifest.js'
import type { RegistryReads } from './operations.js'

/** What of the registry client this needs; `RegistryClient` is the real one. */
export type BlobReader = Pick<RegistryReads, 'getManifest' | 'getBlob'>

/**
 * The registry answered that there is no manifest at the reference (404,
 * `MANIFEST_UNKNOWN` or `NAME_UNKNOWN`): the version is not in it. Refused
 * credentials or a failing registry are other errors, never this one.
 */
export class ChartNotInRegistry extends UserError {
  constructor(
    readonly ref: string,
    readonly reference: string
  ) {
    super(
      isDigest(reference)
        ? `${ref}@${reference} is not in the registry: no manifest has that digest.`
        : `${ref}:${reference} is not in the registry: it has no such tag.`
    )
    this.name = 'ChartNotInRegistry'
  }
}

/** Chart packages read from the registry they were pushed to. */
export class RegistryChartPackages {
  constructor(private readonly registry: BlobReader) {}

  /**
   * The package (.tgz) of `ref` at `reference` (a digest, or a version's
   * tag). Throws ChartNotInRegistry when the registry has no such manifest.
   */
  async fetchPackage(ref: string, reference: string): Promise<Uint8Array> {
    // oci://host/repository/name: the registry client is already the host's.
    const repository = ref.replace(/^oci:\/\/[^/]+\//, '')
    const manifest = await this.registry.getManifest(repository, reference)
    if (!manifest) throw new ChartNotInRegistry(ref, reference)
    const layer = chartLayerDigest(manifest.body)
    if (!layer) {
      const at = isDigest(reference) ? `@${reference}` : `:${reference}`
      throw new UserError(
        `${ref}${at} is in the registry but is not a Helm chart: its manifest has no ${HELM_CHART_LAYER} layer.`
      )
    }
    return this.registry.getBlob(repository, layer)
  }
}

/** `sha256:…`: a digest, not a tag (a tag has no `:`). */
function isDigest(reference: string): boolean {
  return reference.includes(':')
}
