// Before a chart is pushed: does the registry take the artifacts signing will
// store? A registry that refuses them must refuse before the chart is
// published, not after. The probe is one small manifest per layout, pushed
// by digest (no tag) with fixed bytes: the same probe every run, so a
// repository holds at most one of each, and a registry that has it already
// is not asked again.
import { errorMessage, UserError } from '../errors.js'
import type { SignatureFormat } from '../inputs/signing.js'
import {
  BUNDLE_V03,
  describe,
  EMPTY_BLOB,
  OCI_EMPTY,
  OCI_IMAGE_CONFIG,
  OCI_MANIFEST,
  sha256,
  SIMPLE_SIGNING
} from './layouts.js'
import type { SignatureRegistry } from './store.js'

const PROBE_ANNOTATION = {
  'dev.helm-oci-release.probe':
    'checks that the registry accepts signature artifacts; safe to delete'
}

/** One layout to check: what it is called in messages, and its manifest. */
interface Probe {
  what: string
  manifest: Buffer
}

function legacyProbe(): Probe {
  return {
    what: `cosign 2 signatures (an OCI image manifest with a ${SIMPLE_SIGNING} layer)`,
    manifest: Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: describe(OCI_IMAGE_CONFIG, EMPTY_BLOB),
        layers: [describe(SIMPLE_SIGNING, EMPTY_BLOB)],
        annotations: PROBE_ANNOTATION
      })
    )
  }
}

function bundleProbe(): Probe {
  return {
    what: `Sigstore bundles (OCI artifacts of artifactType ${BUNDLE_V03} with an empty config)`,
    manifest: Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: BUNDLE_V03,
        config: describe(OCI_EMPTY, EMPTY_BLOB),
        layers: [describe(BUNDLE_V03, EMPTY_BLOB)],
        annotations: PROBE_ANNOTATION
      })
    )
  }
}

/** The layouts a run stores: signatures in `format`, provenance as a bundle. */
export function probesFor(
  sign: boolean,
  format: SignatureFormat,
  provenance: boolean
): Probe[] {
  const legacy = sign && format !== 'bundle'
  const bundle = (sign && format !== 'legacy') || provenance
  return [
    ...(legacy ? [legacyProbe()] : []),
    ...(bundle ? [bundleProbe()] : [])
  ]
}

/**
 * Refuses, naming the artifact type, when the registry does not take one of
 * `probes` in `repository`. Nothing of the release is pushed yet.
 */
export async function checkRegistryAccepts(
  registry: SignatureRegistry,
  repository: string,
  probes: Probe[]
): Promise<void> {
  for (const probe of probes) {
    const digest = sha256(probe.manifest)
    if (await registry.getManifest(repository, digest)) continue
    try {
      await registry.pushBlob(repository, EMPTY_BLOB)
      await registry.putManifest(
        repository,
        digest,
        OCI_MANIFEST,
        probe.manifest
      )
    } catch (error) {
      throw new UserError(
        `The registry does not accept ${probe.what} in ${repository}, which signing stores ` +
          `next to the chart: ${errorMessage(error)} Nothing was published. ` +
          "Choose another 'signature-format' (legacy, bundle), turn 'sign'/'provenance' off, " +
          'or use a registry that stores OCI artifacts.',
        { cause: error }
      )
    }
  }
}
