// GitHub's artifact attestations API through the OpenAPI-checked GitHub
// double: the id it answers, its refusals worded with the fix; and the
// answer without an id, which the description allows (its 201 schema does
// not require `id`), from a server answering just that.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { githubAttestations } from '../../src/github/attestations.js'
import type { SerializedBundle } from '../../src/sigstore/signer.js'
import {
  startGitHubDouble,
  type GitHubDouble
} from '../helpers/github-double.js'

const TOKEN = 'ghs_attestationsTokenForTheTest01'
let github: GitHubDouble

beforeAll(async () => {
  github = await startGitHubDouble({ tokens: [TOKEN] })
  github.addRepository({ owner: 'acme', repo: 'charts' })
})

afterAll(async () => {
  await github?.close()
})

/** A DSSE bundle of an in-toto statement, as the signer makes them. */
function bundle(digest: string): SerializedBundle {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'ghcr.io/acme/charts/app', digest: { sha256: digest } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {}
  }
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: Buffer.from('leaf').toString('base64') },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] }
    },
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: Buffer.from('sig').toString('base64'), keyid: '' }]
    }
  } as unknown as SerializedBundle
}

const store = (token = TOKEN, apiUrl = github.apiUrl) =>
  githubAttestations({ token, apiUrl, waitUnitMs: 1 }, 'acme', 'charts')

describe('githubAttestations', () => {
  it('stores the bundle and returns the id GitHub gives it', async () => {
    const id = await store().create(bundle('ab'.repeat(32)))
    expect(id).toBeGreaterThan(0)
    const stored = github.attestations('acme', 'charts')
    expect(stored.at(-1)).toMatchObject({
      id,
      subjectDigests: [`sha256:${'ab'.repeat(32)}`]
    })
  })

  it('names the permission when GitHub answers 401 or 403', async () => {
    await expect(
      store('ghs_wrong').create(bundle('cd'.repeat(32)))
    ).rejects.toThrow(
      /GitHub answered 401 to storing the attestation in acme\/charts \(Bad credentials\)\. Give the job `attestations: write`/
    )
    github.fail({ operation: 'repos/create-attestation', kind: 'forbidden' })
    await expect(store().create(bundle('cd'.repeat(32)))).rejects.toThrow(
      /GitHub answered 403 .*Resource not accessible by integration/
    )
  })

  it('takes a 201 without an id as stored, with no id to link', async () => {
    const requests: string[] = []
    const server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`)
      req.resume()
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end('{}')
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      expect(
        await store(TOKEN, `http://127.0.0.1:${port}`).create(
          bundle('ef'.repeat(32))
        )
      ).toBeUndefined()
      expect(requests).toEqual(['POST /repos/acme/charts/attestations'])
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  })
})
