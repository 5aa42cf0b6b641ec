// What reading a chart's package says of what the registry holds: a version
// it does not have (404) apart from one that is not a chart, each message
// naming a tag as a tag and a digest as a digest, and nothing said of why
// the package was wanted (the Chart.lock's, the GitHub release's or the
// preview's own words wrap it). The reads are from a stand-in of the client's
// two calls; the real registry's 404 is read in the end-to-end test
// (__tests__/e2e/gitops/render-missing-version.int.test.ts).
import { describe, expect, test } from 'vitest'
import {
  ChartNotInRegistry,
  RegistryChartPackages,
  type BlobReader
} from '../../src/registry/chart-packages.js'
import { HELM_CHART_LAYER } from '../../src/registry/oci-manifest.js'

const REF = 'oci://registry.example/charts/hello'
const DIGEST = `sha256:${'a'.repeat(64)}`

function reader(layerType?: string): BlobReader {
  return {
    getManifest: () =>
      Promise.resolve(
        layerType === undefined
          ? undefined
          : {
              digest: DIGEST,
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              body: Buffer.from(
                JSON.stringify({
                  layers: [{ mediaType: layerType, digest: DIGEST, size: 3 }]
                })
              )
            }
      ),
    getBlob: () => Promise.resolve(Buffer.from('tgz'))
  }
}

describe('RegistryChartPackages.fetchPackage', () => {
  test.each<[string, string, string | undefined, string, boolean]>([
    [
      'a tag the registry does not have',
      '0.0.9',
      undefined,
      `${REF}:0.0.9 is not in the registry: it has no such tag.`,
      true
    ],
    [
      'a digest the registry does not have',
      DIGEST,
      undefined,
      `${REF}@${DIGEST} is not in the registry: no manifest has that digest.`,
      true
    ],
    [
      'a tag that is not a chart',
      '0.1.0',
      'application/vnd.oci.image.layer.v1.tar',
      `${REF}:0.1.0 is in the registry but is not a Helm chart: its manifest has no ${HELM_CHART_LAYER} layer.`,
      false
    ],
    [
      'a digest that is not a chart',
      DIGEST,
      'application/vnd.oci.image.layer.v1.tar',
      `${REF}@${DIGEST} is in the registry but is not a Helm chart: its manifest has no ${HELM_CHART_LAYER} layer.`,
      false
    ]
  ])('%s', async (_what, reference, layer, message, notIn) => {
    const packages = new RegistryChartPackages(reader(layer))
    const error: unknown = await packages
      .fetchPackage(REF, reference)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe(message)
    expect(error instanceof ChartNotInRegistry).toBe(notIn)
  })

  test('a chart: its layer, byte for byte', async () => {
    const packages = new RegistryChartPackages(reader(HELM_CHART_LAYER))
    const bytes = await packages.fetchPackage(REF, '0.1.0')
    expect(Buffer.from(bytes).toString()).toBe('tgz')
  })
})
