// Fulcio, as fulcio.proto (sigstore/fulcio) documents it and its server
// answers: POST /api/v2/signingCert answers 200 (grpc-gateway; only the
// legacy v1 API answered 201) with `chain.certificates` = leaf, intermediate,
// root ("finishing with the root certificate"), the way the public Fulcio's
// chain runs (root `sigstore`, intermediate `sigstore-intermediate`). With a
// CT log the leaf embeds an SCT (`signedCertificateEmbeddedSct`); without
// one, as on GitHub's instance (its trusted root has no CT log, and gh
// verifies its bundles without SCTs: cli/cli verification/sigstore.go,
// WithSignedTimestamps only), Fulcio answers `signedCertificateDetachedSct`
// with no SCT (pkg/server/grpc_server.go: "Skipping CT log upload.").
// GET /api/v2/trustBundle lists the chain past the leaf.
//
// Checked as Fulcio checks: the token's signature, issuer, audience and
// expiry, the proof of possession (the key's signature over `sub`). The
// leaves come from @sigstore/mock's CA, run with the intermediate's key;
// the root and intermediate are made with the openssl CLI.
import crypto from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { X509Certificate } from '@sigstore/core'
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock'
import type { TokenIssuer } from './oidc-double.js'
import {
  errorReply,
  isJson,
  jsonReply,
  parseJson,
  toPem,
  viewBytes,
  type Route
} from './sigstore-http.js'

/** A claim the double adds to the token it hands the mock CA. */
const SAN_CLAIM = 'x_sigstore_double_san'
/** The name @sigstore/mock's CA writes as every leaf's issuer. */
const MOCK_ISSUER = ['CN=sigstore', 'O=sigstore.mock']

export interface FulcioDouble {
  route: Route
  /** DER: the intermediate, then the root (what the trusted root lists). */
  chain: Buffer[]
  /** The CT log whose SCTs the leaves embed; absent without one. */
  ctlog?: { publicKey: Buffer; logID: Buffer }
  /** PEM leaf certificates issued. */
  certificates: string[]
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

/** An openssl request config: PrintableString names, as @peculiar/x509 writes them. */
function requestConfig(dir: string, file: string, rdns: string[]): string {
  const config = path.join(dir, file)
  fs.writeFileSync(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      'string_mask = default',
      'prompt = no',
      '[dn]',
      ...rdns,
      ''
    ].join('\n')
  )
  return config
}

/**
 * A root and an intermediate (named as the mock CA names its issuer, so the
 * leaves chain to it byte for byte) in `dir`; the intermediate's key is
 * `intermediateKey`. Returns both certificates, DER.
 */
function caChain(
  dir: string,
  intermediateKey: crypto.KeyObject
): { root: Buffer; intermediate: Buffer } {
  fs.mkdirSync(dir, { recursive: true })
  const rootKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = (key: crypto.KeyObject) =>
    String(key.export({ type: 'pkcs8', format: 'pem' }))
  fs.writeFileSync(path.join(dir, 'root.key'), pem(rootKey.privateKey))
  fs.writeFileSync(path.join(dir, 'intermediate.key'), pem(intermediateKey))
  const ca = (pathlen: string) =>
    [
      `basicConstraints = critical, CA:TRUE${pathlen}`,
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      ''
    ].join('\n')
  fs.writeFileSync(path.join(dir, 'root.ext'), ca(''))
  fs.writeFileSync(
    path.join(dir, 'intermediate.ext'),
    `${ca(', pathlen:0')}authorityKeyIdentifier = keyid\n`
  )
  const rootConfig = requestConfig(dir, 'root.cnf', [
    'O = sigstore.mock',
    'CN = sigstore-root'
  ])
  openssl(
    [
      'req',
      '-new',
      '-key',
      'root.key',
      '-config',
      rootConfig,
      '-out',
      'root.csr'
    ],
    dir
  )
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'root.csr',
      '-signkey',
      'root.key',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'root.ext',
      '-set_serial',
      '1',
      '-out',
      'root.pem'
    ],
    dir
  )
  const intermediateConfig = requestConfig(
    dir,
    'intermediate.cnf',
    MOCK_ISSUER.map(rdn => rdn.replace('=', ' = '))
  )
  openssl(
    [
      'req',
      '-new',
      '-key',
      'intermediate.key',
      '-config',
      intermediateConfig,
      '-out',
      'intermediate.csr'
    ],
    dir
  )
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'intermediate.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'intermediate.ext',
      '-set_serial',
      '2',
      '-out',
      'intermediate.pem'
    ],
    dir
  )
  const der = (file: string) =>
    Buffer.from(
      new crypto.X509Certificate(fs.readFileSync(path.join(dir, file))).raw
    )
  return { root: der('root.pem'), intermediate: der('intermediate.pem') }
}

/** Fulcio: the key's signature over the token's subject. */
function proofOfPossession(
  subject: string,
  request: { publicKey?: { content?: string }; proofOfPossession?: string }
): boolean {
  try {
    return crypto.verify(
      'sha256',
      Buffer.from(subject),
      crypto.createPublicKey(request.publicKey?.content ?? ''),
      Buffer.from(request.proofOfPossession ?? '', 'base64')
    )
  } catch {
    return false
  }
}

