// Self-tests of the Sigstore doubles' instance shapes: each answers as the
// real service documents, has the services of its instance and no others,
// and its trusted root makes the independent verifier apply that instance's
// policy. Also what the doubles now refuse, as the real services do: a
// hashedrekord entry whose signature does not verify, a request to a service
// the instance does not have, a host the proxy does not route.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import tls from 'node:tls'
import { bundleToJSON, type Bundle } from '@sigstore/bundle'
import {
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type Witness
} from '@sigstore/sign'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { thresholdsFor, verifySigstoreBundle } from './signature-verifier.js'
import {
  INSTANCE_URLS,
  startSigstoreDouble,
  type InstanceShape,
  type SigstoreDouble
} from './sigstore-double.js'

type AnyDouble = SigstoreDouble<InstanceShape>

let doubles: Record<InstanceShape, AnyDouble>

beforeAll(async () => {
  const [publicGood, github, own] = await Promise.all([
    startSigstoreDouble({ shape: 'public-good' }),
    startSigstoreDouble({ shape: 'github' }),
    startSigstoreDouble({ shape: 'private' })
  ])
  doubles = { 'public-good': publicGood, github, private: own }
})

afterAll(async () => {
  await Promise.all(Object.values(doubles ?? {}).map(d => d.stop()))
})

function sign(d: AnyDouble, data: Buffer): Promise<Bundle> {
  const witnesses: Witness[] = []
  if (d.rekorUrl) witnesses.push(new RekorWitness({ rekorBaseURL: d.rekorUrl }))
  if (d.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: d.tsaUrl }))
  const signer = new FulcioSigner({
    fulcioBaseURL: d.fulcioUrl,
    identityProvider: { getToken: async () => d.idToken() }
  })
  return new MessageSignatureBundleBuilder({ signer, witnesses }).create({
    data
  })
}

/** POST /api/v2/signingCert for a fresh key, as a client sends it. */
async function requestCertificate(d: AnyDouble): Promise<Response> {
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const token = d.idToken()
  const sub = JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString()
  ).sub as string
  return fetch(`${d.fulcioUrl}/api/v2/signingCert`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      credentials: { oidcIdentityToken: token },
      publicKeyRequest: {
        publicKey: {
          algorithm: 'ECDSA',
          content: keys.publicKey.export({ format: 'pem', type: 'spki' })
        },
        proofOfPossession: crypto
          .sign('sha256', Buffer.from(sub), keys.privateKey)
          .toString('base64')
      }
    })
  })
}

const pemDer = (pem: string) => new crypto.X509Certificate(pem).raw

describe.each([
  ['public-good', { rekor: true, tsa: false, ct: true }],
  ['github', { rekor: false, tsa: true, ct: false }],
  ['private', { rekor: true, tsa: true, ct: true }]
] as const)('the %s shape', (shape, has) => {
  const d = () => doubles[shape]

  it('has its services and no others, and a trusted root naming just those', () => {
    expect(Boolean(d().rekorUrl)).toBe(has.rekor)
    expect(Boolean(d().tsaUrl)).toBe(has.tsa)
    const root = d().trustedRoot as Record<string, unknown[] | undefined>
    expect(root.tlogs ?? []).toHaveLength(has.rekor ? 1 : 0)
    expect(root.ctlogs ?? []).toHaveLength(has.ct ? 1 : 0)
    expect(root.timestampAuthorities ?? []).toHaveLength(has.tsa ? 1 : 0)
    expect(thresholdsFor(d().trustedRoot)).toEqual({
      tlog: has.rekor ? 1 : 0,
      ctlog: has.ct ? 1 : 0,
      timestamp: 1
    })
  })

  it("answers a certificate request 200 with Fulcio's chain: leaf, intermediate, root", async () => {
    const res = await requestCertificate(d())
    expect(res.status).toBe(200)
    const answer = (await res.json()) as Record<
      string,
      { chain: { certificates: string[] }; signedCertificateTimestamp?: string }
    >
    const form = has.ct
      ? 'signedCertificateEmbeddedSct'
      : 'signedCertificateDetachedSct'
    expect(Object.keys(answer)).toEqual([form])
    expect(answer[form].signedCertificateTimestamp).toBeUndefined()
    const [leaf, ...chain] = answer[form].chain.certificates
    expect(chain.map(pemDer)).toEqual(d().fulcioChain)
    const [intermediate, root] = chain.map(p => new crypto.X509Certificate(p))
    expect(new crypto.X509Certificate(leaf).checkIssued(intermediate)).toBe(
      true
    )
    expect(intermediate.checkIssued(root) && root.checkIssued(root)).toBe(true)
    expect(intermediate.ca && root.ca).toBe(true)
    // An SCT is embedded in the leaf only where there is a CT log.
    const sctExtension = Buffer.from('060a2b06010401d679020402', 'hex')
    expect(pemDer(leaf).includes(sctExtension)).toBe(has.ct)
    const bundle = (await (
      await fetch(`${d().fulcioUrl}/api/v2/trustBundle`)
    ).json()) as { chains: { certificates: string[] }[] }
    expect(bundle.chains[0].certificates.map(pemDer)).toEqual(d().fulcioChain)
  })

  it("signs and verifies under the instance's own policy", async () => {
    const data = Buffer.from(`signed on ${shape}`)
    const bundle = await sign(d(), data)
    const json = bundleToJSON(bundle)
    // What the action reads: empty lists are left out of the JSON.
    expect('tlogEntries' in json.verificationMaterial).toBe(has.rekor)
    expect(
      json.verificationMaterial.timestampVerificationData?.rfc3161Timestamps
    ).toEqual(has.tsa ? [expect.anything()] : undefined)
    expect(
      verifySigstoreBundle(bundle, {
        trust: d().trustedRoot,
        identity: d().identity,
        artifact: data
      })
    ).toMatchObject({
      tlogEntries: has.rekor ? 1 : 0,
      rfc3161Timestamps: has.tsa ? 1 : 0
    })
  })
})

