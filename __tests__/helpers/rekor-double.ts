// Rekor v1, as its OpenAPI description (sigstore/rekor openapi.yaml) and
// server document it: POST /api/v1/log/entries takes a proposed hashedrekord
// or dsse entry and answers 201 with the LogEntry (body, integratedTime,
// logID, logIndex, verification: inclusionProof and signedEntryTimestamp),
// its UUID as ETag and its URL as Location; an equivalent entry answers 409
// with Location, and GET /api/v1/log/entries/{uuid} serves what was logged.
// The log itself (SET, checkpoint, inclusion proof) is @sigstore/mock's.
//
// Checked as Rekor checks: the entry's kind and shape, a hashedrekord's
// signature over the digest (ecdsa-p256.ts), a dsse entry's signatures over
// the envelope.
import crypto from 'node:crypto'
import { json as canonicalJson } from '@sigstore/core'
import { initializeTLog, rekorHandler } from '@sigstore/mock'
import { verifyDigestP256 } from './ecdsa-p256.js'
import {
  errorReply,
  isJson,
  jsonReply,
  parseJson,
  sha256,
  toPem,
  viewBytes,
  type Reply,
  type Route
} from './sigstore-http.js'

/** An entry as the Rekor double logged it (the API's LogEntry value). */
export interface RekorEntry {
  uuid: string
  body: string
  integratedTime: number
  logID: string
  logIndex: number
  verification: {
    signedEntryTimestamp: string
    inclusionProof?: unknown
  }
}

export interface RekorDouble {
  route: Route
  /** The log's public key, SPKI DER. */
  publicKey: Buffer
  entries(): RekorEntry[]
}

/** Rekor: the hashedrekord and dsse kinds, stored as Rekor stores them. */
function rekorBody(proposed: unknown): Record<string, unknown> {
  const entry = proposed as {
    kind?: unknown
    apiVersion?: unknown
    spec?: Record<string, unknown>
  }
  const kind = `${String(entry?.kind)}/${String(entry?.apiVersion)}`
  if (kind === 'hashedrekord/0.0.1') return hashedRekord(entry.spec ?? {})
  if (kind === 'dsse/0.0.1') return dsseRekord(entry.spec ?? {})
  throw new Error(
    `the Rekor double takes hashedrekord/0.0.1 and dsse/0.0.1 entries, not ${kind}`
  )
}

function certificateKey(base64Pem: unknown): crypto.KeyObject {
  if (typeof base64Pem !== 'string') throw new Error('missing public key')
  const pem = Buffer.from(base64Pem, 'base64').toString('utf8')
  if (!pem.includes('-----BEGIN'))
    throw new Error('the public key is not base64 of a PEM')
  return crypto.createPublicKey(pem)
}

function hashedRekord(spec: Record<string, unknown>): Record<string, unknown> {
  const data = spec.data as { hash?: { algorithm?: string; value?: string } }
  const signature = spec.signature as {
    content?: string
    publicKey?: { content?: string }
  }
  if (
    data?.hash?.algorithm !== 'sha256' ||
    !/^[a-f0-9]{64}$/.test(data.hash.value ?? '')
  )
    throw new Error('spec.data.hash must be a sha256 hex digest')
  if (!signature?.content) throw new Error('spec.signature.content is missing')
  // Rekor verifies the signature over the digest with the key or
  // certificate's key (pkg/types/hashedrekord/v0.0.1: VerifySignature with
  // options.WithDigest), and refuses an entry whose signature does not.
  const key = certificateKey(signature.publicKey?.content)
  const digest = Buffer.from(data.hash.value ?? '', 'hex')
  if (!verifyDigestP256(key, digest, Buffer.from(signature.content, 'base64')))
    throw new Error(
      'verifying signature: invalid signature when validating ASN.1 encoded signature'
    )
  return { apiVersion: '0.0.1', kind: 'hashedrekord', spec }
}

/** DSSE pre-authentication encoding. */
function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType)
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload
  ])
}

