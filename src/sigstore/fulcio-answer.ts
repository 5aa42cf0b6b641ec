// What Fulcio answers to a certificate request, read without trusting it:
// the leaf certificate and the chain after it. Pure: no I/O.
//
// fulcio.proto (sigstore/fulcio) `SigningCertificate`: one of
// `signedCertificateEmbeddedSct` (a Fulcio with a CT log, the SCT inside the
// leaf) or `signedCertificateDetachedSct` (a Fulcio without one: no SCT, or
// a detached one beside the chain), each with `chain.certificates`, PEM,
// "the leaf certificate first, followed by all intermediate certificates (if
// present), finishing with the root certificate".
import { X509Certificate } from 'node:crypto'

/** The certificates a signature carries: Fulcio's leaf and the chain after it. */
export interface IssuedCertificate {
  /** The leaf, PEM. */
  leaf: string
  /** Intermediates then the root, PEM each, as Fulcio listed them. */
  chain: string[]
}

/** Certificates read per answer: a chain is three or four long. */
const MAX_CERTIFICATES = 10
const PEM_BLOCK =
  /^-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\s*$/

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `der` as PEM, 64 columns, as Go's pem.EncodeToMemory writes it. */
export function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

/** One PEM certificate of the answer, checked and written again; or undefined. */
function certificate(pem: unknown): X509Certificate | undefined {
  if (typeof pem !== 'string' || pem.length > 64 * 1024) return undefined
  const match = PEM_BLOCK.exec(pem.trim() + '\n')
  if (!match) return undefined
  try {
    return new X509Certificate(Buffer.from(match[1], 'base64'))
  } catch {
    return undefined
  }
}

/** The `chain.certificates` of either answer form, or undefined. */
function chainOf(answer: unknown): unknown[] | undefined {
  if (!isObject(answer)) return undefined
  const form =
    answer.signedCertificateEmbeddedSct ?? answer.signedCertificateDetachedSct
  const chain = isObject(form) ? form.chain : undefined
  const list = isObject(chain) ? chain.certificates : undefined
  return Array.isArray(list) ? list : undefined
}

/**
 * The leaf and chain of Fulcio's answer `body`, for the key `publicKey`
 * (SPKI PEM) the request named. Throws what is wrong with the answer: not
 * JSON, no chain, a certificate that does not parse, or a leaf for another key.
 */
export function readSigningCertificate(
  body: Buffer,
  publicKey: string
): IssuedCertificate {
  let answer: unknown
  try {
    answer = JSON.parse(body.toString('utf8')) as unknown
  } catch {
    answer = undefined
  }
  const listed = chainOf(answer)
  if (!listed || listed.length === 0 || listed.length > MAX_CERTIFICATES)
    throw new Error(
      'the answer has no certificate chain (signedCertificateEmbeddedSct or signedCertificateDetachedSct)'
    )
  const certificates = listed.map(certificate)
  const bad = certificates.findIndex(c => c === undefined)
  if (bad >= 0)
    throw new Error(
      `certificate ${bad + 1} of the answer is not a PEM certificate`
    )
  const [leaf, ...chain] = certificates as X509Certificate[]
  const ours = leaf.publicKey.export({ type: 'spki', format: 'pem' })
  if (String(ours).trim() !== publicKey.trim())
    throw new Error(
      'the certificate is for another public key than the one sent'
    )
  return {
    leaf: derToPem(leaf.raw),
    chain: chain.map(c => derToPem(c.raw))
  }
}

/**
 * The subject Fulcio checks the proof of possession against: the token's
 * email (when its issuer verified it), else its `sub`, as @sigstore/sign's
 * extractJWTSubject reads it. Not verified here: Fulcio verifies the token.
 */
export function tokenSubject(token: string): string {
  let claims: unknown
  try {
    const payload = token.split('.')[1] ?? ''
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    claims = undefined
  }
  if (isObject(claims) && typeof claims.email === 'string') {
    if (claims.email_verified === true) return claims.email
    throw new Error("the OIDC token's email is not verified by its issuer")
  }
  if (isObject(claims) && typeof claims.sub === 'string' && claims.sub)
    return claims.sub
  throw new Error('the OIDC token has no subject (sub) claim')
}
