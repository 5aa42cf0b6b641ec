// An independent verifier of the signatures and attestations the action
// stores: it reads them back from a real OCI registry (or takes a bundle the
// GitHub double received) and verifies them with @sigstore/verify against a
// trusted root, under a policy of expected certificate SAN and issuer. It
// shares no code with the action: the layouts are read as cosign, Flux and
// the OCI spec define them, not as the action writes them.
//
// The policy is the one verifiers apply to each instance (cli/cli
// verification/sigstore.go): what the trusted root offers, a signature must
// have. A root with a transparency log wants a verified log entry, one with
// a CT log an SCT, and every signature needs at least one verified time, an
// inclusion promise (SET) or an RFC 3161 timestamp. So public-good (Rekor, no
// timestamp authority) verifies on its SET; GitHub's instance (a timestamp
// authority, no log, no CT log) on its timestamp alone.
//
// Two registry layouts:
// - cosign v2 (cosign's SIGNATURE_SPEC): tag `sha256-<hex>.sig`, an image
//   manifest whose simple-signing layers carry the signature, certificate,
//   chain, Rekor SET ("bundle") and RFC 3161 timestamp as annotations. The
//   verifier rebuilds a Sigstore bundle (v0.1: message signature, chain,
//   tlog entry with inclusion promise) from them, as cosign and Flux do.
// - cosign v3 / OCI 1.1 referrers (cosign's BUNDLE_SPEC): manifests whose
//   subject is the chart, artifactType the Sigstore bundle v0.3 media type,
//   one layer holding the bundle JSON (a DSSE envelope of an in-toto
//   statement); found through the referrers API, or the `sha256-<hex>`
//   referrers tag (an index) where the registry has no such API.
import crypto from 'node:crypto'
import { X509Certificate as CoreCertificate } from '@sigstore/core'
import {
  bundleFromJSON,
  BUNDLE_V01_MEDIA_TYPE,
  type Bundle
} from '@sigstore/bundle'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier,
  type TrustMaterial
} from '@sigstore/verify'
import type { TrustedRootJson } from './sigstore-double.js'

export const SIMPLE_SIGNING_MEDIA_TYPE =
  'application/vnd.dev.cosign.simplesigning.v1+json'
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature'
export const SIGSTORE_BUNDLE_MEDIA_TYPE =
  'application/vnd.dev.sigstore.bundle.v0.3+json'
export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json'
/** The OCI 1.1 empty descriptor (`{}`). */
export const OCI_EMPTY_DESCRIPTOR = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest:
    'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2
} as const
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1'
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1'
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1'

/** cosign's annotation keys on a simple-signing layer. */
export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp'
} as const

/** Annotations of a cosign v3 bundle referrer manifest. */
export const BUNDLE_ANNOTATIONS = {
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
  created: 'org.opencontainers.image.created'
} as const

// ------------------------------------------------------------ Types

/** The signer a signature must come from. */
export interface ExpectedIdentity {
  /**
   * The certificate's SAN: a string matches exactly (@sigstore/verify would
   * treat it as an unanchored regular expression), a RegExp as given.
   */
  subjectAlternativeName: string | RegExp
  /** The Fulcio issuer extension (the OIDC token's `iss`), exactly. */
  issuer: string
}

/** A trusted root (protobuf-specs JSON, as the double gives it) or trust material. */
export type Trust = TrustedRootJson | TrustMaterial

/**
 * Minimum counts of verified evidence; by default what the trusted root
 * offers (thresholdsFor).
 */
export interface Thresholds {
  /** Transparency log entries (Rekor). */
  tlog?: number
  /** Verified times: Rekor inclusion promises plus RFC 3161 timestamps. */
  timestamp?: number
  /** SCTs embedded in the certificate. */
  ctlog?: number
}

/** What the verifier reads from a registry; RegistryClient fits. */
export interface OciReader {
  getManifest(
    repository: string,
    reference: string
  ): Promise<{ digest: string; body: Buffer; mediaType?: string } | undefined>
  getBlob(repository: string, digest: string): Promise<Buffer>
  /**
   * The referrers API's answer (an OCI image index) for `digest`, or
   * undefined when the registry has no referrers API (404). Optional:
   * without it, the referrers tag is read.
   */
  getReferrers?(repository: string, digest: string): Promise<Buffer | undefined>
}

