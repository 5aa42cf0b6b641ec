// The trusted root of a Sigstore double: exactly the keys and certificates
// of the services that instance has, in protobuf-specs' TrustedRoot JSON, so
// @sigstore/verify (or cosign --trusted-root) trusts what the double signed
// and nothing else. Like the real roots: public-good's lists its Fulcio
// chain, Rekor and CT log and no timestamp authority; GitHub's lists its
// Fulcio chain and timestamp authority, no log and no CT log.
import crypto from 'node:crypto'
import {
  HashAlgorithm,
  PublicKeyDetails,
  TrustedRoot,
  type TransparencyLogInstance
} from '@sigstore/protobuf-specs'

export const TRUSTED_ROOT_MEDIA_TYPE =
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1'

/** A TrustedRoot in its protobuf-specs JSON form. */
export interface TrustedRootJson {
  mediaType: string
  [field: string]: unknown
}

/** What one instance's services sign with. */
export interface InstanceKeys {
  /** Whole second from which everything is valid. */
  validFrom: Date
  fulcio: { url: string; chain: Buffer[] }
  ctlog?: { url: string; publicKey: Buffer; logID: Buffer }
  rekor?: { url: string; publicKey: Buffer }
  tsa?: { url: string; chain: Buffer[] }
}

const sha256 = (data: Buffer): Buffer =>
  crypto.createHash('sha256').update(data).digest()

function logInstance(
  baseUrl: string,
  publicKey: Buffer,
  logId: Buffer,
  validFrom: Date
): TransparencyLogInstance {
  return {
    baseUrl,
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: {
      rawBytes: publicKey,
      keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
      validFor: { start: validFrom }
    },
    logId: { keyId: logId },
    checkpointKeyId: undefined,
    operator: 'sigstore-double.test'
  }
}

/** The trusted root naming `keys`, and only them. */
export function trustedRootOf(keys: InstanceKeys): TrustedRootJson {
  const { validFrom } = keys
  return TrustedRoot.toJSON({
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: keys.rekor
      ? [
          logInstance(
            keys.rekor.url,
            keys.rekor.publicKey,
            sha256(keys.rekor.publicKey),
            validFrom
          )
        ]
      : [],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: keys.fulcio.url,
        certChain: {
          certificates: keys.fulcio.chain.map(rawBytes => ({ rawBytes }))
        },
        validFor: { start: validFrom },
        operator: 'sigstore-double.test'
      }
    ],
    ctlogs: keys.ctlog
      ? [
          logInstance(
            keys.ctlog.url,
            keys.ctlog.publicKey,
            keys.ctlog.logID,
            validFrom
          )
        ]
      : [],
    timestampAuthorities: keys.tsa
      ? [
          {
            subject: { organization: 'sigstore.mock', commonName: 'tsa' },
            uri: keys.tsa.url,
            certChain: {
              certificates: keys.tsa.chain.map(rawBytes => ({ rawBytes }))
            },
            validFor: { start: validFrom },
            operator: 'sigstore-double.test'
          }
        ]
      : []
  }) as TrustedRootJson
}
