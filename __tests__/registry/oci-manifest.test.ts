import { expect, test } from 'vitest'
import {
  chartLayerDigest,
  HELM_CHART_LAYER,
  isTransientPushError
} from '../../src/registry/oci-manifest.js'

const chart = 'sha256:' + 'c'.repeat(64)

test.each([
  [
    'a Helm chart manifest',
    {
      config: {
        mediaType: 'application/vnd.cncf.helm.config.v1+json',
        digest: 'sha256:1'
      },
      layers: [{ mediaType: HELM_CHART_LAYER, digest: chart }]
    },
    chart
  ],
  [
    'a chart with a provenance layer first',
    {
      layers: [
        {
          mediaType: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
          digest: 'sha256:2'
        },
        { mediaType: HELM_CHART_LAYER, digest: chart }
      ]
    },
    chart
  ],
  [
    'a container image',
    {
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: chart
        }
      ]
    },
    undefined
  ],
  ['an index', { manifests: [] }, undefined]
])('chartLayerDigest of %s', (_name, manifest, digest) => {
  expect(chartLayerDigest(Buffer.from(JSON.stringify(manifest)))).toBe(digest)
})

test('chartLayerDigest of something that is not JSON', () => {
  expect(chartLayerDigest('<html>')).toBeUndefined()
})

test.each([
  [
    'unexpected status from POST request to http://r/v2/x/blobs/uploads/: 503 Service Unavailable',
    true
  ],
  [
    'failed to do request: Put "https://r/v2/x": read tcp 1.2.3.4:5->6.7.8.9:443: read: connection reset by peer',
    true
  ],
  ['429 Too Many Requests', true],
  ['unexpected EOF', true],
  ['net/http: TLS handshake timeout', true],
  ['unexpected status from HEAD request: 401 Unauthorized', false],
  ['denied: requested access to the resource is denied', false],
  ['403 Forbidden: write_package', false]
])('isTransientPushError(%j) = %s', (message, transient) => {
  expect(isTransientPushError(message)).toBe(transient)
})