export interface VerifiedSigner {
  subjectAlternativeName: string
  issuer: string
  /** Verified Rekor entries. */
  tlogEntries: number
  /** Verified RFC 3161 timestamps. */
  rfc3161Timestamps: number
}

/**
 * What a verifier that trusts only Fulcio's root makes of a `.sig` layer's
 * `dev.sigstore.cosign/chain` (cosign's pkg/cosign/verify.go takes the
 * intermediates from it when none were loaded; Kyverno's `roots` works so):
 * 'verified' when leaf, chain and a trusted root chain up, 'empty' when the
 * annotation is there and empty (cosign 3 writes it so), 'absent' without it.
 */
export type ChainAnnotation = 'verified' | 'empty' | 'absent'

export interface InTotoStatement {
  _type: string
  subject: { name?: string; digest: Record<string, string> }[]
  predicateType: string
  predicate?: Record<string, unknown>
}

export interface CosignLayerResult {
  /** The simple-signing layer (payload blob) digest. */
  layer: string
  verified: boolean
  /** Why it did not verify. */
  error?: string
  signer?: VerifiedSigner
  /** `critical.image.docker-manifest-digest` of the payload. */
  dockerManifestDigest?: string
  /** `critical.identity.docker-reference` of the payload. */
  dockerReference?: string
  payload?: Record<string, unknown>
  /** The layer's annotations, as stored. */
  annotations?: Record<string, string>
  chain?: ChainAnnotation
}

export interface ReferrerResult {
  /** The referrer manifest's digest. */
  referrer: string
  /** How it was found. */
  via: 'referrers-api' | 'referrers-tag'
  verified: boolean
  error?: string
  signer?: VerifiedSigner
  statement?: InTotoStatement
  /** `org.opencontainers.image.created` of the referrer manifest. */
  created?: string
}

interface Descriptor {
  mediaType?: string
  artifactType?: string
  digest: string
  size: number
  annotations?: Record<string, string>
}

interface ImageManifest {
  schemaVersion?: number
  mediaType?: string
  artifactType?: string
  config?: Descriptor
  layers?: Descriptor[]
  subject?: Descriptor
  annotations?: Record<string, string>
}

// ------------------------------------------------------------ Helpers

const sha256 = (data: Buffer | string): Buffer =>
  crypto.createHash('sha256').update(data).digest()

const ociDigest = (data: Buffer): string =>
  `sha256:${sha256(data).toString('hex')}`

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function explain(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  const cause = (error as { cause?: unknown }).cause
  const head =
    typeof code === 'string' ? `${code}: ${error.message}` : error.message
  return cause instanceof Error ? `${head} (${cause.message})` : head
}

function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new Error(`${what} is not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} is not a JSON object`)
  return value as Record<string, unknown>
}

