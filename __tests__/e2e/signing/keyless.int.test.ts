// Signed and attested charts through dist/ as a runner runs it: real Helm
// pushing to a real registry with token auth, a private Sigstore double
// (OIDC, Fulcio, Rekor, TSA) and the OpenAPI-checked GitHub double; what the
// registry then holds is checked by an independent verifier (@sigstore/verify
// against the double's trusted root). What the outputs and provenance say,
// what does not verify, a signing that fails after the push, secrets, the
// summary. Every shape of Sigstore: e2e/signing/matrix.int.test.ts; refusals
// before the push: e2e/signing/refusals.int.test.ts.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { StepResult } from '../../helpers/action-runner.js'
import { HELM4 } from '../../helpers/paths.js'
import {
  ATTEST_TOKEN,
  log,
  OWNER,
  PASSWORD,
  startSigningBench,
  USER,
  type SigningBench,
  type SigningRun
} from '../../helpers/signing-bench.js'
import {
  COSIGN_SIGN_PREDICATE,
  SLSA_PROVENANCE_V1,
  verifyAttestationBundle,
  verifyBundleReferrers,
  verifyCosignSignatures
} from '../../helpers/signature-verifier.js'
import {
  startSigstoreDouble,
  type SigstoreDouble
} from '../../helpers/sigstore-double.js'
import { checkSlsaProvenance } from '../../helpers/slsa-provenance.js'

let bench: SigningBench
let sigstore: SigstoreDouble

beforeAll(async () => {
  bench = await startSigningBench('hor-signing-')
  sigstore = await startSigstoreDouble({
    workflow: {
      repository: `${OWNER}/charts`,
      ref: 'refs/tags/v1.0.0',
      visibility: 'public'
    }
  })
})

afterAll(async () => {
  await Promise.all([bench?.stop(), sigstore?.stop()])
})

interface Release {
  chart: string
  version: string
  helm?: string
  inputs?: Record<string, string>
  env?: Record<string, string>
}

/**
 * One release run of `chart` at `version` through the private Sigstore
 * double (all three services), signed in both layouts and attested unless
 * told otherwise.
 */
function release(options: Release): Promise<SigningRun> {
  return bench.release({
    ...options,
    sigstore,
    inputs: {
      sign: 'true',
      provenance: 'true',
      'signature-format': 'both',
      'github-token': ATTEST_TOKEN,
      ...options.inputs
    }
  })
}

const identity = () => ({
  subjectAlternativeName: sigstore.identity.subjectAlternativeName,
  issuer: sigstore.identity.issuer
})