// Rekor turns a proposed dsse entry into envelopeHash, payloadHash and
// (signature, verifier) pairs; @sigstore/mock stores the proposal as it came,
// which @sigstore/verify then rejects ("signature count mismatch").
function dsseRekord(spec: Record<string, unknown>): Record<string, unknown> {
  const proposed = spec.proposedContent as {
    envelope?: unknown
    verifiers?: unknown
  }
  if (typeof proposed?.envelope !== 'string')
    throw new Error('spec.proposedContent.envelope must be a JSON string')
  const verifiers = Array.isArray(proposed.verifiers) ? proposed.verifiers : []
  if (verifiers.length === 0)
    throw new Error('spec.proposedContent.verifiers is empty')
  const envelope = JSON.parse(proposed.envelope) as {
    payloadType?: string
    payload?: string
    signatures?: { sig?: string }[]
  }
  const payload = Buffer.from(envelope.payload ?? '', 'base64')
  const message = pae(envelope.payloadType ?? '', payload)
  const signatures = (envelope.signatures ?? []).map(({ sig }) => {
    const verifier = verifiers.find(v =>
      crypto.verify(
        'sha256',
        message,
        certificateKey(v),
        Buffer.from(sig ?? '', 'base64')
      )
    ) as string | undefined
    if (!verifier)
      throw new Error('a DSSE signature verifies with none of the verifiers')
    return { signature: sig, verifier }
  })
  if (signatures.length === 0) throw new Error('the envelope has no signature')
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: {
        algorithm: 'sha256',
        value: sha256(proposed.envelope).toString('hex')
      },
      payloadHash: {
        algorithm: 'sha256',
        value: sha256(payload).toString('hex')
      },
      signatures
    }
  }
}

/** The Rekor double, whose checkpoints name `origin` (its base URL). */
export async function startRekor(origin: string): Promise<RekorDouble> {
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const tlog = await initializeTLog(origin, keys)
  const handler = rekorHandler(tlog)
  const entries = new Map<string, RekorEntry>()
  const byBody = new Map<string, string>()
  const create = async (body: Buffer): Promise<Reply> => {
    let stored: Record<string, unknown>
    try {
      stored = rekorBody(parseJson(body))
    } catch (error) {
      return errorReply(400, (error as Error).message)
    }
    const canonical = canonicalJson.canonicalize(stored)
    const existing = byBody.get(canonical)
    if (existing)
      return {
        ...errorReply(
          409,
          `An equivalent entry already exists in the transparency log with UUID ${existing}`
        ),
        headers: { location: `/api/v1/log/entries/${existing}` }
      }
    const { statusCode, response } = await handler.fn(canonical)
    if (statusCode !== 201) return errorReply(statusCode, String(response))
    const [[uuid, value]] = Object.entries(
      JSON.parse(String(response)) as Record<string, Omit<RekorEntry, 'uuid'>>
    )
    entries.set(uuid, { uuid, ...value })
    byBody.set(canonical, uuid)
    return jsonReply(
      201,
      { [uuid]: value },
      { location: `/api/v1/log/entries/${uuid}`, etag: uuid }
    )
  }
  const route: Route = async (req, url, body) => {
    const get = /^\/api\/v1\/log\/entries\/([a-f0-9]+)$/.exec(url.pathname)
    if (req.method === 'GET' && get) {
      const entry = entries.get(get[1])
      if (!entry) return errorReply(404, 'entry not found')
      const { uuid, ...value } = entry
      return jsonReply(200, { [uuid]: value })
    }
    if (req.method === 'GET' && url.pathname === '/api/v1/log/publicKey')
      return {
        status: 200,
        body: toPem(tlog.publicKey, 'PUBLIC KEY'),
        contentType: 'application/x-pem-file'
      }
    if (req.method !== 'POST' || url.pathname !== '/api/v1/log/entries')
      return errorReply(404, 'Not Found')
    if (!isJson(req)) return errorReply(415, 'Content-Type must be JSON')
    return create(body)
  }
  return {
    route,
    publicKey: viewBytes(tlog.publicKey),
    entries: () => [...entries.values()]
  }
}