/** The DER certificates of a PEM bundle. */
export function pemCertificates(pem: string): Buffer[] {
  const blocks = [
    ...pem.matchAll(
      /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g
    )
  ]
  return blocks.map(m => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'))
}

/** Trust material for @sigstore/verify. */
export function trustMaterial(trust: Trust): TrustMaterial {
  if ('mediaType' in trust) return toTrustMaterial(TrustedRoot.fromJSON(trust))
  return trust
}

/**
 * The thresholds the trusted root calls for: a log entry if it has a log,
 * an SCT if it has a CT log, and always one verified time.
 */
export function thresholdsFor(trust: Trust): Required<Thresholds> {
  const material = trustMaterial(trust)
  return {
    tlog: material.tlogs.length > 0 ? 1 : 0,
    ctlog: material.ctlogs.length > 0 ? 1 : 0,
    timestamp: 1
  }
}

async function blob(
  client: OciReader,
  repository: string,
  digest: string
): Promise<Buffer> {
  const bytes = await client.getBlob(repository, digest)
  if (ociDigest(bytes) !== digest)
    throw new Error(`blob ${digest} has digest ${ociDigest(bytes)}`)
  return bytes
}

// ------------------------------------------------------------ Bundles

/**
 * Verifies a Sigstore bundle: certificate chain to the trusted CA, SCT,
 * Rekor entries (inclusion promise and/or proof, and that the entry is this
 * signature), RFC 3161 timestamps, the signature, then the policy. For a
 * message signature, `artifact` is the signed bytes. Throws what failed.
 */
export function verifySigstoreBundle(
  bundle: Bundle,
  options: {
    trust: Trust
    identity: ExpectedIdentity
    artifact?: Buffer
    thresholds?: Thresholds
  }
): VerifiedSigner {
  const { identity } = options
  const thresholds = { ...thresholdsFor(options.trust), ...options.thresholds }
  const verifier = new Verifier(trustMaterial(options.trust), {
    tlogThreshold: thresholds.tlog,
    timestampThreshold: thresholds.timestamp,
    ctlogThreshold: thresholds.ctlog
  })
  const san =
    typeof identity.subjectAlternativeName === 'string'
      ? new RegExp(`^${escapeRegExp(identity.subjectAlternativeName)}$`)
      : identity.subjectAlternativeName
  let entity: ReturnType<typeof toSignedEntity>
  let signer: ReturnType<Verifier['verify']>
  try {
    entity = toSignedEntity(bundle, options.artifact)
    signer = verifier.verify(entity, {
      subjectAlternativeName: san,
      extensions: { issuer: identity.issuer }
    })
  } catch (error) {
    // VerificationError and PolicyError keep their code out of the message.
    throw new Error(explain(error), { cause: error })
  }
  const seen = signer.identity?.subjectAlternativeName ?? ''
  if (
    typeof identity.subjectAlternativeName === 'string' &&
    seen !== identity.subjectAlternativeName
  )
    throw new Error(
      `certificate SAN ${seen}, expected ${identity.subjectAlternativeName}`
    )
  return {
    subjectAlternativeName: seen,
    issuer: signer.identity?.extensions?.issuer ?? '',
    tlogEntries: entity.tlogEntries.length,
    rfc3161Timestamps: entity.timestamps.filter(
      t => t.$case === 'timestamp-authority'
    ).length
  }
}

/**
 * The Sigstore bundle (v0.1) that a cosign v2 simple-signing layer's
 * annotations amount to, as cosign and Flux rebuild it to verify:
 * - messageSignature: sha256 of the payload blob, and the signature
 *   (`dev.cosignproject.cosign/signature`, base64);
 * - x509CertificateChain: the leaf (`dev.sigstore.cosign/certificate`) then
 *   the chain (`dev.sigstore.cosign/chain`), PEM to DER;
 * - tlogEntries[0] from `dev.sigstore.cosign/bundle`
 *   `{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`:
 *   canonicalizedBody = Payload.body, integratedTime, logIndex, logId.keyId =
 *   hex-decoded Payload.logID, inclusionPromise.signedEntryTimestamp = SET,
 *   kindVersion = kind/apiVersion of the decoded body;
 * - rfc3161Timestamps from `dev.sigstore.cosign/rfc3161timestamp`
 *   `{SignedRFC3161Timestamp}` (a timestamp over the raw signature bytes).
 */
export function cosignBundle(
  payload: Buffer,
  annotations: Record<string, string>
): Bundle {
  const signature = annotations[COSIGN_ANNOTATIONS.signature]
  if (!signature)
    throw new Error(`no ${COSIGN_ANNOTATIONS.signature} annotation`)
  const leaf = pemCertificates(
    annotations[COSIGN_ANNOTATIONS.certificate] ?? ''
  )
  if (leaf.length !== 1)
    throw new Error(
      `${COSIGN_ANNOTATIONS.certificate} must hold one PEM certificate (keyless signatures carry one)`
    )
  const chainPem = annotations[COSIGN_ANNOTATIONS.chain]
  const chain = chainPem === undefined ? [] : pemCertificates(chainPem)
  // cosign writes the annotation with every certificate, empty when it had
  // no chain (cosign 3's keyless signing keeps only the leaf).
  if (chainPem !== undefined && chainPem !== '' && chain.length === 0)
    throw new Error(`${COSIGN_ANNOTATIONS.chain} holds no PEM certificate`)
  const tlogEntries: unknown[] = []
  const rekorBundle = annotations[COSIGN_ANNOTATIONS.bundle]
  if (rekorBundle !== undefined) {
    const set = parseJsonObject(
      Buffer.from(rekorBundle),
      COSIGN_ANNOTATIONS.bundle
    )
    const entry = set.Payload as {
      body?: unknown
      integratedTime?: unknown
      logIndex?: unknown
      logID?: unknown
    }
    if (
      typeof set.SignedEntryTimestamp !== 'string' ||
      typeof entry?.body !== 'string' ||
      typeof entry.integratedTime !== 'number' ||
      typeof entry.logIndex !== 'number' ||
      typeof entry.logID !== 'string' ||
      !/^[a-f0-9]{64}$/.test(entry.logID)
    )
      throw new Error(
        `${COSIGN_ANNOTATIONS.bundle} is not {SignedEntryTimestamp: base64, Payload: {body: base64, integratedTime: number, logIndex: number, logID: hex}}`
      )
    const body = parseJsonObject(
      Buffer.from(entry.body, 'base64'),
      'the Rekor entry body'
    )
    tlogEntries.push({
      logIndex: String(entry.logIndex),
      logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
      kindVersion: { kind: body.kind, version: body.apiVersion },
      integratedTime: String(entry.integratedTime),
      inclusionPromise: { signedEntryTimestamp: set.SignedEntryTimestamp },
      canonicalizedBody: entry.body
    })
  }
  const rfc3161Timestamps: unknown[] = []
  const timestamp = annotations[COSIGN_ANNOTATIONS.rfc3161Timestamp]
  if (timestamp !== undefined) {
    const value = parseJsonObject(
      Buffer.from(timestamp),
      COSIGN_ANNOTATIONS.rfc3161Timestamp
    ).SignedRFC3161Timestamp
    if (typeof value !== 'string')
      throw new Error(
        `${COSIGN_ANNOTATIONS.rfc3161Timestamp} is not {SignedRFC3161Timestamp: base64}`
      )
    rfc3161Timestamps.push({ signedTimestamp: value })
  }
  return bundleFromJSON({
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      x509CertificateChain: {
        certificates: [...leaf, ...chain].map(der => ({
          rawBytes: der.toString('base64')
        }))
      },
      tlogEntries,
      timestampVerificationData: { rfc3161Timestamps }
    },
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: sha256(payload).toString('base64')
      },
      signature
    }
  })
}

