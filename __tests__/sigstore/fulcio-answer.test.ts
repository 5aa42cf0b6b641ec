import crypto from 'node:crypto'
import { initializeCA } from '@sigstore/mock'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  derToPem,
  readSigningCertificate,
  tokenSubject
} from '../../src/sigstore/fulcio-answer.js'

const keyPem = (key: crypto.KeyObject) =>
  String(key.export({ format: 'pem', type: 'spki' }))

let leaf: string
let root: string
let publicKey: string

beforeAll(async () => {
  const ca = await initializeCA(
    crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  )
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  publicKey = keyPem(keys.publicKey)
  const der = await ca.issueCertificate({
    publicKey: keys.publicKey.export({ format: 'der', type: 'spki' }),
    subjectAltName: 'https://github.com/acme/charts/.github/workflows/r.yml'
  })
  leaf = derToPem(Buffer.from(der.buffer, der.byteOffset, der.byteLength))
  const rootDer = ca.rootCertificate
  root = derToPem(
    Buffer.from(rootDer.buffer, rootDer.byteOffset, rootDer.byteLength)
  )
})

const answer = (form: string, certificates: unknown) =>
  Buffer.from(JSON.stringify({ [form]: { chain: { certificates } } }))

describe('readSigningCertificate', () => {
  it.each([
    ['signedCertificateEmbeddedSct (a Fulcio with a CT log)'],
    ['signedCertificateDetachedSct (a Fulcio without one)']
  ])('reads the leaf and the chain after it from %s', form => {
    const name = form.split(' ')[0]
    expect(
      readSigningCertificate(answer(name, [leaf, root]), publicKey)
    ).toEqual({ leaf, chain: [root] })
  })

  it('writes certificates again as PEM, 64 columns, whatever the line ends', () => {
    const crlf = leaf.replace(/\n/g, '\r\n')
    const read = readSigningCertificate(
      answer('signedCertificateEmbeddedSct', [crlf, root]),
      publicKey
    )
    expect(read.leaf).toBe(leaf)
    expect(read.leaf.split('\n').every(line => line.length <= 64)).toBe(true)
  })

  it.each<[string, () => Buffer, RegExp]>([
    ['not JSON', () => Buffer.from('<html>'), /no certificate chain/],
    [
      'no chain',
      () => Buffer.from('{"signedCertificateEmbeddedSct":{}}'),
      /no certificate chain/
    ],
    [
      'an empty chain',
      () => answer('signedCertificateEmbeddedSct', []),
      /no certificate chain/
    ],
    [
      'eleven certificates',
      () => answer('signedCertificateEmbeddedSct', Array(11).fill(leaf)),
      /no certificate chain/
    ],
    [
      'a certificate that is not PEM',
      () => answer('signedCertificateEmbeddedSct', [leaf, 'MIIB...']),
      /certificate 2 of the answer is not a PEM certificate/
    ],
    [
      'PEM of garbage',
      () =>
        answer('signedCertificateEmbeddedSct', [
          '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'
        ]),
      /certificate 1 of the answer is not a PEM certificate/
    ],
    [
      'a number where PEM should be',
      () => answer('signedCertificateDetachedSct', [42]),
      /certificate 1/
    ]
  ])('refuses %s', (_, body, message) => {
    expect(() => readSigningCertificate(body(), publicKey)).toThrow(message)
  })

  it('refuses a leaf for another key than the one sent', () => {
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    expect(() =>
      readSigningCertificate(
        answer('signedCertificateEmbeddedSct', [leaf, root]),
        keyPem(other.publicKey)
      )
    ).toThrow(/another public key/)
  })
})

describe('tokenSubject', () => {
  const jwt = (claims: object) =>
    `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`
  it.each<[string, object, string]>([
    [
      'a GitHub Actions token: its sub',
      { sub: 'repo:acme/charts:ref:refs/tags/v1' },
      'repo:acme/charts:ref:refs/tags/v1'
    ],
    [
      'a verified email before sub',
      { sub: 'x', email: 'a@b.c', email_verified: true },
      'a@b.c'
    ]
  ])('%s', (_, claims, subject) => {
    expect(tokenSubject(jwt(claims))).toBe(subject)
  })
  it.each<[string, string, RegExp]>([
    ['an unverified email', jwt({ sub: 'x', email: 'a@b.c' }), /not verified/],
    ['no sub', jwt({ iss: 'x' }), /no subject/],
    ['not a JWT', 'token', /no subject/]
  ])('refuses %s', (_, token, message) => {
    expect(() => tokenSubject(token)).toThrow(message)
  })
})
