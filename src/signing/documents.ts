// Reading what a registry holds next to a chart: manifests, indexes, Simple
// Signing payloads, Sigstore bundles and certificates. A registry's answer
// can hold anything: every reader checks shapes and returns undefined rather
// than trusting a field. Pure: no I/O.
import { X509Certificate } from 'node:crypto'
import { parseDescriptor } from '../registry/oci-index.js'
import type { Descriptor } from './layouts.js'

const MAX_DESCRIPTORS = 1000

function parseJson(bytes: Buffer | string): unknown {
  try {
    return JSON.parse(bytes.toString()) as unknown
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The descriptors of `field` (`layers` of a manifest, `manifests` of an
 * index), or undefined when the document is not of that shape.
 */
export function parseDescriptors(
  body: Buffer,
  field: 'layers' | 'manifests'
): Descriptor[] | undefined {
  const json = parseJson(body)
  if (!isObject(json) || json.schemaVersion !== 2) return undefined
  const list = json[field]
  if (!Array.isArray(list) || list.length > MAX_DESCRIPTORS) return undefined
  try {
    // The registry's own check; fields it does not name are kept as they came.
    return list.map((entry: unknown, i) => parseDescriptor(entry, `entry ${i}`))
  } catch {
    return undefined
  }
}

/** The digest a cosign Simple Signing payload names, if it is one. */
export function simpleSigningDigest(payload: Buffer): string | undefined {
  const json = parseJson(payload)
  if (!isObject(json) || !isObject(json.critical)) return undefined
  const image = json.critical.image
  const digest = isObject(image) ? image['docker-manifest-digest'] : undefined
  return typeof digest === 'string' ? digest : undefined
}

/** The URIs and emails a certificate (PEM or base64 DER) is issued to. */
export function certificateIdentities(certificate: string): string[] {
  try {
    const input = certificate.includes('-----BEGIN')
      ? certificate
      : Buffer.from(certificate, 'base64')
    const names = new X509Certificate(input).subjectAltName ?? ''
    return names
      .split(/,\s*/)
      .map(name => /^(?:URI|email):(.*)$/.exec(name)?.[1])
      .filter((name): name is string => name !== undefined)
      .map(name => name.replace(/^"(.*)"$/, '$1'))
  } catch {
    return []
  }
}

/** What a stored Sigstore bundle says: who signed, what about. */
export interface BundleFacts {
  /** Identities in the leaf certificate. */
  identities: string[]
  /** The statement's predicate type (DSSE bundles). */
  predicateType?: string
  /** sha256 digests of the statement's subjects, `sha256:<hex>`. */
  subjects: string[]
}

/** The facts of a bundle JSON, or undefined when it is not a DSSE bundle. */
export function bundleFacts(bytes: Buffer): BundleFacts | undefined {
  const json = parseJson(bytes)
  if (!isObject(json) || !isObject(json.verificationMaterial)) return undefined
  const material = json.verificationMaterial
  const leaf = isObject(material.certificate)
    ? material.certificate.rawBytes
    : undefined
  const envelope = json.dsseEnvelope
  if (typeof leaf !== 'string' || !isObject(envelope)) return undefined
  if (typeof envelope.payload !== 'string') return undefined
  const statement = parseJson(Buffer.from(envelope.payload, 'base64'))
  if (!isObject(statement) || !Array.isArray(statement.subject))
    return undefined
  const subjects = statement.subject.flatMap(subject => {
    const digest = isObject(subject) ? subject.digest : undefined
    const hex = isObject(digest) ? digest.sha256 : undefined
    return typeof hex === 'string' ? [`sha256:${hex}`] : []
  })
  const predicateType =
    typeof statement.predicateType === 'string'
      ? statement.predicateType
      : undefined
  return { identities: certificateIdentities(leaf), predicateType, subjects }
}