/**
 * Whether a `.sig` layer's chain annotation takes its leaf to one of the
 * trusted root's Fulcio roots by itself: each certificate issued and signed
 * by the next, each past the leaf a CA, the last self-signed and one of the
 * roots. Throws what breaks; 'empty' or 'absent' when there is no chain.
 */
export function checkChainAnnotation(
  annotations: Record<string, string>,
  trust: Trust
): ChainAnnotation {
  const text = annotations[COSIGN_ANNOTATIONS.chain]
  if (text === undefined) return 'absent'
  if (text === '') return 'empty'
  const parse = (der: Buffer) => CoreCertificate.parse(Buffer.from(der))
  const [leaf] = pemCertificates(
    annotations[COSIGN_ANNOTATIONS.certificate] ?? ''
  )
  const path = [leaf, ...pemCertificates(text)].map(parse)
  for (let i = 0; i + 1 < path.length; i++) {
    const [cert, issuer] = [path[i], path[i + 1]]
    if (
      !issuer.isCA ||
      !cert.issuer.equals(issuer.subject) ||
      !cert.verify(issuer)
    )
      throw new Error(
        `${COSIGN_ANNOTATIONS.chain}: certificate ${i + 1} is not issued by the next`
      )
  }
  const root = path[path.length - 1]
  const roots = trustMaterial(trust).certificateAuthorities.flatMap(ca =>
    ca.certChain.slice(-1)
  )
  if (!root.verify() || !roots.some(r => r.equals(root)))
    throw new Error(
      `${COSIGN_ANNOTATIONS.chain} does not end in a trusted Fulcio root`
    )
  return 'verified'
}

/** The in-toto statement of a verified DSSE bundle, checked against the chart. */
function checkedStatement(
  bundle: Bundle,
  digest: string,
  predicateType: string
): InTotoStatement {
  if (bundle.content.$case !== 'dsseEnvelope')
    throw new Error('the bundle holds a message signature, not a DSSE envelope')
  const envelope = bundle.content.dsseEnvelope
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw new Error(
      `DSSE payloadType ${envelope.payloadType}, expected ${IN_TOTO_PAYLOAD_TYPE}`
    )
  const statement = parseJsonObject(
    envelope.payload,
    'the DSSE payload'
  ) as unknown as InTotoStatement
  if (statement._type !== IN_TOTO_STATEMENT_V1)
    throw new Error(
      `statement _type ${String(statement._type)}, expected ${IN_TOTO_STATEMENT_V1}`
    )
  if (statement.predicateType !== predicateType)
    throw new Error(
      `predicateType ${String(statement.predicateType)}, expected ${predicateType}`
    )
  const hex = digest.replace(/^sha256:/, '')
  const subjects = Array.isArray(statement.subject) ? statement.subject : []
  if (!subjects.some(s => s?.digest?.sha256 === hex))
    throw new Error(
      `no statement subject has sha256 ${hex} (subjects: ${subjects
        .map(s => s?.digest?.sha256)
        .join(', ')})`
    )
  return statement
}

