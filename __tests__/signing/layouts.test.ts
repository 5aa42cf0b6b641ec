import { describe, expect, it } from 'vitest'
import type { SerializedBundle } from '../../src/sigstore/signer.js'
import {
  bundleAnnotations,
  bundleManifest,
  cosignAnnotations,
  describe as describeBlob,
  EMPTY_BLOB,
  referrersIndex,
  referrersTag,
  sha256,
  signatureConfig,
  signatureTag
} from '../../src/signing/layouts.js'

const digest = `sha256:${'0f'.repeat(32)}`

const tlogEntry = {
  logIndex: '17',
  logId: { keyId: Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64') },
  kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
  integratedTime: '1700000000',
  inclusionPromise: { signedEntryTimestamp: 'U0VU' },
  canonicalizedBody: 'Qk9EWQ=='
}
const leaf = Buffer.from('not really DER').toString('base64')
const chain = [
  '-----BEGIN CERTIFICATE-----\nSU5U\n-----END CERTIFICATE-----\n',
  '-----BEGIN CERTIFICATE-----\nUk9PVA==\n-----END CERTIFICATE-----\n'
]

/**
 * A message-signature bundle as bundleToJSON writes it for each shape of
 * Sigstore: protobuf JSON leaves empty lists out, so a run without Rekor has
 * no `tlogEntries` and one without a timestamp authority has
 * `timestampVerificationData: {}`.
 */
function wireBundle(material: Record<string, unknown>): SerializedBundle {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.2+json',
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: leaf }] },
      ...material
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: 'ZGln' },
      signature: 'U0lH'
    }
  } as unknown as SerializedBundle
}

const stamps = { rfc3161Timestamps: [{ signedTimestamp: 'VFNB' }] }
const publicGood = wireBundle({
  tlogEntries: [tlogEntry],
  timestampVerificationData: {}
})
const githubInstance = wireBundle({ timestampVerificationData: stamps })
const allThree = wireBundle({
  tlogEntries: [tlogEntry],
  timestampVerificationData: stamps
})

describe('tags', () => {
  it('are where cosign 2 and the referrers tag schema look', () => {
    expect(signatureTag(digest)).toBe(`sha256-${'0f'.repeat(32)}.sig`)
    expect(referrersTag(digest)).toBe(`sha256-${'0f'.repeat(32)}`)
  })
})

describe('cosignAnnotations', () => {
  const SIGNATURE = 'dev.cosignproject.cosign/signature'
  const CERTIFICATE = 'dev.sigstore.cosign/certificate'
  const CHAIN = 'dev.sigstore.cosign/chain'
  const BUNDLE = 'dev.sigstore.cosign/bundle'
  const TIMESTAMP = 'dev.sigstore.cosign/rfc3161timestamp'
  it.each([
    ['public-good (Rekor, no timestamp authority)', publicGood, [BUNDLE]],
    [
      "GitHub's instance (timestamp authority, no Rekor)",
      githubInstance,
      [TIMESTAMP]
    ],
    ['a private Sigstore with both', allThree, [BUNDLE, TIMESTAMP]]
  ])('%s: what was witnessed, keys in Go’s order', (_, bundle, witnessed) => {
    expect(Object.keys(cosignAnnotations(bundle, chain))).toEqual(
      [SIGNATURE, CERTIFICATE, CHAIN, ...witnessed].sort()
    )
  })
  const annotations = cosignAnnotations(allThree, chain)
  it('carries the signature, the leaf as PEM and the chain Fulcio returned', () => {
    expect(annotations[SIGNATURE]).toBe('U0lH')
    expect(annotations[CERTIFICATE]).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/
    )
    expect(annotations[CHAIN]).toBe(chain.join(''))
  })
  it('writes an empty chain when Fulcio returned the leaf alone, as cosign does', () => {
    expect(cosignAnnotations(publicGood, [])[CHAIN]).toBe('')
  })
  it("writes the Rekor promise as cosign's bundle: numbers, hex log id", () => {
    expect(JSON.parse(annotations[BUNDLE])).toEqual({
      SignedEntryTimestamp: 'U0VU',
      Payload: {
        body: 'Qk9EWQ==',
        integratedTime: 1700000000,
        logIndex: 17,
        logID: 'deadbeef'
      }
    })
    expect(Object.keys(JSON.parse(annotations[BUNDLE]).Payload)).toEqual([
      'body',
      'integratedTime',
      'logIndex',
      'logID'
    ])
  })
  it('writes the RFC 3161 timestamp as cosign does', () => {
    expect(JSON.parse(annotations[TIMESTAMP])).toEqual({
      SignedRFC3161Timestamp: 'VFNB'
    })
  })
  it('reads a leaf in `certificate` (bundle v0.3) as well', () => {
    const v03 = wireBundle({ tlogEntries: [tlogEntry] })
    const material = v03.verificationMaterial as unknown as Record<
      string,
      unknown
    >
    delete material.x509CertificateChain
    material.certificate = { rawBytes: leaf }
    expect(cosignAnnotations(v03, chain)[CERTIFICATE]).toBe(
      annotations[CERTIFICATE]
    )
  })
  it('refuses a bundle without a message signature', () => {
    expect(() =>
      cosignAnnotations(
        { ...publicGood, messageSignature: undefined } as never,
        []
      )
    ).toThrow(/no message signature/)
  })
})

describe('bundleManifest', () => {
  it('is what cosign 3 writes: artifactType, empty config naming it, one bare layer, subject', () => {
    const layer = describeBlob(
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      Buffer.from('{"bundle":1}')
    )
    const subject = describeBlob(
      'application/vnd.oci.image.manifest.v1+json',
      Buffer.from('chart manifest')
    )
    const created = new Date('2026-11-30T12:00:00.456Z')
    const manifest = JSON.parse(
      bundleManifest(
        layer,
        subject,
        bundleAnnotations('https://slsa.dev/provenance/v1', created)
      ).toString()
    )
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        size: 2,
        digest:
          'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json'
      },
      layers: [layer],
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
        'org.opencontainers.image.created': '2026-11-30T12:00:00Z'
      },
      subject,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json'
    })
    // encoding/json's order of cosign's referrerManifest and v1.Descriptor.
    expect(Object.keys(manifest)).toEqual([
      'schemaVersion',
      'mediaType',
      'config',
      'layers',
      'annotations',
      'subject',
      'artifactType'
    ])
    expect(Object.keys(manifest.subject)).toEqual([
      'mediaType',
      'size',
      'digest'
    ])
    expect(sha256(EMPTY_BLOB)).toBe(manifest.config.digest)
  })
})

describe('referrersIndex', () => {
  const a = { mediaType: 'x', digest: `sha256:${'a'.repeat(64)}`, size: 1 }
  const b = { mediaType: 'x', digest: `sha256:${'b'.repeat(64)}`, size: 2 }
  it('keeps what is listed and adds the new entry once', () => {
    const once = JSON.parse(referrersIndex([a], b).toString())
    expect(once.manifests).toEqual([a, b])
    expect(once.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(JSON.parse(referrersIndex([a, b], b).toString()).manifests).toEqual([
      a,
      b
    ])
  })
})

describe('signatureConfig', () => {
  it('is an image config listing each layer', () => {
    const config = JSON.parse(signatureConfig([a(), b()]).toString())
    expect(config.rootfs).toEqual({
      type: 'layers',
      diff_ids: [a().digest, b().digest]
    })
    expect(config.history).toHaveLength(2)
  })
  const a = () => describeBlob('t', Buffer.from('a'))
  const b = () => describeBlob('t', Buffer.from('b'))
})
