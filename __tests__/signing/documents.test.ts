import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  bundleFacts,
  certificateIdentities,
  parseDescriptors,
  simpleSigningDigest
} from '../../src/signing/documents.js'

const digest = `sha256:${'1'.repeat(64)}`
const layer = { mediaType: 'm', digest, size: 3, annotations: { a: 'b' } }

describe('parseDescriptors', () => {
  it('reads the layers of a manifest and keeps only string annotations', () => {
    const body = Buffer.from(
      JSON.stringify({ schemaVersion: 2, layers: [layer] })
    )
    expect(parseDescriptors(body, 'layers')).toEqual([
      { mediaType: 'm', digest, size: 3, annotations: { a: 'b' } }
    ])
  })
  it.each([
    ['not JSON', 'nope'],
    [
      'another schema version',
      JSON.stringify({ schemaVersion: 1, layers: [] })
    ],
    [
      'a bad digest',
      JSON.stringify({
        schemaVersion: 2,
        layers: [{ ...layer, digest: 'no digest' }]
      })
    ],
    [
      'a negative size',
      JSON.stringify({ schemaVersion: 2, layers: [{ ...layer, size: -1 }] })
    ],
    ['layers not a list', JSON.stringify({ schemaVersion: 2, layers: {} })],
    [
      'too many entries',
      JSON.stringify({ schemaVersion: 2, layers: Array(1001).fill(layer) })
    ]
  ])('refuses %s', (_name, text) => {
    expect(parseDescriptors(Buffer.from(text), 'layers')).toBeUndefined()
  })
})

describe('simpleSigningDigest', () => {
  it('reads docker-manifest-digest, and nothing from other shapes', () => {
    const payload = {
      critical: { image: { 'docker-manifest-digest': digest } }
    }
    expect(simpleSigningDigest(Buffer.from(JSON.stringify(payload)))).toBe(
      digest
    )
    expect(simpleSigningDigest(Buffer.from('{"critical":"x"}'))).toBeUndefined()
    expect(simpleSigningDigest(Buffer.from('['))).toBeUndefined()
  })
})

describe('certificateIdentities', () => {
  it('is empty for anything that is not a certificate', () => {
    expect(certificateIdentities('')).toEqual([])
    expect(certificateIdentities('-----BEGIN CERTIFICATE-----\nxx\n')).toEqual(
      []
    )
  })
})

describe('bundleFacts', () => {
  it('refuses bundles without a certificate or a DSSE statement', () => {
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
    expect(bundleFacts(Buffer.from('{}'))).toBeUndefined()
    expect(
      bundleFacts(
        Buffer.from(
          JSON.stringify({
            verificationMaterial: { certificate: { rawBytes: 'AA==' } },
            messageSignature: {}
          })
        )
      )
    ).toBeUndefined()
  })
  it('reads subjects and predicate type of a DSSE statement', () => {
    const statement = {
      subject: [
        { name: 'x', digest: { sha256: '1'.repeat(64) } },
        { digest: 5 }
      ],
      predicateType: 'p'
    }
    const bundle = {
      verificationMaterial: { certificate: { rawBytes: 'AA==' } },
      dsseEnvelope: {
        payload: Buffer.from(JSON.stringify(statement)).toString('base64')
      }
    }
    expect(bundleFacts(Buffer.from(JSON.stringify(bundle)))).toEqual({
      identities: [],
      predicateType: 'p',
      subjects: [digest]
    })
  })
})