/**
 * Verifies a bundle the GitHub double received (JSON, as POSTed): a DSSE
 * envelope of an in-toto Statement v1 about `digest` with `predicateType`,
 * signed by `identity`. Throws what failed.
 */
export function verifyAttestationBundle(
  bundleJson: unknown,
  options: {
    trust: Trust
    identity: ExpectedIdentity
    digest: string
    predicateType: string
    thresholds?: Thresholds
  }
): { statement: InTotoStatement; signer: VerifiedSigner } {
  const bundle = bundleFromJSON(bundleJson)
  const statement = checkedStatement(
    bundle,
    options.digest,
    options.predicateType
  )
  const signer = verifySigstoreBundle(bundle, options)
  return { statement, signer }
}

// ------------------------------------------------------------ cosign v2

export interface RegistryCheck {
  client: OciReader
  /** The repository path in the registry (no host). */
  repository: string
  /** The chart manifest's digest, sha256:<hex>. */
  digest: string
  trust: Trust
  identity: ExpectedIdentity
  thresholds?: Thresholds
}

/**
 * Verifies the cosign v2 signatures of `repository@digest` (tag
 * `sha256-<hex>.sig`): each simple-signing layer is verified, and its payload
 * must name `digest` and be a cosign container image signature (and name
 * `dockerReference` when given). Returns one result per layer; throws when
 * none verifies.
 */
export async function verifyCosignSignatures(
  check: RegistryCheck & { dockerReference?: string }
): Promise<CosignLayerResult[]> {
  const { client, repository, digest } = check
  const tag = `${digest.replace(':', '-')}.sig`
  const manifest = await client.getManifest(repository, tag)
  if (!manifest)
    throw new Error(`no cosign signature: ${repository}:${tag} does not exist`)
  const parsed = parseJsonObject(
    manifest.body,
    `${repository}:${tag}`
  ) as ImageManifest
  const layers = (parsed.layers ?? []).filter(
    l => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE
  )
  if (layers.length === 0)
    throw new Error(
      `${repository}:${tag} has no ${SIMPLE_SIGNING_MEDIA_TYPE} layer`
    )
  const results: CosignLayerResult[] = []
  for (const layer of layers) {
    const result: CosignLayerResult = { layer: layer.digest, verified: false }
    results.push(result)
    try {
      const payload = await blob(client, repository, layer.digest)
      const doc = parseJsonObject(payload, 'the simple-signing payload')
      const critical = doc.critical as {
        identity?: { 'docker-reference'?: string }
        image?: { 'docker-manifest-digest'?: string }
        type?: string
      }
      result.payload = doc
      result.dockerManifestDigest = critical?.image?.['docker-manifest-digest']
      result.dockerReference = critical?.identity?.['docker-reference']
      result.annotations = layer.annotations ?? {}
      result.signer = verifySigstoreBundle(
        cosignBundle(payload, result.annotations),
        { ...check, artifact: payload }
      )
      result.chain = checkChainAnnotation(result.annotations, check.trust)
      if (critical?.type !== COSIGN_SIGNATURE_TYPE)
        throw new Error(
          `payload type ${String(critical?.type)}, expected ${COSIGN_SIGNATURE_TYPE}`
        )
      if (result.dockerManifestDigest !== digest)
        throw new Error(
          `the payload signs ${String(result.dockerManifestDigest)}, not ${digest}`
        )
      if (
        check.dockerReference !== undefined &&
        result.dockerReference !== check.dockerReference
      )
        throw new Error(
          `the payload names ${String(result.dockerReference)}, not ${check.dockerReference}`
        )
      result.verified = true
    } catch (error) {
      result.error = explain(error)
    }
  }
  if (!results.some(r => r.verified))
    throw new Error(
      `no cosign signature of ${repository}@${digest} verifies:\n` +
        results.map(r => `- layer ${r.layer}: ${r.error}`).join('\n')
    )
  return results
}

// ------------------------------------------------------------ cosign v3 / referrers

