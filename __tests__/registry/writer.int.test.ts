// The registry writer against the real CNCF distribution registry (2.8) on
// loopback, with Basic auth and through a fault proxy that also counts the
// requests: blobs and manifests pushed and read back byte for byte, OCI 1.1
// artifacts with `subject`, the referrers tag's index, transient 503s
// retried, refusals worded. Token auth and redirects: writer-auth.int.test.ts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sha256 } from '../../src/registry/manifest-answer.js'
import {
  OCI_EMPTY_DIGEST,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  parseOciIndex
} from '../../src/registry/oci-index.js'
import type { RegistryWriter } from '../../src/registry/writer.js'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import {
  manifestDigest as registryDigest,
  startRegistry,
  type Registry
} from '../helpers/registry.js'
import {
  BUNDLE,
  imageManifest,
  json,
  REPO,
  userError,
  writer
} from '../helpers/writer.js'

describe('htpasswd (Basic) registry, through a counting fault proxy', () => {
  const alice = { username: 'alice', password: 'correct horse' }
  let registry: Registry
  let proxy: FaultProxy
  let w: RegistryWriter

  beforeAll(async () => {
    registry = await startRegistry({ users: { alice: alice.password } })
    // Faults only where a test queues them: on PUTs.
    proxy = await startFaultProxy(registry.url, {
      match: method => method === 'PUT'
    })
    w = writer(proxy.host, alice)
  })
  afterAll(async () => {
    await proxy?.stop()
    await registry?.stop()
  })

  test('a blob pushed, then read back byte for byte; blobExists follows', async () => {
    const payload = Buffer.from('{"payload":"signed bytes \u00e9"}')
    expect(await w.blobExists(REPO, sha256(payload))).toBe(false)
    const blob = await w.pushBlob(REPO, payload)
    expect(blob).toEqual({ digest: sha256(payload), size: payload.length })
    expect(await w.blobExists(REPO, blob.digest)).toBe(true)
    expect(await w.getBlob(REPO, blob.digest)).toEqual(payload)
  })

  test('pushBlob twice uploads once: the second finds the blob and stops', async () => {
    proxy.clear()
    const bytes = Buffer.from(`bundle ${Date.now()}`)
    const first = await w.pushBlob(REPO, bytes)
    const second = await w.pushBlob(REPO, bytes)
    expect(second).toEqual(first)
    const blobRequests = proxy.requests
      .filter(r => r.path.includes('/blobs/'))
      .map(r => `${r.method} ${r.path.replace(/\?.*/, '')}`)
    const uploads = `/v2/${REPO}/blobs/uploads/`
    expect(blobRequests).toEqual([
      `HEAD /v2/${REPO}/blobs/${first.digest}`,
      `POST ${uploads}`,
      expect.stringMatching(new RegExp(`^PUT ${uploads}[0-9a-f-]+$`)),
      `HEAD /v2/${REPO}/blobs/${first.digest}`
    ])
    // The PUT went to the Location the registry gave, digest appended.
    const put = proxy.requests.find(r => r.method === 'PUT')
    expect(put?.path).toMatch(/\?_state=[^&]+&digest=sha256%3A[0-9a-f]{64}$/)
    expect(put?.authorization).toBe(true)
  })

  test('a zero-length blob is uploaded too', async () => {
    const empty = await w.pushBlob(REPO, Buffer.alloc(0))
    expect(empty).toEqual({ digest: sha256(Buffer.alloc(0)), size: 0 })
    expect(await w.getBlob(REPO, empty.digest)).toEqual(Buffer.alloc(0))
  })

  test('the empty blob `{}` has the digest OCI 1.1 names', async () => {
    expect(await w.pushBlob(REPO, Buffer.from('{}'))).toEqual({
      digest: OCI_EMPTY_DIGEST,
      size: 2
    })
  })

  test('a manifest by tag and by digest, read back byte for byte', async () => {
    const layer = await w.pushBlob(REPO, Buffer.from('layer by tag'))
    await w.pushBlob(REPO, Buffer.from('{}'))
    const bytes = imageManifest([layer])
    const byTag = await w.putManifest(REPO, 'v1', OCI_IMAGE_MANIFEST, bytes)
    expect(byTag).toEqual({ digest: sha256(bytes) })
    expect(await registryDigest(registry, REPO, 'v1', alice)).toBe(byTag.digest)
    const read = await w.getManifest(REPO, 'v1')
    expect(read?.body).toEqual(bytes)
    expect(read?.mediaType).toBe(OCI_IMAGE_MANIFEST)

    const other = imageManifest([layer], {
      annotations: { 'org.example': 'by digest' }
    })
    const byDigest = await w.putManifest(
      REPO,
      sha256(other),
      OCI_IMAGE_MANIFEST,
      other
    )
    expect(byDigest.digest).toBe(sha256(other))
    expect((await w.getManifest(REPO, byDigest.digest))?.body).toEqual(other)
  })

  test('an OCI 1.1 artifact with subject is taken; 2.8 answers no OCI-Subject and has no referrers API', async () => {
    const layer = await w.pushBlob(REPO, Buffer.from('the chart'))
    const base = imageManifest([layer])
    const subject = await w.putManifest(REPO, '1.0.0', OCI_IMAGE_MANIFEST, base)
    const bundle = await w.pushBlob(REPO, json({ mediaType: BUNDLE }))
    const signature = imageManifest([bundle], {
      artifactType: BUNDLE,
      subject: {
        mediaType: OCI_IMAGE_MANIFEST,
        digest: subject.digest,
        size: base.length
      }
    })
    const pushed = await w.putManifest(
      REPO,
      sha256(signature),
      OCI_IMAGE_MANIFEST,
      signature
    )
    // distribution 2.8 ignores `subject`: no OCI-Subject header comes back,
    // so the caller keeps the referrers tag itself.
    expect(pushed).toEqual({ digest: sha256(signature) })
    expect(pushed.subject).toBeUndefined()
    // 2.8 routes nothing under /referrers/: 404 "404 page not found".
    expect(await w.referrers(REPO, subject.digest)).toBeUndefined()
    expect((await w.getManifest(REPO, pushed.digest))?.body).toEqual(signature)

    // The referrers tag schema: an index under sha256-<hex> of the subject.
    const tag = subject.digest.replace(':', '-')
    const index = json({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [
        {
          mediaType: OCI_IMAGE_MANIFEST,
          digest: pushed.digest,
          size: signature.length,
          artifactType: BUNDLE
        }
      ]
    })
    const indexed = await w.putManifest(REPO, tag, OCI_IMAGE_INDEX, index)
    expect(indexed).toEqual({ digest: sha256(index) })
    const read = await w.getManifest(REPO, tag)
    expect(read?.body).toEqual(index)
    expect(read?.mediaType).toBe(OCI_IMAGE_INDEX)
    expect(parseOciIndex(read?.body ?? Buffer.alloc(0)).manifests).toEqual([
      expect.objectContaining({ digest: pushed.digest, artifactType: BUNDLE })
    ])
  })

  test('transient 503s on the manifest PUT and the upload PUT are retried', async () => {
    proxy.clear()
    const blob = Buffer.from(`retried blob ${Date.now()}`)
    proxy.failNext(2, { kind: 'status', status: 503 })
    const pushedBlob = await w.pushBlob(REPO, blob)
    expect(await w.getBlob(REPO, pushedBlob.digest)).toEqual(blob)
    const bytes = imageManifest([pushedBlob])
    proxy.failNext(2, { kind: 'status', status: 503, retryAfter: '0' })
    const pushed = await w.putManifest(
      REPO,
      'retried',
      OCI_IMAGE_MANIFEST,
      bytes
    )
    expect(pushed.digest).toBe(sha256(bytes))
    expect((await w.getManifest(REPO, 'retried'))?.body).toEqual(bytes)
    expect(
      proxy.requests
        .filter(r => r.method === 'PUT')
        .map(
          r =>
            `${r.path.includes('/manifests/') ? 'manifest' : 'blob'} ${r.outcome}`
        )
    ).toEqual([
      'blob status',
      'blob status',
      'blob forwarded',
      'manifest status',
      'manifest status',
      'manifest forwarded'
    ])
  })

  test('503 on every try: the registry kept failing, after 4 attempts', async () => {
    proxy.failAlways({ kind: 'status', status: 503 })
    try {
      const bytes = imageManifest([])
      const error = await userError(
        w.putManifest(REPO, 'down', OCI_IMAGE_MANIFEST, bytes)
      )
      expect(error.message).toBe(
        `Could not push the manifest oci://${proxy.host}/${REPO}:down: the registry ` +
          'kept failing (503 UNAVAILABLE: injected 503) after 4 attempts. The ' +
          'registry is unavailable; retry later or check its status.'
      )
    } finally {
      proxy.clear()
    }
  })

  test('a digest reference that does not match the bytes is refused before sending', async () => {
    proxy.clear()
    const bytes = imageManifest([])
    const wrong = 'sha256:' + '0'.repeat(64)
    const error = await userError(
      w.putManifest(REPO, wrong, OCI_IMAGE_MANIFEST, bytes)
    )
    expect(error.message).toBe(
      `Could not push the manifest oci://${proxy.host}/${REPO}@${wrong}: the ` +
        `manifest's bytes have digest ${sha256(bytes)}, not ${wrong}. Push it ` +
        'by the sha256 digest of its exact bytes, or by a tag.'
    )
    expect(proxy.requests).toEqual([])
  })

  test('a media type that contradicts the manifest, or is not one, is refused before sending', async () => {
    proxy.clear()
    const mismatch = await userError(
      w.putManifest(REPO, 'v2', OCI_IMAGE_INDEX, imageManifest([]))
    )
    expect(mismatch.message).toMatch(
      /declares mediaType application\/vnd\.oci\.image\.manifest\.v1\+json but would be sent as application\/vnd\.oci\.image\.index\.v1\+json/
    )
    const header = await userError(
      w.putManifest(REPO, 'v2', 'text/plain\r\nx-evil: 1', Buffer.from('{}'))
    )
    expect(header.message).toMatch(/is not a media type/)
    expect(proxy.requests).toEqual([])
  })

  test('distribution 2.8 refuses an unknown manifest media type: the message names it', async () => {
    const bytes = json({ schemaVersion: 2, artifactType: BUNDLE, blobs: [] })
    const error = await userError(
      w.putManifest(REPO, 'odd', 'application/vnd.example.artifact+json', bytes)
    )
    expect(error.message).toBe(
      `Could not push the manifest oci://${proxy.host}/${REPO}:odd: the registry ` +
        'rejects manifests of media type application/vnd.example.artifact+json ' +
        `(artifactType ${BUNDLE}) (400 MANIFEST_INVALID: manifest invalid). This ` +
        'registry does not accept that artifact type; use a registry that supports ' +
        'OCI 1.1 artifacts, or ask its operator to allow the media type.'
    )
  })

  test('a manifest whose blobs are missing: push them first', async () => {
    const missing = { digest: sha256(Buffer.from('never pushed')), size: 12 }
    const error = await userError(
      w.putManifest(REPO, 'v3', OCI_IMAGE_MANIFEST, imageManifest([missing]))
    )
    expect(error.message).toMatch(
      /the manifest refers to content the repository does not have \(400 MANIFEST_BLOB_UNKNOWN: blob unknown to registry\)\. Push the blobs/
    )
  })

  test('a wrong password: credentials refused for a push, nothing secret shown', async () => {
    const bad = writer(proxy.host, { username: 'alice', password: 'hunter2' })
    const error = await userError(bad.pushBlob(REPO, Buffer.from('x')))
    expect(error.message).toMatch(
      new RegExp(
        `^Could not upload a blob to oci://${proxy.host}/${REPO}: the registry ` +
          `refused the credentials for a push to ${REPO} \\(401 UNAUTHORIZED`
      )
    )
    expect(error.message).not.toContain('hunter2')
  })

  test('no credentials: the registry requires them to push', async () => {
    const error = await userError(
      writer(proxy.host).pushBlob(REPO, Buffer.from('x'))
    )
    expect(error.message).toMatch(
      /requires credentials to push to org\/sig \(401 UNAUTHORIZED.*\) and none were given\. Set the 'username' and 'password' inputs/
    )
  })

  test('invalid names and digests are refused before any request', async () => {
    proxy.clear()
    expect(
      (await userError(w.blobExists('Org/Sig', OCI_EMPTY_DIGEST))).message
    ).toMatch(/not a valid OCI repository name/)
    expect((await userError(w.blobExists(REPO, 'sha256'))).message).toMatch(
      /not a valid OCI digest/
    )
    expect((await userError(w.referrers(REPO, 'latest'))).message).toMatch(
      /not a valid OCI digest/
    )
    expect(
      (
        await userError(
          w.putManifest(REPO, 'bad tag', OCI_IMAGE_MANIFEST, Buffer.from('{}'))
        )
      ).message
    ).toMatch(/not a valid OCI tag or digest/)
    expect(proxy.requests).toEqual([])
  })
})