interface CertificateRequest {
  credentials?: { oidcIdentityToken?: unknown }
  publicKeyRequest?: {
    publicKey?: { content?: string }
    proofOfPossession?: string
  }
  certificateSigningRequest?: string
}

/**
 * Starts the Fulcio double's CA (files under `dir`): with a CT log
 * (`ctLog`), leaves embed SCTs; without, the answer is detached, no SCT.
 */
export async function startFulcio(options: {
  tokens: TokenIssuer
  ctLog: boolean
  dir: string
}): Promise<FulcioDouble> {
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const { root, intermediate } = caChain(options.dir, keys.privateKey)
  let ctlog: Awaited<ReturnType<typeof initializeCTLog>> | undefined
  if (options.ctLog)
    ctlog = await initializeCTLog(
      crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    )
  const ca = await initializeCA(keys, ctlog)
  await checkChaining(ca, intermediate)
  // The mock CA writes claims[subjectClaim] as the SAN URI. Real Fulcio
  // writes https://github.com/<job_workflow_ref> for GitHub Actions tokens,
  // which no claim holds; so the double, once it has verified the token,
  // hands the mock a copy carrying that URI in a claim of its own (the mock
  // decodes without verifying). Every other extension comes from the real
  // claims (issuer = iss, repository, workflow_ref, ...).
  const handler = fulcioHandler(ca, { subjectClaim: SAN_CLAIM })
  const chainPem = [intermediate, root].map(der => toPem(der))
  const certificates: string[] = []
  const issue = async (request: CertificateRequest) => {
    const claims = options.tokens.verify(request.credentials?.oidcIdentityToken)
    if (typeof claims.job_workflow_ref !== 'string')
      return errorReply(400, 'the token has no job_workflow_ref')
    const keyRequest = request.publicKeyRequest
    if (!keyRequest && !request.certificateSigningRequest)
      return errorReply(
        400,
        'publicKeyRequest or certificateSigningRequest is required'
      )
    if (keyRequest && !proofOfPossession(String(claims.sub), keyRequest))
      return errorReply(
        400,
        'The signature supplied in the request could not be verified'
      )
    const token = String(request.credentials?.oidcIdentityToken).split('.')
    token[1] = Buffer.from(
      JSON.stringify({
        ...claims,
        [SAN_CLAIM]: `https://github.com/${claims.job_workflow_ref}`
      })
    ).toString('base64url')
    const { statusCode, response } = await handler.fn(
      JSON.stringify({
        ...request,
        credentials: { oidcIdentityToken: token.join('.') }
      })
    )
    if (statusCode !== 201) return errorReply(400, String(response))
    const answer = JSON.parse(String(response)) as {
      signedCertificateEmbeddedSct: { chain: { certificates: string[] } }
    }
    const leaf = answer.signedCertificateEmbeddedSct.chain.certificates[0]
    certificates.push(leaf)
    const chain = { certificates: [leaf, ...chainPem] }
    return jsonReply(
      200,
      ctlog
        ? { signedCertificateEmbeddedSct: { chain } }
        : { signedCertificateDetachedSct: { chain } }
    )
  }
  const route: Route = async (req, url, body) => {
    if (req.method === 'GET' && url.pathname === '/api/v2/trustBundle')
      return jsonReply(200, { chains: [{ certificates: chainPem }] })
    if (req.method !== 'POST' || url.pathname !== '/api/v2/signingCert')
      return errorReply(404, 'Not Found')
    if (!isJson(req)) return errorReply(415, 'Content-Type must be JSON')
    try {
      return await issue((parseJson(body) ?? {}) as CertificateRequest)
    } catch (error) {
      return errorReply(
        401,
        `There was an error processing the identity token: ${(error as Error).message}`
      )
    }
  }
  return {
    route,
    chain: [intermediate, root],
    ctlog: ctlog && {
      publicKey: ctlog.publicKey,
      logID: viewBytes(ctlog.logID)
    },
    certificates
  }
}

/**
 * The mock CA's leaves must chain to the openssl intermediate the way
 * @sigstore/verify checks it: issuer and subject equal byte for byte, the
 * authority key id the intermediate's subject key id.
 */
async function checkChaining(
  ca: Awaited<ReturnType<typeof initializeCA>>,
  intermediateDer: Buffer
): Promise<void> {
  const probe = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const issued = await ca.issueCertificate({
    publicKey: probe.publicKey.export({ type: 'spki', format: 'der' }),
    subjectAltName: 'https://probe.invalid'
  })
  const leaf = X509Certificate.parse(Buffer.from(viewBytes(issued)))
  const intermediate = X509Certificate.parse(Buffer.from(intermediateDer))
  const keyIds = leaf.extAuthorityKeyID?.keyIdentifier?.equals(
    intermediate.extSubjectKeyID?.keyIdentifier ?? Buffer.alloc(0)
  )
  if (
    !leaf.issuer.equals(intermediate.subject) ||
    !keyIds ||
    !leaf.verify(intermediate)
  )
    throw new Error(
      'the Fulcio double: the mock CA leaves do not chain to the openssl intermediate'
    )
}
