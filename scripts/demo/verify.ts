// What a consumer's verifier makes of a chart's signatures and provenance:
// the independent verifier the signing tests use (@sigstore/verify, in
// __tests__/helpers/signature-verifier.ts) against the trusted root of the
// local Sigstore stand-in, which nothing real trusts, for the identity of
// the demo's release workflow; `cosign verify` does the same checks against
// the public-good root.
import {
  COSIGN_SIGN_PREDICATE,
  SLSA_PROVENANCE_V1,
  verifyBundleReferrers,
  verifyCosignSignatures,
  type VerifiedSigner
} from '../../__tests__/helpers/signature-verifier.js'
import { registryClient } from './read-back.js'
import type { Demo } from './run.js'

function signed(signer: VerifiedSigner | undefined): string {
  if (!signer) return 'verified'
  return (
    `verified: signed by ${signer.subjectAlternativeName} ` +
    `(issuer ${signer.issuer}), ${signer.tlogEntries} Rekor entry, ` +
    `${signer.rfc3161Timestamps} RFC 3161 timestamp`
  )
}

/**
 * Verifies `repository@digest`'s cosign signature (the `.sig` tag), its
 * Sigstore bundle signature (a referrer) and its SLSA provenance, and says
 * what each verified; throws when one does not verify.
 */
export async function showVerified(
  demo: Demo,
  repository: string,
  digest: string
): Promise<void> {
  const { sigstore } = demo.standIns
  const check = {
    client: registryClient(demo),
    repository,
    digest,
    trust: sigstore.trustedRoot,
    identity: sigstore.identity
  }
  demo.show.say(
    `verifying ${repository}@${digest} against the local Sigstore ` +
      "stand-in's trusted root (trusted by nothing real), for the identity " +
      sigstore.identity.subjectAlternativeName
  )
  const legacy = await verifyCosignSignatures(check)
  const sig = legacy.find(l => l.verified)
  demo.show.say(`cosign signature (.sig tag): ${signed(sig?.signer)}`)
  const bundles = await verifyBundleReferrers({
    ...check,
    predicateType: COSIGN_SIGN_PREDICATE
  })
  const bundle = bundles.find(b => b.verified)
  demo.show.say(`Sigstore bundle (referrer): ${signed(bundle?.signer)}`)
  const provenance = await verifyBundleReferrers({
    ...check,
    predicateType: SLSA_PROVENANCE_V1
  })
  const statement = provenance.find(p => p.verified)?.statement
  const subject = statement?.subject[0]
  demo.show.say(
    `SLSA v1 provenance (referrer): verified, subject ${subject?.name ?? ''}` +
      ` sha256:${subject?.digest.sha256 ?? ''}`
  )
}