describe.each([HELM4])('a chart pushed by Helm %s', helm => {
  const chart = `signed-${helm.replace(/\./g, '-')}`
  const repository = `${OWNER}/charts/${chart}`
  let result: StepResult

  beforeAll(async () => {
    result = await release({ chart, version: '1.0.0', helm })
  })

  test('is signed in both layouts and attested, by the digest it pushed', async () => {
    expect(result.exitCode, log(result)).toBe(0)
    const digest = result.outputs['digest']
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    const hex = digest.slice('sha256:'.length)
    expect(JSON.parse(result.outputs['signatures'])).toEqual([
      `oci://${bench.registry.host}/${repository}:sha256-${hex}.sig`,
      expect.stringMatching(
        new RegExp(
          `^oci://${bench.registry.host}/${repository}@sha256:[a-f0-9]{64}$`
        )
      )
    ])
    expect(result.outputs['signature']).toBe(
      `oci://${bench.registry.host}/${repository}:sha256-${hex}.sig`
    )
    const legacy = await verifyCosignSignatures({
      client: bench.client,
      repository,
      digest,
      trust: sigstore.trustedRoot,
      identity: identity(),
      dockerReference: `${bench.registry.host}/${repository}`
    })
    expect(legacy.filter(l => l.verified)).toHaveLength(1)
    const bundles = await verifyBundleReferrers({
      client: bench.client,
      repository,
      digest,
      trust: sigstore.trustedRoot,
      identity: identity(),
      predicateType: COSIGN_SIGN_PREDICATE
    })
    expect(bundles.filter(b => !b.error)).toHaveLength(1)
    expect(bundles[0].via).toBe('referrers-tag')
  })

  test('carries SLSA v1 provenance in the registry and in GitHub attestations', async () => {
    const digest = result.outputs['digest']
    const referrers = await verifyBundleReferrers({
      client: bench.client,
      repository,
      digest,
      trust: sigstore.trustedRoot,
      identity: identity(),
      predicateType: SLSA_PROVENANCE_V1
    })
    const verified = referrers.filter(r => !r.error)
    expect(verified).toHaveLength(1)
    expect(result.outputs['attestation']).toBe(
      `oci://${bench.registry.host}/${repository}@${verified[0].referrer}`
    )
    const statement = verified[0].statement!
    expect(checkSlsaProvenance(statement)).toEqual([])
    expect(statement.subject).toEqual([
      {
        name: `${bench.registry.host}/${repository}`,
        digest: { sha256: digest.slice(7) }
      }
    ])
    const stored = bench.github
      .attestations(OWNER, 'charts')
      .filter(a => a.subjectDigests.includes(digest))
    expect(stored).toHaveLength(1)
    verifyAttestationBundle(stored[0].bundle, {
      trust: sigstore.trustedRoot,
      identity: identity(),
      digest,
      predicateType: SLSA_PROVENANCE_V1
    })
    expect(result.outputs['attestation-url']).toBe(
      `https://github.com/${OWNER}/charts/attestations/${stored[0].id}`
    )
  })

  test('a wrong identity, another digest, or a chart pushed over do not verify', async () => {
    const digest = result.outputs['digest']
    const base = {
      client: bench.client,
      repository,
      trust: sigstore.trustedRoot
    }
    await expect(
      verifyCosignSignatures({
        ...base,
        digest,
        identity: {
          ...identity(),
          subjectAlternativeName: `https://github.com/${OWNER}/charts/.github/workflows/other.yml@refs/tags/v1.0.0`
        }
      })
    ).rejects.toThrow()
    await expect(
      verifyCosignSignatures({
        ...base,
        digest,
        identity: { ...identity(), issuer: 'https://accounts.example.com' }
      })
    ).rejects.toThrow()
    const other = `sha256:${'0'.repeat(64)}`
    await expect(
      verifyCosignSignatures({ ...base, digest: other, identity: identity() })
    ).rejects.toThrow()
    // The tag moved to other bytes: what it serves now has no signature.
    const moved = await pushOver(repository, '1.0.0')
    expect(moved).not.toBe(digest)
    await expect(
      verifyCosignSignatures({ ...base, digest: moved, identity: identity() })
    ).rejects.toThrow(/no cosign signature/)
    await expect(
      verifyBundleReferrers({
        ...base,
        digest: moved,
        identity: identity(),
        predicateType: COSIGN_SIGN_PREDICATE
      })
    ).rejects.toThrow()
  })
})

/** Puts another (valid) manifest under `tag`, as someone overwriting it would. */
async function pushOver(repository: string, tag: string): Promise<string> {
  const current = await bench.client.getManifest(repository, tag)
  const manifest = JSON.parse(current!.body.toString())
  manifest.annotations = { ...manifest.annotations, 'pushed.over': 'yes' }
  const body = Buffer.from(JSON.stringify(manifest))
  const { RegistryWriter } = await import('../../../src/registry/writer.js')
  const writer = new RegistryWriter({
    registry: bench.registry.host,
    username: USER,
    password: PASSWORD,
    plainHttp: true,
    insecureSkipTlsVerify: false
  })
  return (await writer.putManifest(repository, tag, current!.mediaType, body))
    .digest
}

/** JWTs (the OIDC token or a copy) anywhere a user or a later step could read. */
function jwtsIn(result: StepResult, dirs: string[]): string[] {
  const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/g
  const texts = [
    log(result),
    JSON.stringify(result.outputs),
    result.summary,
    ...dirs.flatMap(dir =>
      filesUnder(dir).map(f => fs.readFileSync(f, 'latin1'))
    )
  ]
  return texts.flatMap(text => text.match(jwt) ?? [])
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.join(entry.parentPath, entry.name))
    .filter(file => fs.statSync(file).size < 5_000_000)
}

