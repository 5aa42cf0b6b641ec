// What gets signed, byte for byte: cosign's Simple Signing payload (cosign 2
// layout), the in-toto statement of a cosign 3 signature, and the SLSA v1
// build provenance of a GitHub Actions run. Pure: no I/O.
import type { WorkflowClaims } from '../sigstore/oidc.js'

export const SIMPLE_SIGNING_TYPE = 'cosign container image signature'
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1'
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1'
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1'
export const GITHUB_BUILD_TYPE =
  'https://actions.github.io/buildtypes/workflow/v1'

/** What a signature is about: the chart's manifest in its repository. */
export interface Subject {
  /** `<registry>/<repository>/<name>`, as cosign writes `docker-reference`. */
  name: string
  /** `sha256:<hex>` of the chart's manifest. */
  digest: string
}

/**
 * cosign's Simple Signing payload for `subject` (SIGNATURE_SPEC.md): the
 * field order and `"optional":null` of what `cosign sign` writes.
 */
export function simpleSigningPayload(subject: Subject): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': subject.name },
        image: { 'docker-manifest-digest': subject.digest },
        type: SIMPLE_SIGNING_TYPE
      },
      optional: null
    })
  )
}

/** An in-toto Statement v1 about `subject`. */
export function inTotoStatement(
  subject: Subject,
  predicateType: string,
  predicate: object
): Buffer {
  const [algorithm, hex] = subject.digest.split(':')
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT_V1,
      subject: [{ name: subject.name, digest: { [algorithm]: hex } }],
      predicateType,
      predicate
    })
  )
}

/**
 * The statement of a cosign 3 signature, as `cosign sign --new-bundle-format`
 * makes it (cmd/cosign/cli/sign/sign.go, signDigestBundle): its one subject
 * is the digest alone, no name, with the (here empty) annotations `-a` would
 * add; the predicate is empty.
 */
export function cosignSignStatement(subject: Subject): Buffer {
  const [algorithm, hex] = subject.digest.split(':')
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT_V1,
      subject: [{ digest: { [algorithm]: hex }, annotations: {} }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {}
    })
  )
}

/**
 * SLSA v1 build provenance for this run, in the GitHub Actions workflow build
 * type (what `actions/attest-build-provenance` writes, so `gh attestation
 * verify` and policy engines read it the same way).
 */
export function provenanceStatement(
  subject: Subject,
  claims: WorkflowClaims,
  serverUrl: string
): Buffer {
  const server = serverUrl.replace(/\/+$/, '')
  // owner/repo/.github/workflows/release.yml@refs/tags/v1 → path and ref;
  // a ref may itself hold '@' (monorepo tags such as chart@1.0.0).
  const workflow = claims.workflow_ref.startsWith(`${claims.repository}/`)
    ? claims.workflow_ref.slice(claims.repository.length + 1)
    : claims.workflow_ref
  const at = workflow.indexOf('@')
  const path = at < 0 ? workflow : workflow.slice(0, at)
  const ref = at < 0 ? '' : workflow.slice(at + 1)
  return inTotoStatement(subject, SLSA_PROVENANCE_V1, {
    buildDefinition: {
      buildType: GITHUB_BUILD_TYPE,
      externalParameters: {
        workflow: { ref, repository: `${server}/${claims.repository}`, path }
      },
      internalParameters: {
        github: {
          event_name: claims.event_name,
          repository_id: claims.repository_id,
          repository_owner_id: claims.repository_owner_id,
          runner_environment: claims.runner_environment
        }
      },
      resolvedDependencies: [
        {
          uri: `git+${server}/${claims.repository}@${claims.ref}`,
          digest: { gitCommit: claims.sha }
        }
      ]
    },
    runDetails: {
      builder: { id: `${server}/${claims.job_workflow_ref}` },
      metadata: {
        invocationId: `${server}/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`
      }
    }
  })
}
