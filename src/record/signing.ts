// What signing did for one chart, as the outputs, the summary and the
// GitHub release's notes read it. Types only: the signing step fills it.
import type { SigstoreEndpoints } from '../sigstore/instance.js'
import type { CallingWorkflow } from '../sigstore/oidc.js'

/** What signing did for one chart: the outputs and summary read it. */
export interface SigningResult {
  /** The workflow repository's owner: `gh attestation verify --owner`. */
  owner: string
  identity: string
  issuer: string
  /**
   * When a reusable workflow signed (job_workflow_ref is not workflow_ref):
   * the repository and workflow that called it, which the identity does not name.
   */
  caller?: CallingWorkflow
  sigstore: SigstoreEndpoints['name']
  /** `oci://…:sha256-<hex>.sig` and/or `oci://…@<referrer digest>`. */
  signatures: string[]
  /** The provenance referrer, `oci://…@<digest>`. */
  provenance?: string
  attestationId?: number
  attestationUrl?: string
  /** What was there already (by this workflow) and kept. */
  kept: string[]
  /** What was not made, and why; what a verifier must know. */
  notes: string[]
}
