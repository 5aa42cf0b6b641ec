// An OCI copy writes the very tag it checked: the existence check and the
// manifest PUT name one repository and one tag (the version with + written
// _), so "never over a tag" holds for what is really written. Fakes record
// every call; the copy itself is tested between real registries in
// oci-copy.int.test.ts.
import { createHash } from 'node:crypto'
import { expect, test } from 'vitest'
import { mirrorOciVersion } from '../../src/mirror/oci-copy.js'
import type {
  DestinationRegistry,
  SourceRegistry
} from '../../src/mirror/types.js'
import type { Manifest } from '../../src/registry/client.js'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const digestOf = (bytes: Buffer) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

const config = Buffer.from('{"name":"app","version":"1.2.3+build.1"}')
const layer = Buffer.from('the chart package')
const body = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.cncf.helm.config.v1+json',
      digest: digestOf(config),
      size: config.length
    },
    layers: [
      {
        mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        digest: digestOf(layer),
        size: layer.length
      }
    ]
  })
)
const manifest: Manifest = {
  body,
  digest: digestOf(body),
  mediaType: OCI_MANIFEST
}

/** A source holding the chart at `tag`; a destination recording each call. */
function registries(tag: string, held?: string) {
  const calls: string[] = []
  const source: SourceRegistry = {
    baseUrl: 'https://source.example.com',
    getManifest: async (repository, reference) =>
      repository === 'charts/app' && reference === tag ? manifest : undefined,
    getBlob: async (_repository, digest) =>
      digest === digestOf(config) ? config : layer,
    listTags: async () => [tag],
    referrers: async () => undefined
  }
  const destination: DestinationRegistry = {
    baseUrl: 'https://mirror.example.com',
    getManifest: async () => undefined,
    getBlob: async () => Buffer.alloc(0),
    listTags: async () => [],
    referrers: async () => undefined,
    manifestDigest: async (repository, reference) => {
      calls.push(`check ${repository}:${reference}`)
      return reference === tag ? held : undefined
    },
    blobExists: async () => false,
    mountBlob: async () => false,
    pushBlob: async (_repository, bytes) => ({
      digest: digestOf(bytes),
      size: bytes.length
    }),
    putManifest: async (repository, reference) => {
      calls.push(`write ${repository}:${reference}`)
      return { digest: manifest.digest }
    }
  }
  return { calls, source, destination }
}

const request = (r: ReturnType<typeof registries>) => ({
  source: { registry: r.source, repository: 'charts/app' },
  destination: { registry: r.destination, repository: 'mirror/charts/app' },
  chart: 'app',
  version: '1.2.3+build.1',
  dryRun: false
})

test('the tag written is the tag checked', async () => {
  const r = registries('1.2.3_build.1')
  const result = await mirrorOciVersion(request(r))
  expect(result.status).toBe('copied')
  const chart = r.calls.filter(c => c.endsWith(':1.2.3_build.1'))
  expect(chart).toEqual([
    'check mirror/charts/app:1.2.3_build.1',
    'write mirror/charts/app:1.2.3_build.1'
  ])
  expect(r.calls.filter(c => c.startsWith('write'))).toEqual([
    'write mirror/charts/app:1.2.3_build.1'
  ])
})

test('a tag that holds another digest: checked, refused, nothing written', async () => {
  const other = `sha256:${'c'.repeat(64)}`
  const r = registries('1.2.3_build.1', other)
  const result = await mirrorOciVersion(request(r))
  expect(result).toMatchObject({
    status: 'refused',
    destinationDigest: other,
    digest: manifest.digest
  })
  expect(r.calls).toEqual(['check mirror/charts/app:1.2.3_build.1'])
})