async function referrersIndex(
  client: OciReader,
  repository: string,
  digest: string
): Promise<{ index: Descriptor[]; via: ReferrerResult['via'] }> {
  const fromApi = await client.getReferrers?.(repository, digest)
  if (fromApi) {
    const index = parseJsonObject(fromApi, 'the referrers API answer')
    return {
      index: (index.manifests ?? []) as Descriptor[],
      via: 'referrers-api'
    }
  }
  const tag = digest.replace(':', '-')
  const manifest = await client.getManifest(repository, tag)
  if (!manifest)
    throw new Error(
      `no referrers of ${repository}@${digest}: no referrers API answer and no tag ${tag}`
    )
  const index = parseJsonObject(manifest.body, `${repository}:${tag}`)
  if (index.mediaType !== OCI_IMAGE_INDEX)
    throw new Error(
      `${repository}:${tag} is ${String(index.mediaType)}, not an OCI image index`
    )
  return {
    index: (index.manifests ?? []) as Descriptor[],
    via: 'referrers-tag'
  }
}

function checkReferrerManifest(
  manifest: ImageManifest,
  subject: { digest: string; size: number; mediaType?: string },
  predicateType: string
): Descriptor {
  const problems: string[] = []
  if (manifest.schemaVersion !== 2) problems.push('schemaVersion is not 2')
  if (manifest.mediaType !== OCI_IMAGE_MANIFEST)
    problems.push(`mediaType ${String(manifest.mediaType)}`)
  if (manifest.artifactType !== SIGSTORE_BUNDLE_MEDIA_TYPE)
    problems.push(`artifactType ${String(manifest.artifactType)}`)
  const config = manifest.config
  if (
    config?.mediaType !== OCI_EMPTY_DESCRIPTOR.mediaType ||
    config.digest !== OCI_EMPTY_DESCRIPTOR.digest ||
    config.size !== OCI_EMPTY_DESCRIPTOR.size
  )
    problems.push('config is not the empty descriptor')
  const layers = manifest.layers ?? []
  if (layers.length !== 1 || layers[0].mediaType !== SIGSTORE_BUNDLE_MEDIA_TYPE)
    problems.push(`layers are not one ${SIGSTORE_BUNDLE_MEDIA_TYPE}`)
  const s = manifest.subject
  if (s?.digest !== subject.digest || s.size !== subject.size)
    problems.push(
      `subject ${s?.digest}/${s?.size} is not the chart manifest ${subject.digest}/${subject.size}`
    )
  else if (subject.mediaType && s.mediaType !== subject.mediaType)
    problems.push(
      `subject mediaType ${String(s.mediaType)}, the chart's is ${subject.mediaType}`
    )
  const annotations = manifest.annotations ?? {}
  if (annotations[BUNDLE_ANNOTATIONS.content] !== 'dsse-envelope')
    problems.push(`${BUNDLE_ANNOTATIONS.content} is not dsse-envelope`)
  if (annotations[BUNDLE_ANNOTATIONS.predicateType] !== predicateType)
    problems.push(`${BUNDLE_ANNOTATIONS.predicateType} is not ${predicateType}`)
  const created = annotations[BUNDLE_ANNOTATIONS.created] ?? ''
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(
      created
    ) ||
    Number.isNaN(Date.parse(created))
  )
    problems.push(
      `${BUNDLE_ANNOTATIONS.created} ${created} is not an RFC 3339 time`
    )
  if (problems.length > 0)
    throw new Error(`referrer manifest: ${problems.join('; ')}`)
  return layers[0]
}

/**
 * Verifies the Sigstore bundle referrers of `repository@digest` whose
 * predicate is `predicateType` (COSIGN_SIGN_PREDICATE for a cosign v3
 * signature, SLSA_PROVENANCE_V1 for provenance): the referrer manifest's
 * shape, then the bundle and its statement (subject sha256 = the chart's).
 * Referrers announcing another predicate type are passed over. Returns one
 * result per referrer considered; throws when none verifies.
 */
