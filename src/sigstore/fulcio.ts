// A keyless signer that keeps the certificate chain Fulcio returns.
//
// @sigstore/sign's FulcioSigner returns only the leaf ("Specifically
// returning only the first certificate in the chain"), but cosign's `.sig`
// layout carries the rest too: `cosign sign` (cosign 2,
// cmd/cosign/cli/fulcio NewSigner: `Chain: resp.ChainPEM`, written by
// pkg/oci/static WithCertChain as `dev.sigstore.cosign/chain`), and
// verifiers trusting only Fulcio's root (Kyverno's `roots`, cosign with
// `--ca-roots`) build the path through it (pkg/cosign/verify.go: "If there is
// no chain annotation present, we preserve the pools set in the CheckOpts").
// So this signer asks Fulcio itself, as FulcioSigner does: an ephemeral P-256
// key, its signature over the token's subject as proof of possession,
// POST /api/v2/signingCert; the request goes through the registry's transport
// (proxies, NODE_EXTRA_CA_CERTS, retries, a bounded answer).
import crypto from 'node:crypto'
import type { Signature, Signer } from '@sigstore/sign'
import { errorMessage } from '../errors.js'
import { Failure, registryErrorMessage } from '../registry/failures.js'
import { Transport } from '../registry/transport.js'
import {
  readSigningCertificate,
  tokenSubject,
  type IssuedCertificate
} from './fulcio-answer.js'

/** A Signer whose last certificate's chain can be read after signing. */
export interface ChainKeepingSigner extends Signer {
  /** The PEM certificates after the leaf, as Fulcio answered (empty before). */
  readonly chain: string[]
}

/** A failure of one Sigstore service; `code` as @sigstore/sign's errors name them. */
export class ServiceError extends Error {
  constructor(
    readonly code:
      'CA_CREATE_SIGNING_CERTIFICATE_ERROR' | 'IDENTITY_TOKEN_READ_ERROR',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'ServiceError'
  }
}

export interface FulcioOptions {
  fulcioUrl: string
  /** A fresh OIDC token (asked for before each certificate). */
  token: () => Promise<string>
  timeoutMs: number
  /** Retries after the first try (5xx, 429 and network failures). */
  retries: number
}

/** Fulcio's answer is a few kilobytes of PEM. */
const ANSWER_LIMIT = 256 * 1024

/** A signer that gets a Fulcio certificate per signature and keeps its chain. */
export function fulcioSigner(options: FulcioOptions): ChainKeepingSigner {
  let chain: string[] = []
  return {
    get chain() {
      return chain
    },
    async sign(data: Buffer): Promise<Signature> {
      const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const publicKey = String(
        keys.publicKey.export({ format: 'pem', type: 'spki' })
      )
      const token = await readToken(options)
      const proof = crypto.sign('sha256', subjectOf(token), keys.privateKey)
      const issued = await requestCertificate(options, token, publicKey, proof)
      chain = issued.chain
      return {
        signature: crypto.sign('sha256', data, keys.privateKey),
        key: { $case: 'x509Certificate', certificate: issued.leaf }
      }
    }
  }
}

async function readToken(options: FulcioOptions): Promise<string> {
  try {
    return await options.token()
  } catch (error) {
    throw new ServiceError('IDENTITY_TOKEN_READ_ERROR', errorMessage(error), {
      cause: error
    })
  }
}

function subjectOf(token: string): Buffer {
  try {
    return Buffer.from(tokenSubject(token))
  } catch (error) {
    throw new ServiceError('IDENTITY_TOKEN_READ_ERROR', errorMessage(error), {
      cause: error
    })
  }
}

/** POST /api/v2/signingCert with the token in the body, as @sigstore/sign sends it. */
async function requestCertificate(
  options: FulcioOptions,
  token: string,
  publicKey: string,
  proof: Buffer
): Promise<IssuedCertificate> {
  const url = new URL(
    `${options.fulcioUrl.replace(/\/+$/, '')}/api/v2/signingCert`
  )
  const transport = new Transport({
    origin: url.origin,
    insecureSkipTlsVerify: false,
    timeoutMs: options.timeoutMs,
    retry: {
      attempts: options.retries + 1,
      baseDelayMs: 1000,
      maxDelayMs: 8000
    }
  })
  const body = JSON.stringify({
    credentials: { oidcIdentityToken: token },
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: publicKey },
      proofOfPossession: proof.toString('base64')
    }
  })
  const fail = (message: string, cause?: unknown): ServiceError =>
    new ServiceError('CA_CREATE_SIGNING_CERTIFICATE_ERROR', message, { cause })
  let answer: Awaited<ReturnType<Transport['exchange']>>
  try {
    answer = await transport.exchange({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json'
      },
      body,
      limit: ANSWER_LIMIT
    })
  } catch (error) {
    throw fail(
      error instanceof Failure ? error.reason : errorMessage(error),
      error
    )
  }
  // Fulcio answers 200 (grpc-gateway); its legacy v1 API answered 201.
  if (answer.status !== 200 && answer.status !== 201) {
    const said = registryErrorMessage(answer.body) ?? 'no message'
    throw fail(`HTTP ${answer.status}: ${said}`)
  }
  if (answer.tooLarge)
    throw fail(`the answer is larger than ${ANSWER_LIMIT} bytes`)
  try {
    return readSigningCertificate(answer.body, publicKey)
  } catch (error) {
    throw fail(errorMessage(error), error)
  }
}
