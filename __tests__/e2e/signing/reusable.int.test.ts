// A release signed by a reusable workflow of another repository (its
// job_workflow_ref is not the caller's workflow_ref), through dist/: the
// certificate names the reusable workflow, so the job summary says what a
// check of that identity alone accepts, and gives a cosign command that also
// pins the calling repository, which the certificate records too.
import { X509Certificate } from '@sigstore/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import type { StepResult } from '../../helpers/action-runner.js'
import {
  ATTEST_TOKEN,
  log,
  OWNER,
  REPO,
  startSigningBench,
  type SigningBench
} from '../../helpers/signing-bench.js'
import {
  COSIGN_ANNOTATIONS,
  pemCertificates,
  verifyCosignSignatures
} from '../../helpers/signature-verifier.js'
import {
  startSigstoreDouble,
  type SigstoreDouble
} from '../../helpers/sigstore-double.js'

const SHARED = 'platform/workflows/.github/workflows/helm.yml@refs/tags/v2'
const CALLER = `${OWNER}/${REPO}/.github/workflows/release.yml@refs/tags/v1.4.0`
/** Fulcio's GitHub Workflow Repository extension (the token's `repository`). */
const WORKFLOW_REPOSITORY_OID = '1.3.6.1.4.1.57264.1.5'

let bench: SigningBench
let sigstore: SigstoreDouble
let result: StepResult

beforeAll(async () => {
  ;[bench, sigstore] = await Promise.all([
    startSigningBench('hor-signing-reusable-'),
    startSigstoreDouble({
      workflow: {
        repository: `${OWNER}/${REPO}`,
        ref: 'refs/tags/v1.4.0',
        jobWorkflowRef: SHARED
      }
    })
  ])
  result = await bench.release({
    chart: 'shared',
    version: '1.4.0',
    sigstore,
    inputs: {
      sign: 'true',
      provenance: 'true',
      'github-token': ATTEST_TOKEN
    }
  })
})

afterAll(async () => {
  await Promise.all([bench?.stop(), sigstore?.stop()])
})

/** The text of the summary's <pre> block after the <p>title</p>. */
function block(title: string): string {
  const match = new RegExp(
    `<p>${title}</p><pre><code>([\\s\\S]*?)</code></pre>`
  ).exec(result.summary)
  if (!match) throw new Error(`no ${title} block in:\n${result.summary}`)
  return match[1].replace(/&#(\d+);/g, (_, code: string) =>
    String.fromCharCode(Number(code))
  )
}

describe('signed by a reusable workflow of another repository', () => {
  test("carries the reusable workflow's identity and the caller's repository", async () => {
    expect(result.exitCode, log(result)).toBe(0)
    const [layer] = await verifyCosignSignatures({
      client: bench.client,
      repository: `${OWNER}/${REPO}/shared`,
      digest: result.outputs['digest'],
      trust: sigstore.trustedRoot,
      identity: {
        subjectAlternativeName: `https://github.com/${SHARED}`,
        issuer: sigstore.identity.issuer
      }
    })
    const [leaf] = pemCertificates(
      layer.annotations?.[COSIGN_ANNOTATIONS.certificate] ?? ''
    )
    const extension = X509Certificate.parse(Buffer.from(leaf)).extension(
      WORKFLOW_REPOSITORY_OID
    )
    expect(extension?.value.toString()).toBe(`${OWNER}/${REPO}`)
  })

  test('the summary says what the identity alone accepts', () => {
    expect(result.summary).toContain(
      `Note: signed by the reusable workflow <code>https://github.com/${SHARED}</code>, called by <code>${CALLER}</code>. ` +
        'The identity names the reusable workflow only: a check of the identity alone ' +
        'accepts a signature from any repository that calls it.'
    )
  })

  test('cosign pins the calling repository; gh the signer workflow', () => {
    expect(block('cosign')).toContain(
      `  --certificate-identity 'https://github.com/${SHARED}' \\\n` +
        "  --certificate-oidc-issuer 'https://token.actions.githubusercontent.com' \\\n" +
        `  --certificate-github-workflow-repository '${OWNER}/${REPO}'`
    )
    expect(block('GitHub CLI')).toMatch(
      /--owner octo-org --signer-workflow 'github\.com\/platform\/workflows\/\.github\/workflows\/helm\.yml'$/
    )
  })

  test('Flux gets the exact identity, and the limit in a comment', () => {
    const flux = block('Flux \\(OCIRepository\\)')
    const [match] = parse(flux).spec.verify.matchOIDCIdentity
    const subject = new RegExp(match.subject)
    expect(subject.test(`https://github.com/${SHARED}`)).toBe(true)
    expect(
      subject.test(
        `https://github.com/${SHARED.replace('refs/tags/v2', 'refs/tags/v3')}`
      )
    ).toBe(false)
    expect(flux).toContain(
      `# Flux cannot check the caller (${OWNER}/${REPO}); cosign can.`
    )
  })
})