describe('no verified time, no signature', () => {
  it('fails a bundle without its log entry and timestamp, whatever the root offers', async () => {
    const d = doubles.private
    const data = Buffer.from('timeless')
    const bundle = await sign(d, data)
    bundle.verificationMaterial.tlogEntries = []
    bundle.verificationMaterial.timestampVerificationData = {
      rfc3161Timestamps: []
    }
    expect(() =>
      verifySigstoreBundle(bundle, {
        trust: d.trustedRoot,
        identity: d.identity,
        artifact: data,
        thresholds: { tlog: 0 }
      })
    ).toThrow(/TIMESTAMP_ERROR: expected 1 timestamps, got 0/)
  })
})

describe('what the Rekor double refuses, as Rekor does', () => {
  const entry = (certificate: string, digest: Buffer, signature: Buffer) => ({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
      signature: {
        content: signature.toString('base64'),
        publicKey: { content: Buffer.from(certificate).toString('base64') }
      }
    }
  })
  const post = (d: AnyDouble, body: unknown) =>
    fetch(`${d.rekorUrl}/api/v1/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })

  it('logs a hashedrekord whose signature verifies over the digest (201, Location, ETag)', async () => {
    const d = doubles['public-good']
    const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const data = Buffer.from('artifact')
    const digest = crypto.createHash('sha256').update(data).digest()
    const res = await post(
      d,
      entry(
        String(keys.publicKey.export({ format: 'pem', type: 'spki' })),
        digest,
        crypto.sign('sha256', data, keys.privateKey)
      )
    )
    expect(res.status).toBe(201)
    const uuid = Object.keys((await res.json()) as object)[0]
    expect(res.headers.get('etag')).toBe(uuid)
    expect(res.headers.get('location')).toBe(`/api/v1/log/entries/${uuid}`)
  })

  it('refuses one whose signature is over other bytes, or by another key (400)', async () => {
    const d = doubles['public-good']
    const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = String(keys.publicKey.export({ format: 'pem', type: 'spki' }))
    const digest = crypto.createHash('sha256').update('artifact').digest()
    const before = d.rekorEntries().length
    for (const signature of [
      crypto.sign('sha256', Buffer.from('something else'), keys.privateKey),
      crypto.sign('sha256', Buffer.from('artifact'), other.privateKey),
      Buffer.from('not a signature')
    ]) {
      const res = await post(d, entry(pem, digest, signature))
      expect(res.status).toBe(400)
      expect(((await res.json()) as { message: string }).message).toMatch(
        /invalid signature/
      )
    }
    expect(d.rekorEntries()).toHaveLength(before)
  })
})

describe('real host names (realHosts)', () => {
  let real: SigstoreDouble<'public-good'>

  beforeAll(async () => {
    real = await startSigstoreDouble({
      shape: 'public-good',
      realHosts: true
    })
  })

  afterAll(async () => {
    await real?.stop()
  })

  /** CONNECT through the double's proxy; the tunnel's status. */
  function connect(authority: string): Promise<{
    status: number
    socket: import('node:net').Socket
  }> {
    const proxy = new URL(real.networkEnv.HTTPS_PROXY)
    return new Promise((resolve, reject) => {
      http
        .request({
          host: proxy.hostname,
          port: proxy.port,
          method: 'CONNECT',
          path: authority
        })
        .once('connect', (res, socket) =>
          resolve({ status: res.statusCode ?? 0, socket })
        )
        .once('error', reject)
        .end()
    })
  }

  it("serves Fulcio and Rekor at their public names, over TLS the run's extra CA trusts", async () => {
    expect(real.fulcioUrl).toBe(INSTANCE_URLS['public-good'].fulcio)
    expect(real.rekorUrl).toBe(INSTANCE_URLS['public-good'].rekor)
    expect(real.tsaUrl).toBeUndefined()
    const { status, socket } = await connect('fulcio.sigstore.dev:443')
    expect(status).toBe(200)
    const secure = tls.connect({
      socket,
      servername: 'fulcio.sigstore.dev',
      ca: fs.readFileSync(real.networkEnv.NODE_EXTRA_CA_CERTS)
    })
    const answer = await new Promise<string>((resolve, reject) => {
      let text = ''
      secure.on('data', chunk => (text += String(chunk)))
      secure.on('end', () => resolve(text))
      secure.on('error', reject)
      secure.write(
        'GET /api/v2/trustBundle HTTP/1.1\r\nHost: fulcio.sigstore.dev\r\nConnection: close\r\n\r\n'
      )
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200/)
    expect(real.networkEnv.NO_PROXY).toBe('127.0.0.1,localhost')
  })

  it('refuses every other host, a timestamp authority included, and records the ask', async () => {
    for (const authority of [
      'timestamp.sigstore.dev:443',
      'timestamp.githubapp.com:443',
      'fulcio.sigstore.dev:8443'
    ]) {
      const { status, socket } = await connect(authority)
      socket.destroy()
      expect(status).toBe(502)
    }
    expect(real.proxied()).toContain('timestamp.sigstore.dev:443')
  })
})