describe('a release whose signing failed after the push', () => {
  const chart = 'rerun'
  const repository = `${OWNER}/charts/${chart}`
  let first: StepResult

  test('says it is published but not signed, and how to finish', async () => {
    sigstore.failNext('fulcio', 500, { times: 20 })
    first = await release({
      chart,
      version: '2.0.0',
      inputs: { provenance: 'false', 'if-exists': 'skip' }
    })
    sigstore.clearFailures()
    expect(first.exitCode).toBe(1)
    const text = log(first)
    expect(text).toMatch(
      new RegExp(
        `oci://${bench.registry.host}/${repository}:2\\.0\\.0 is published \\(digest sha256:[a-f0-9]{64}\\) but not signed: Fulcio`
      )
    )
    expect(text).toContain(
      'Re-run the job: with `if-exists: skip` it pushes nothing and signs what is missing.'
    )
    expect(first.outputs['pushed']).toBe('true')
    expect(first.outputs['signature']).toBe('')
  })

  test('a re-run signs the published digest and pushes nothing', async () => {
    const digest = first.outputs['digest']
    const rerun = await release({
      chart,
      version: '2.0.0',
      inputs: { provenance: 'false', 'if-exists': 'skip' }
    })
    expect(rerun.exitCode, log(rerun)).toBe(0)
    expect(rerun.outputs['pushed']).toBe('false')
    expect(rerun.outputs['digest']).toBe(digest)
    const layers = await verifyCosignSignatures({
      client: bench.client,
      repository,
      digest,
      trust: sigstore.trustedRoot,
      identity: identity()
    })
    expect(layers).toHaveLength(1)
  })

  test('a third run keeps the signature: no new certificate, one layer', async () => {
    const fulcioCalls = () =>
      sigstore.requests.filter(r => r.service === 'fulcio').length
    const before = fulcioCalls()
    const again = await release({
      chart,
      version: '2.0.0',
      inputs: { provenance: 'false', 'if-exists': 'skip' }
    })
    expect(again.exitCode, log(again)).toBe(0)
    expect(fulcioCalls()).toBe(before)
    expect(again.summary).toContain('Kept: cosign signature')
    const layers = await verifyCosignSignatures({
      client: bench.client,
      repository,
      digest: again.outputs['digest'],
      trust: sigstore.trustedRoot,
      identity: identity()
    })
    expect(layers).toHaveLength(1)
  })

  test('provenance is not made for a version this run did not build', async () => {
    const result = await release({
      chart,
      version: '2.0.0',
      inputs: { 'if-exists': 'skip' }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs['attestation']).toBe('')
    expect(result.summary).toContain(
      'no provenance: this run did not build this version'
    )
  })
})

describe('secrets', () => {
  test('the OIDC token is in no log line, output, summary or file the run leaves', async () => {
    const result = await release({ chart: 'secret-check', version: '1.0.0' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(sigstore.oidcRequests.length).toBeGreaterThan(0)
    expect(jwtsIn(result, [result.runDir])).toEqual([])
  })
})

describe('the job summary', () => {
  test("shows the three verification commands with this run's identity", async () => {
    const result = await release({ chart: 'summary', version: '1.0.0' })
    expect(result.exitCode, log(result)).toBe(0)
    const summary = result.summary
    expect(summary).toContain(
      `cosign verify ${bench.registry.host}/${OWNER}/charts/summary@${result.outputs['digest']}`
    )
    expect(summary).toContain(
      `--certificate-identity '${sigstore.identity.subjectAlternativeName}'`
    )
    expect(summary).toContain(
      `gh attestation verify oci://${bench.registry.host}/${OWNER}/charts/summary:1.0.0 --owner ${OWNER}`
    )
    expect(summary).toContain('provider: cosign')
    expect(summary).toContain('matchOIDCIdentity:')
  })
})
