// Keyless signing through Sigstore with @sigstore/sign: an ephemeral key,
// a Fulcio certificate for the workflow's identity (fulcio.ts, which keeps
// the chain), and a Rekor entry and/or an RFC 3161 timestamp as witnesses,
// whichever the instance has. The results are Sigstore bundles (JSON), as
// bundleToJSON writes them: protobuf JSON, so an empty list is left out (no
// `tlogEntries` without Rekor, `timestampVerificationData: {}` without a
// timestamp authority). Where they are stored is the signing step's business.
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle'
import {
  DSSEBundleBuilder,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type BundleBuilder,
  type Witness
} from '@sigstore/sign'
import { errorMessage } from '../errors.js'
import { fulcioSigner } from './fulcio.js'
import type { SigstoreEndpoints } from './instance.js'

export type { SerializedBundle }

/** The payload type of an in-toto statement in a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

/** A message signature and the certificates after its leaf. */
export interface MessageSignature {
  bundle: SerializedBundle
  /** PEM intermediates and root, as Fulcio returned them with the leaf. */
  chain: string[]
}

/** Signs with the workflow's identity; each call gets a fresh certificate. */
export interface Signer {
  /** A message signature over `payload` (Rekor: hashedrekord). */
  signMessage(payload: Buffer): Promise<MessageSignature>
  /** An in-toto statement signed as a DSSE envelope (Rekor: dsse). */
  signStatement(statement: Buffer): Promise<SerializedBundle>
}

/** A failure of a Sigstore service, worded for the user. */
export class SigstoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SigstoreError'
  }
}

const TIMEOUT_MS = 30_000
const RETRIES = 3

/**
 * The Sigstore signer for `endpoints`; `token` is asked for before each
 * certificate (tokens expire within minutes).
 */
export function sigstoreSigner(
  endpoints: SigstoreEndpoints,
  token: () => Promise<string>
): Signer {
  const certified = () =>
    fulcioSigner({
      fulcioUrl: endpoints.fulcioUrl,
      token,
      timeoutMs: TIMEOUT_MS,
      retries: RETRIES
    })
  return {
    async signMessage(payload) {
      const signer = certified()
      const witnesses = witnessesFor(endpoints, 'message')
      const builder = new MessageSignatureBundleBuilder({ signer, witnesses })
      const bundle = await create(endpoints, builder, { data: payload })
      return { bundle, chain: signer.chain }
    },
    signStatement(statement) {
      const signer = certified()
      const witnesses = witnessesFor(endpoints, 'dsse')
      const builder = new DSSEBundleBuilder({ signer, witnesses })
      return create(endpoints, builder, {
        data: statement,
        type: IN_TOTO_PAYLOAD_TYPE
      })
    }
  }
}

function witnessesFor(
  endpoints: SigstoreEndpoints,
  kind: 'message' | 'dsse'
): Witness[] {
  const witnesses: Witness[] = []
  if (endpoints.rekorUrl)
    witnesses.push(
      new RekorWitness({
        rekorBaseURL: endpoints.rekorUrl,
        ...(kind === 'dsse' ? { entryType: 'dsse' as const } : {}),
        timeout: TIMEOUT_MS,
        retry: RETRIES
      })
    )
  if (endpoints.tsaUrl)
    witnesses.push(
      new TSAWitness({
        tsaBaseURL: endpoints.tsaUrl,
        timeout: TIMEOUT_MS,
        retry: RETRIES
      })
    )
  return witnesses
}

/** Runs one bundle build; its failure names the service and what it said. */
async function create(
  endpoints: SigstoreEndpoints,
  builder: BundleBuilder,
  artifact: Parameters<BundleBuilder['create']>[0]
): Promise<SerializedBundle> {
  try {
    return bundleToJSON(await builder.create(artifact))
  } catch (error) {
    throw new SigstoreError(
      `${serviceOf(error, endpoints)} failed: ${errorMessage(error).slice(0, 500)}`,
      { cause: error }
    )
  }
}

/** Which service a @sigstore/sign or fulcio.ts error came from (its code says). */
function serviceOf(error: unknown, endpoints: SigstoreEndpoints): string {
  const code =
    error && typeof error === 'object' && 'code' in error
      ? String(error.code)
      : ''
  if (code.startsWith('CA_')) return `Fulcio (${endpoints.fulcioUrl})`
  if (code.startsWith('TLOG_')) return `Rekor (${endpoints.rekorUrl ?? ''})`
  if (code.startsWith('TSA_'))
    return `The timestamp authority (${endpoints.tsaUrl ?? ''})`
  if (code.startsWith('IDENTITY_')) return 'Getting the OIDC token'
  return `Sigstore (${endpoints.name})`
}