export async function verifyBundleReferrers(
  check: RegistryCheck & { predicateType: string }
): Promise<ReferrerResult[]> {
  const { client, repository, digest, predicateType } = check
  const chart = await client.getManifest(repository, digest)
  if (!chart) throw new Error(`${repository}@${digest} does not exist`)
  const { index, via } = await referrersIndex(client, repository, digest)
  // Some writers (go-containerregistry's tag fallback) put the config media
  // type in an index entry's artifactType: read those manifests too.
  const candidates = index.filter(
    d =>
      (d.artifactType === SIGSTORE_BUNDLE_MEDIA_TYPE ||
        d.artifactType === undefined ||
        d.artifactType === OCI_EMPTY_DESCRIPTOR.mediaType) &&
      (d.annotations?.[BUNDLE_ANNOTATIONS.predicateType] ?? predicateType) ===
        predicateType
  )
  const results: ReferrerResult[] = []
  for (const descriptor of candidates) {
    const result: ReferrerResult = {
      referrer: descriptor.digest,
      via,
      verified: false
    }
    try {
      const answer = await client.getManifest(repository, descriptor.digest)
      if (!answer) throw new Error('the referrer manifest does not exist')
      const manifest = parseJsonObject(
        answer.body,
        'the referrer manifest'
      ) as ImageManifest
      const announced = manifest.annotations?.[BUNDLE_ANNOTATIONS.predicateType]
      // Another kind of referrer, or a bundle of another predicate: not ours.
      if (
        (manifest.artifactType !== SIGSTORE_BUNDLE_MEDIA_TYPE &&
          descriptor.artifactType !== SIGSTORE_BUNDLE_MEDIA_TYPE) ||
        (announced !== undefined && announced !== predicateType)
      )
        continue
      result.created = manifest.annotations?.[BUNDLE_ANNOTATIONS.created]
      const layer = checkReferrerManifest(
        manifest,
        { digest, size: chart.body.length, mediaType: chart.mediaType },
        predicateType
      )
      const bundleJson = parseJsonObject(
        await blob(client, repository, layer.digest),
        'the bundle layer'
      )
      const verified = verifyAttestationBundle(bundleJson, {
        ...check,
        predicateType
      })
      result.statement = verified.statement
      result.signer = verified.signer
      result.verified = true
    } catch (error) {
      result.error = explain(error)
    }
    results.push(result)
  }
  if (!results.some(r => r.verified))
    throw new Error(
      `no ${predicateType} bundle referrer of ${repository}@${digest} verifies (${via}, ${index.length} referrers):\n` +
        results.map(r => `- ${r.referrer}: ${r.error}`).join('\n')
    )
  return results
}

// ------------------------------------------------------------ A plain reader

const MANIFEST_ACCEPT = [
  OCI_IMAGE_MANIFEST,
  OCI_IMAGE_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
].join(', ')

/**
 * An OciReader over plain fetch, with the referrers API (for anonymous or
 * Basic-auth registries; RegistryClient does token auth, without referrers).
 */
export function httpRegistryReader(
  origin: string,
  auth?: { username: string; password: string }
): OciReader {
  const headers = (accept: string): Record<string, string> => ({
    accept,
    ...(auth
      ? {
          authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
        }
      : {})
  })
  const get = async (path: string, accept: string) => {
    const res = await fetch(`${origin}${path}`, { headers: headers(accept) })
    const body = Buffer.from(await res.arrayBuffer())
    return {
      status: res.status,
      body,
      type: res.headers.get('content-type') ?? ''
    }
  }
  return {
    async getManifest(repository, reference) {
      const answer = await get(
        `/v2/${repository}/manifests/${reference}`,
        MANIFEST_ACCEPT
      )
      if (answer.status === 404) return undefined
      if (answer.status !== 200)
        throw new Error(
          `GET manifest ${repository}:${reference} answered ${answer.status}`
        )
      const digest = ociDigest(answer.body)
      if (reference.startsWith('sha256:') && reference !== digest)
        throw new Error(`manifest ${reference} has digest ${digest}`)
      return { digest, body: answer.body, mediaType: answer.type.split(';')[0] }
    },
    async getBlob(repository, digest) {
      const answer = await get(`/v2/${repository}/blobs/${digest}`, '*/*')
      if (answer.status !== 200)
        throw new Error(
          `GET blob ${repository}@${digest} answered ${answer.status}`
        )
      return answer.body
    },
    async getReferrers(repository, digest) {
      const answer = await get(
        `/v2/${repository}/referrers/${digest}`,
        OCI_IMAGE_INDEX
      )
      if (answer.status === 404) return undefined
      if (answer.status !== 200)
        throw new Error(
          `GET referrers ${repository}@${digest} answered ${answer.status}`
        )
      return answer.body
    }
  }
}
