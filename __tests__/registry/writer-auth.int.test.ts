// The registry writer against the real CNCF distribution registry (2.8) with
// token auth (a push token; a pull-only token refused with the
// push-permission message) and behind a redirector that sends writes (307)
// to another origin.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sha256 } from '../../src/registry/manifest-answer.js'
import {
  OCI_EMPTY_DIGEST,
  OCI_IMAGE_MANIFEST
} from '../../src/registry/oci-index.js'
import {
  startFaultProxy,
  startRedirector,
  type FaultProxy,
  type Redirector
} from '../helpers/fault-proxy.js'
import { startRegistry, type Registry } from '../helpers/registry.js'
import { startTokenServer, type TokenServer } from '../helpers/token-server.js'
import { imageManifest, REPO, userError, writer } from '../helpers/writer.js'

describe('writes redirected (307) to another origin', () => {
  const creds = { username: 'carol', password: 'redirect-secret' }
  let registry: Registry
  let sink: FaultProxy
  let redirector: Redirector

  beforeAll(async () => {
    // redirector (Basic) -> 307 -> recording proxy -> anonymous registry.
    registry = await startRegistry()
    sink = await startFaultProxy(registry.url, { match: () => false })
    redirector = await startRedirector({ location: sink.url, ...creds })
  })
  afterAll(async () => {
    await redirector?.stop()
    await sink?.stop()
    await registry?.stop()
  })

  test('the body goes again after a 307; the other origin gets no credentials', async () => {
    const w = writer(redirector.host, creds)
    const layer = await w.pushBlob(REPO, Buffer.from('redirected layer'))
    await w.pushBlob(REPO, Buffer.from('{}'))
    const bytes = imageManifest([layer])
    const pushed = await w.putManifest(REPO, 'moved', OCI_IMAGE_MANIFEST, bytes)
    expect(pushed.digest).toBe(sha256(bytes))
    const reader = writer(sink.host)
    expect((await reader.getManifest(REPO, 'moved'))?.body).toEqual(bytes)
    expect(await reader.getBlob(REPO, layer.digest)).toEqual(
      Buffer.from('redirected layer')
    )
    // The upload's Location names the sink: the PUT went there directly.
    expect(sink.requests.map(r => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        `POST /v2/${REPO}/blobs/uploads/`,
        expect.stringMatching(
          /^PUT \/v2\/org\/sig\/blobs\/uploads\/\S+&digest=/
        ),
        `PUT /v2/${REPO}/manifests/moved`
      ])
    )
    expect(sink.requests.some(r => r.authorization)).toBe(false)
    expect(redirector.authorized).toBeGreaterThan(0)
  })
})

describe('token auth registry', () => {
  let tokens: TokenServer
  let registry: Registry

  beforeAll(async () => {
    tokens = await startTokenServer({
      users: { bob: 'b0b-pass', reader: 'r3ad-only' },
      // reader is granted pull whatever it asks for; bob everything.
      grant: (user, _repository, wanted) =>
        user === 'reader' ? wanted.filter(a => a === 'pull') : wanted
    })
    registry = await startRegistry({ auth: tokens.registryAuth() })
  })
  afterAll(async () => {
    await registry?.stop()
    await tokens?.stop()
  })

  test('a push token (pull,push) pushes a blob and a manifest; one token for all', async () => {
    const w = writer(registry.host, { username: 'bob', password: 'b0b-pass' })
    const before = tokens.requests.length
    const layer = await w.pushBlob(REPO, Buffer.from('token-pushed layer'))
    await w.pushBlob(REPO, Buffer.from('{}'))
    const bytes = imageManifest([layer])
    const pushed = await w.putManifest(REPO, 'v1', OCI_IMAGE_MANIFEST, bytes)
    expect((await w.getManifest(REPO, 'v1'))?.body).toEqual(bytes)
    expect(pushed.digest).toBe(sha256(bytes))
    const asked = tokens.requests.slice(before)
    // One token for the writes: the challenge to the first HEAD names pull,
    // merged with the pull,push the writer asks for; one for the read back.
    expect(asked.map(r => [r.user, r.scopes, r.status])).toEqual([
      ['bob', [`repository:${REPO}:pull,push`], 200],
      ['bob', [`repository:${REPO}:pull`], 200]
    ])
    expect(await w.referrers(REPO, pushed.digest)).toBeUndefined()
  })

  test('a pull-only token: the blob upload and the manifest push fail with the push-permission message', async () => {
    const w = writer(registry.host, {
      username: 'reader',
      password: 'r3ad-only'
    })
    const blob = await userError(w.pushBlob(REPO, Buffer.from('not allowed')))
    expect(blob.message).toMatch(
      new RegExp(
        `^Could not upload a blob to oci://${registry.host}/${REPO}: the credentials ` +
          `lack push permission on ${REPO} \\(401 UNAUTHORIZED: authentication required.*\\)\\. ` +
          `Give the credentials write \\(push\\) access to ${REPO}`
      )
    )
    const manifest = await userError(
      w.putManifest(REPO, 'v9', OCI_IMAGE_MANIFEST, imageManifest([]))
    )
    expect(manifest.message).toMatch(
      /^Could not push the manifest oci:\/\/\S+\/org\/sig:v9: the credentials lack push permission on org\/sig/
    )
    expect(manifest.message).not.toContain('r3ad-only')
    // It can still tell what exists: HEAD needs pull only.
    expect(await w.blobExists(REPO, OCI_EMPTY_DIGEST)).toBe(true)
  })
})
