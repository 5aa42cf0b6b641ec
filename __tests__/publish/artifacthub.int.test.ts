// Artifact Hub metadata pushed to a real registry (CNCF distribution) and read
// back over the plain Distribution API with the media types Artifact Hub
// documents; pushed only when absent or different; never over a tag that
// holds something else.
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import type { MetadataFile } from '../../src/publish/artifacthub-files.js'
import { checkMetadata, pushMetadata } from '../../src/publish/artifacthub.js'
import { metadataArtifact } from '../../src/publish/artifacthub-manifest.js'
import { RegistryWriter } from '../../src/registry/writer.js'
import { sha256 } from '../helpers/fakes.js'
import { startRegistry, type Registry } from '../helpers/registry.js'

let registry: Registry
let client: RegistryWriter
let n = 0

beforeAll(async () => {
  registry = await startRegistry()
  client = new RegistryWriter({
    registry: registry.host,
    plainHttp: true,
    insecureSkipTlsVerify: false
  })
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterAll(async () => {
  vi.restoreAllMocks()
  await registry?.stop()
})

function file(text: string): MetadataFile {
  const repositoryPath = `ah/charts/c${++n}`
  return {
    repositoryPath,
    ref: `oci://${registry.host}/${repositoryPath}`,
    file: 'charts/c/artifacthub-repo.yml',
    bytes: Buffer.from(text),
    metadata: { owners: 1, unknownKeys: [] }
  }
}

/** The artifacthub.io tag as Artifact Hub pulls it: manifest, then the layer. */
async function readBack(repository: string) {
  const answer = await fetch(
    `${registry.url}/v2/${repository}/manifests/artifacthub.io`,
    { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } }
  )
  if (answer.status === 404) return undefined
  const body = Buffer.from(await answer.arrayBuffer())
  const manifest = JSON.parse(body.toString()) as {
    config: { mediaType: string; size: number }
    layers: { mediaType: string; digest: string }[]
  }
  const layer = manifest.layers.find(
    l =>
      l.mediaType ===
      'application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml'
  )
  const blob = layer
    ? await (
        await fetch(`${registry.url}/v2/${repository}/blobs/${layer.digest}`)
      ).text()
    : undefined
  return {
    digest: sha256(body),
    contentType: answer.headers.get('content-type'),
    config: manifest.config,
    blob
  }
}

const OWNERS = 'owners:\n  - name: me\n    email: me@example.com\n'

test('absent: pushed in the documented layout, read back by its media types', async () => {
  const given = file(OWNERS)
  expect(await checkMetadata(client, [given])).toEqual(['absent'])
  expect(await pushMetadata(client, client, [given], false)).toEqual([])
  expect(await readBack(given.repositoryPath)).toEqual({
    digest: metadataArtifact(given.bytes).digest,
    contentType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.cncf.artifacthub.config.v1+yaml',
      digest: sha256(''),
      size: 0
    },
    blob: OWNERS
  })
  expect(await checkMetadata(client, [given])).toEqual(['current'])
})

test('changed: replaced; unchanged: nothing written', async () => {
  const first = file(OWNERS)
  await pushMetadata(client, client, [first], false)
  const changed = { ...first, bytes: Buffer.from(`${OWNERS}ignore: []\n`) }
  expect(await checkMetadata(client, [changed])).toEqual(['different'])
  await pushMetadata(client, client, [changed], false)
  expect((await readBack(first.repositoryPath))?.blob).toBe(
    `${OWNERS}ignore: []\n`
  )
  const putManifest = vi.spyOn(client, 'putManifest')
  await pushMetadata(client, client, [changed], false)
  expect(putManifest).not.toHaveBeenCalled()
  putManifest.mockRestore()
})

test('the same file pushed by oras (with a creation time) counts as current', async () => {
  const given = file(OWNERS)
  const artifact = metadataArtifact(given.bytes)
  await client.pushBlob(given.repositoryPath, artifact.config)
  await client.pushBlob(given.repositoryPath, artifact.layer)
  const oras = JSON.parse(artifact.manifest.toString()) as object
  const body = Buffer.from(
    JSON.stringify({
      ...oras,
      annotations: {
        'org.opencontainers.image.created': '2026-01-01T00:00:00Z'
      }
    })
  )
  await client.putManifest(
    given.repositoryPath,
    'artifacthub.io',
    'application/vnd.oci.image.manifest.v1+json',
    body
  )
  expect(await checkMetadata(client, [given])).toEqual(['current'])
})

test('a dry run writes nothing and says what it would do', async () => {
  const given = file(OWNERS)
  const notes = await pushMetadata(client, undefined, [given], true)
  expect(notes).toEqual([
    `Artifact Hub metadata: 'dry-run' is true (${given.ref}:artifacthub.io)`
  ])
  expect(await readBack(given.repositoryPath)).toBeUndefined()
})

test('a tag that holds something else: refused, nothing overwritten', async () => {
  const given = file(OWNERS)
  const config = await client.pushBlob(given.repositoryPath, Buffer.from('{}'))
  const other = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.cncf.helm.config.v1+json',
        digest: config.digest,
        size: config.size
      },
      layers: []
    })
  )
  const kept = await client.putManifest(
    given.repositoryPath,
    'artifacthub.io',
    'application/vnd.oci.image.manifest.v1+json',
    other
  )
  const refusal =
    /:artifacthub\.io holds a "application\/vnd\.oci\.image\.manifest\.v1\+json" manifest, config "application\/vnd\.cncf\.helm\.config\.v1\+json" \(digest sha256:[0-9a-f]{64}\), not Artifact Hub repository metadata: the action never writes over it/
  await expect(checkMetadata(client, [given])).rejects.toThrow(refusal)
  await expect(pushMetadata(client, client, [given], false)).rejects.toThrow(
    refusal
  )
  expect((await readBack(given.repositoryPath))?.digest).toBe(kept.digest)
})
