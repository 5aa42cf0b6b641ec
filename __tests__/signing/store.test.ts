// The store over an in-memory registry: what is kept, what is refused.
import { describe, expect, it } from 'vitest'
import {
  BUNDLE_V03,
  describe as describeBlob,
  referrersTag,
  sha256,
  signatureTag
} from '../../src/signing/layouts.js'
import {
  listReferrers,
  readingOnce,
  storeBundleReferrer,
  storeCosignSignature,
  type SignatureRegistry
} from '../../src/signing/store.js'
import type { SerializedBundle } from '../../src/sigstore/signer.js'

class MemoryRegistry implements SignatureRegistry {
  manifests = new Map<string, { mediaType: string; body: Buffer }>()
  blobs = new Map<string, Buffer>()
  puts: string[] = []
  constructor(private readonly referrersApi = false) {}
  async getManifest(repository: string, reference: string) {
    const found = this.manifests.get(`${repository}:${reference}`)
    return found && { ...found, digest: sha256(found.body) }
  }
  async getBlob(repository: string, digest: string) {
    const blob = this.blobs.get(`${repository}@${digest}`)
    if (!blob) throw new Error('no blob')
    return blob
  }
  async pushBlob(repository: string, bytes: Buffer) {
    this.blobs.set(`${repository}@${sha256(bytes)}`, bytes)
    return { digest: sha256(bytes), size: bytes.length }
  }
  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    body: Buffer
  ) {
    this.puts.push(reference)
    this.manifests.set(`${repository}:${reference}`, { mediaType, body })
    this.manifests.set(`${repository}:${sha256(body)}`, { mediaType, body })
    return this.referrersApi
      ? { digest: sha256(body), subject: 'sha256:x' }
      : { digest: sha256(body) }
  }
  async referrers() {
    return this.referrersApi ? { manifests: [] } : undefined
  }
}

const repo = 'acme/app'
const digest = `sha256:${'e'.repeat(64)}`
const chart = describeBlob(
  'application/vnd.oci.image.manifest.v1+json',
  Buffer.from('chart')
)
const bundle = {
  mediaType: BUNDLE_V03,
  verificationMaterial: {}
} as unknown as SerializedBundle

describe('storeCosignSignature', () => {
  it('adds a layer to the .sig manifest and keeps the layers already there', async () => {
    const registry = new MemoryRegistry()
    await storeCosignSignature(registry, repo, digest, Buffer.from('p1'), {
      a: '1'
    })
    await storeCosignSignature(registry, repo, digest, Buffer.from('p2'), {
      a: '2'
    })
    const sig = await registry.getManifest(repo, signatureTag(digest))
    const manifest = JSON.parse(sig!.body.toString())
    expect(
      manifest.layers.map((l: { annotations: object }) => l.annotations)
    ).toEqual([{ a: '1' }, { a: '2' }])
    expect(manifest.layers[1].digest).toBe(sha256(Buffer.from('p2')))
    expect(
      registry.blobs.get(`${repo}@${manifest.config.digest}`)
    ).toBeDefined()
  })
  it('never overwrites a .sig tag that holds something else', async () => {
    const registry = new MemoryRegistry()
    const foreign = Buffer.from('{"schemaVersion":2,"notLayers":[]}')
    registry.manifests.set(`${repo}:${signatureTag(digest)}`, {
      mediaType: 'x',
      body: foreign
    })
    await expect(
      storeCosignSignature(registry, repo, digest, Buffer.from('p'), {})
    ).rejects.toThrow(
      /not a cosign signature manifest; the action does not overwrite it/
    )
    expect(registry.puts).toEqual([])
  })
})

describe('storeBundleReferrer', () => {
  it('without a referrers API, lists the referrer in the referrers tag, after pushing it', async () => {
    const registry = new MemoryRegistry()
    const other = {
      mediaType: 'x',
      digest: `sha256:${'1'.repeat(64)}`,
      size: 1,
      platform: { os: 'x' }
    }
    registry.manifests.set(`${repo}:${referrersTag(chart.digest)}`, {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      body: Buffer.from(
        JSON.stringify({ schemaVersion: 2, manifests: [other] })
      )
    })
    const when = new Date('2026-01-01T00:00:00Z')
    const referrer = await storeBundleReferrer(
      registry,
      repo,
      chart,
      bundle,
      'p',
      when
    )
    expect(registry.puts).toEqual([referrer, referrersTag(chart.digest)])
    const listed = await listReferrers(registry, repo, chart.digest)
    expect(listed[0]).toEqual(other)
    expect(listed[1]).toMatchObject({
      digest: referrer,
      artifactType: BUNDLE_V03,
      annotations: { 'dev.sigstore.bundle.predicateType': 'p' }
    })
  })
  it('with a referrers API (OCI-Subject answered), leaves the tag alone', async () => {
    const registry = new MemoryRegistry(true)
    await storeBundleReferrer(registry, repo, chart, bundle, 'p', new Date())
    expect(registry.puts).toHaveLength(1)
  })
  it('never overwrites a referrers tag that is not an index', async () => {
    const registry = new MemoryRegistry()
    registry.manifests.set(`${repo}:${referrersTag(chart.digest)}`, {
      mediaType: 'x',
      body: Buffer.from('a chart someone tagged like this')
    })
    await expect(
      storeBundleReferrer(registry, repo, chart, bundle, 'p', new Date())
    ).rejects.toThrow(/not an OCI referrers index/)
    expect(registry.puts).toEqual([])
  })
})

describe('readingOnce', () => {
  it('reads a manifest once, then serves what was written', async () => {
    const registry = new MemoryRegistry()
    let reads = 0
    const counting: SignatureRegistry = {
      ...registry,
      getManifest: (r, ref) => {
        reads++
        return registry.getManifest(r, ref)
      },
      getBlob: (r, d) => registry.getBlob(r, d),
      pushBlob: (r, b) => registry.pushBlob(r, b),
      putManifest: (r, ref, m, b) => registry.putManifest(r, ref, m, b),
      referrers: () => registry.referrers()
    }
    const once = readingOnce(counting)
    expect(await once.getManifest(repo, 'x')).toBeUndefined()
    expect(await once.getManifest(repo, 'x')).toBeUndefined()
    expect(reads).toBe(1)
    await storeCosignSignature(once, repo, digest, Buffer.from('p1'), {
      a: '1'
    })
    await storeCosignSignature(once, repo, digest, Buffer.from('p2'), {
      a: '2'
    })
    expect(reads).toBe(2)
    const sig = await registry.getManifest(repo, signatureTag(digest))
    expect(JSON.parse(sig!.body.toString()).layers).toHaveLength(2)
  })
})
