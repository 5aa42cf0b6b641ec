// The registry writer against what distribution 2.8 cannot show: an OCI 1.1
// registry's answers (OCI-Subject, the referrers API with pages) and a
// Docker-Content-Digest that contradicts the bytes sent. No OCI 1.1 registry
// can be installed here, so a loopback server gives those answers; the rest
// of the writer runs against the real registry (writer.int.test.ts).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sha256 } from '../../src/registry/manifest-answer.js'
import {
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST
} from '../../src/registry/oci-index.js'
import {
  BUNDLE,
  imageManifest,
  REPO,
  userError,
  writer
} from '../helpers/writer.js'

const SUBJECT = 'sha256:' + '1'.repeat(64)
const NO_API = 'sha256:' + '2'.repeat(64)
const MALFORMED = 'sha256:' + '3'.repeat(64)
const ESCAPING = 'sha256:' + '4'.repeat(64)

const entry = (n: number): Record<string, unknown> => ({
  mediaType: OCI_IMAGE_MANIFEST,
  digest: 'sha256:' + String(n).repeat(64),
  size: 100 + n,
  artifactType: BUNDLE
})

/** What the double answers to GET /v2/<REPO>/referrers/<digest>. */
function referrers(
  digest: string,
  query: URLSearchParams
): { status: number; headers?: http.OutgoingHttpHeaders; body: string } {
  const index = (manifests: unknown[]): string =>
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests })
  const path = `/v2/${REPO}/referrers/${digest}`
  if (digest === NO_API) return { status: 405, body: '' }
  if (digest === MALFORMED) return { status: 200, body: '{"manifests":7}' }
  if (digest === ESCAPING)
    return {
      status: 200,
      headers: { link: '</v2/other/referrers/x>; rel="next"' },
      body: index([])
    }
  if (query.get('page') === '2') return { status: 200, body: index([entry(8)]) }
  return {
    status: 200,
    headers: { link: `<${path}?page=2>; rel="next"` },
    body: index([entry(7)])
  }
}

describe('an OCI 1.1 registry (loopback double)', () => {
  let server: http.Server
  let host: string
  /** What the next manifest PUT claims as Docker-Content-Digest. */
  let claim: 'own' | 'other' = 'own'

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://double')
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        const referrer = /\/referrers\/(.+)$/.exec(url.pathname)
        if (req.method === 'GET' && referrer) {
          const answer = referrers(referrer[1], url.searchParams)
          res.writeHead(answer.status, {
            'content-type': OCI_IMAGE_INDEX,
            ...answer.headers
          })
          return res.end(answer.body)
        }
        if (req.method === 'PUT' && url.pathname.includes('/manifests/')) {
          const subject = (
            JSON.parse(body.toString()) as { subject?: { digest: string } }
          ).subject
          res.writeHead(201, {
            'docker-content-digest':
              claim === 'own' ? sha256(body) : sha256(Buffer.from('other')),
            ...(subject ? { 'oci-subject': subject.digest } : {})
          })
          return res.end()
        }
        res.writeHead(404)
        res.end()
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })

  test('OCI-Subject comes back as `subject`', async () => {
    const signature = imageManifest([], {
      artifactType: BUNDLE,
      subject: { mediaType: OCI_IMAGE_MANIFEST, digest: SUBJECT, size: 9 }
    })
    expect(
      await writer(host).putManifest(
        REPO,
        sha256(signature),
        OCI_IMAGE_MANIFEST,
        signature
      )
    ).toEqual({ digest: sha256(signature), subject: SUBJECT })
  })

  test('a Docker-Content-Digest that is not the digest of the bytes is an error', async () => {
    claim = 'other'
    try {
      const bytes = imageManifest([])
      const error = await userError(
        writer(host).putManifest(REPO, 'v1', OCI_IMAGE_MANIFEST, bytes)
      )
      expect(error.message).toBe(
        `Could not push the manifest oci://${host}/${REPO}:v1: the registry ` +
          `stored the manifest as ${sha256(Buffer.from('other'))}, but its ` +
          `bytes have digest ${sha256(bytes)}. Something between the runner ` +
          'and the registry altered the content; retry, or check the registry.'
      )
    } finally {
      claim = 'own'
    }
  })

  test('the referrers API: every page, as one index', async () => {
    expect(await writer(host).referrers(REPO, SUBJECT)).toEqual({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [entry(7), entry(8)]
    })
  })

  test('405 (no referrers API) is undefined: use the referrers tag', async () => {
    expect(await writer(host).referrers(REPO, NO_API)).toBeUndefined()
  })

  test('a malformed index, or a next page elsewhere, is an error', async () => {
    const malformed = await userError(writer(host).referrers(REPO, MALFORMED))
    expect(malformed.message).toBe(
      `Could not list the referrers of oci://${host}/${REPO}@${MALFORMED}: ` +
        'the image index has schemaVersion none, not 2. Check the registry: ' +
        'it served a malformed image index.'
    )
    const escaping = await userError(writer(host).referrers(REPO, ESCAPING))
    expect(escaping.message).toMatch(
      /the registry's referrers list links its next page outside the referrers list/
    )
  })
})
