// The chain-keeping Fulcio signer against the Fulcio double (which answers
// as fulcio.proto documents: 200, leaf then intermediate then root).
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fulcioSigner, ServiceError } from '../../src/sigstore/fulcio.js'
import {
  startSigstoreDouble,
  type InstanceShape,
  type SigstoreDouble
} from '../helpers/sigstore-double.js'

let doubles: SigstoreDouble<InstanceShape>[]

beforeAll(async () => {
  doubles = await Promise.all([
    startSigstoreDouble({ shape: 'public-good' }),
    startSigstoreDouble({ shape: 'github' })
  ])
})

afterAll(async () => {
  await Promise.all((doubles ?? []).map(d => d.stop()))
})

const signerFor = (
  d: SigstoreDouble<InstanceShape>,
  token: () => Promise<string> = async () => d.idToken()
) =>
  fulcioSigner({ fulcioUrl: d.fulcioUrl, token, timeoutMs: 60_000, retries: 1 })

const fulcioCalls = (d: SigstoreDouble<InstanceShape>) =>
  d.requests.filter(r => r.service === 'fulcio')

describe('fulcioSigner', () => {
  it.each([0, 1])(
    'keeps the chain Fulcio returned after the leaf (double %i: with and without a CT log)',
    async index => {
      const d = doubles[index]
      const signer = signerFor(d)
      expect(signer.chain).toEqual([])
      const data = Buffer.from('payload')
      const signature = await signer.sign(data)
      expect(signature.key.$case).toBe('x509Certificate')
      const leaf =
        signature.key.$case === 'x509Certificate'
          ? new crypto.X509Certificate(signature.key.certificate)
          : undefined
      expect(leaf?.subjectAltName).toBe(
        `URI:${d.identity.subjectAlternativeName}`
      )
      expect(
        crypto.verify('sha256', data, leaf!.publicKey, signature.signature)
      ).toBe(true)
      expect(
        signer.chain.map(pem => new crypto.X509Certificate(pem).raw)
      ).toEqual(d.fulcioChain)
    }
  )

  it('says what Fulcio refused, naming the status, without retrying a 400', async () => {
    const d = doubles[0]
    const before = fulcioCalls(d).length
    d.failNext('fulcio', 400, {
      message: 'The signature supplied in the request could not be verified'
    })
    const error = await signerFor(d)
      .sign(Buffer.from('x'))
      .catch(e => e)
    expect(error).toBeInstanceOf(ServiceError)
    expect(error).toMatchObject({
      code: 'CA_CREATE_SIGNING_CERTIFICATE_ERROR',
      message:
        'HTTP 400: The signature supplied in the request could not be verified'
    })
    expect(fulcioCalls(d).length - before).toBe(1)
  })

  it('tries again after a 503, then signs', async () => {
    const d = doubles[1]
    const before = fulcioCalls(d).length
    d.failNext('fulcio', 503)
    const signer = signerFor(d)
    await signer.sign(Buffer.from('x'))
    expect(
      fulcioCalls(d)
        .slice(before)
        .map(r => r.status)
    ).toEqual([503, 200])
    expect(signer.chain).toHaveLength(2)
  })

  it('reports a token that cannot be had as the identity’s failure, asking Fulcio nothing', async () => {
    const d = doubles[1]
    const before = fulcioCalls(d).length
    const error = await signerFor(d, async () => {
      throw new Error('id-token: write is missing')
    })
      .sign(Buffer.from('x'))
      .catch(e => e)
    expect(error).toMatchObject({
      code: 'IDENTITY_TOKEN_READ_ERROR',
      message: 'id-token: write is missing'
    })
    expect(fulcioCalls(d)).toHaveLength(before)
  })
})
