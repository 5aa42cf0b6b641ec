// Signing on every shape of Sigstore a user meets, through dist/ as a runner
// runs it (issue #22), each signature checked by the independent verifier
// (@sigstore/verify under the instance's own policy: signature-verifier.ts):
// - public-good: Fulcio + Rekor, no timestamp authority, what `sigstore:
//   auto` picks for a public repository; served under its real names
//   (fulcio.sigstore.dev, rekor.sigstore.dev) through a proxy, so the action
//   runs with no sigstore input at all, as a user's does;
// - GitHub's instance: Fulcio + timestamp authority, no Rekor, what `auto`
//   picks for a private repository; likewise under its real names;
// - a private Sigstore with all three, given by the `sigstore-*-url` inputs.
// Each × `signature-format` legacy, bundle, both × `provenance` on and off.
// Helm only packages and pushes; signing is the action's own code and the
// same for either Helm. So the 18 signing combinations run with Helm 4, and
// Helm 3 runs each instance once with `both` and provenance. Then, on each
// instance, a release whose signing failed after the push and its re-run with
// `if-exists: skip`; and the defaults a user gets: `sign: true` and nothing
// else, on a public repository. One registry, one double per instance.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  ATTEST_TOKEN,
  OWNER,
  REPO,
  log,
  startSigningBench,
  type SigningBench
} from '../../helpers/signing-bench.js'
import { HELM3, HELM4 } from '../../helpers/paths.js'
import {
  COSIGN_ANNOTATIONS,
  COSIGN_SIGN_PREDICATE,
  SLSA_PROVENANCE_V1,
  verifyAttestationBundle,
  verifyBundleReferrers,
  verifyCosignSignatures,
  type RegistryCheck
} from '../../helpers/signature-verifier.js'
import {
  INSTANCE_URLS,
  startSigstoreDouble,
  type InstanceShape,
  type SigstoreDouble
} from '../../helpers/sigstore-double.js'
import type { StepResult } from '../../helpers/action-runner.js'

type Format = 'legacy' | 'bundle' | 'both'

interface Combination {
  instance: InstanceShape
  format: Format
  provenance: boolean
  helm: string
}

/** What each instance has, which decides what its signatures carry. */
const SERVICES: Record<InstanceShape, { rekor: boolean; tsa: boolean }> = {
  'public-good': { rekor: true, tsa: false },
  github: { rekor: false, tsa: true },
  private: { rekor: true, tsa: true }
}
const INSTANCES = Object.keys(SERVICES) as InstanceShape[]
const FORMATS: Format[] = ['legacy', 'bundle', 'both']

const COMBINATIONS: Combination[] = [
  ...INSTANCES.flatMap(instance =>
    FORMATS.flatMap(format =>
      [true, false].map(provenance => ({
        instance,
        format,
        provenance,
        helm: HELM4
      }))
    )
  ),
  ...INSTANCES.map(instance => ({
    instance,
    format: 'both' as const,
    provenance: true,
    helm: HELM3
  }))
]

let bench: SigningBench
let doubles: Record<InstanceShape, SigstoreDouble<InstanceShape>>

beforeAll(async () => {
  const workflow = (visibility: 'public' | 'private') => ({
    repository: `${OWNER}/${REPO}`,
    ref: 'refs/tags/v1.0.0',
    visibility
  })
  const [publicGood, github, own] = await Promise.all([
    startSigstoreDouble({
      shape: 'public-good',
      realHosts: true,
      workflow: workflow('public')
    }),
    startSigstoreDouble({
      shape: 'github',
      realHosts: true,
      workflow: workflow('private')
    }),
    startSigstoreDouble({ shape: 'private', workflow: workflow('public') })
  ])
  doubles = { 'public-good': publicGood, github, private: own }
  bench = await startSigningBench('hor-signing-matrix-')
})

afterAll(async () => {
  await Promise.all([
    bench?.stop(),
    ...Object.values(doubles ?? {}).map(d => d.stop())
  ])
})

const chartName = (c: Combination) =>
  `m-${c.instance}-${c.format}-${c.provenance ? 'prov' : 'noprov'}-h${c.helm.split('.')[0]}`

function registryCheck(
  instance: InstanceShape,
  repository: string,
  digest: string
): RegistryCheck {
  const d = doubles[instance]
  return {
    client: bench.client,
    repository,
    digest,
    trust: d.trustedRoot,
    identity: d.identity
  }
}

/** The `.sig` layer: verified, carrying what the instance witnessed and the chain. */
async function checkLegacy(
  instance: InstanceShape,
  check: RegistryCheck
): Promise<void> {
  const layers = await verifyCosignSignatures({
    ...check,
    dockerReference: `${bench.registry.host}/${check.repository}`
  })
  expect(layers.map(l => l.verified)).toEqual([true])
  const [layer] = layers
  const { rekor, tsa } = SERVICES[instance]
  const keys = Object.keys(layer.annotations ?? {})
  expect(keys.includes(COSIGN_ANNOTATIONS.bundle)).toBe(rekor)
  expect(keys.includes(COSIGN_ANNOTATIONS.rfc3161Timestamp)).toBe(tsa)
  // The intermediate and root Fulcio returned, so a verifier that trusts
  // only the root builds the path from the signature.
  expect(layer.chain).toBe('verified')
  expect(layer.signer).toMatchObject({
    tlogEntries: rekor ? 1 : 0,
    rfc3161Timestamps: tsa ? 1 : 0
  })
}

/** The cosign 3 bundle referrer: verified, its statement about the digest alone. */
async function checkBundle(check: RegistryCheck): Promise<void> {
  const referrers = await verifyBundleReferrers({
    ...check,
    predicateType: COSIGN_SIGN_PREDICATE
  })
  expect(referrers.map(r => r.verified)).toEqual([true])
  expect(referrers[0].statement?.subject).toEqual([
    { digest: { sha256: check.digest.slice(7) }, annotations: {} }
  ])
}

/** Provenance in the registry and in GitHub's attestations, both verified. */
async function checkProvenance(
  result: StepResult,
  check: RegistryCheck
): Promise<void> {
  const [referrer] = await verifyBundleReferrers({
    ...check,
    predicateType: SLSA_PROVENANCE_V1
  })
  expect(referrer.verified).toBe(true)
  expect(result.outputs['attestation']).toBe(
    `oci://${bench.registry.host}/${check.repository}@${referrer.referrer}`
  )
  const stored = bench.github
    .attestations(OWNER, REPO)
    .filter(a => a.subjectDigests.includes(check.digest))
  expect(stored).toHaveLength(1)
  verifyAttestationBundle(stored[0].bundle, {
    ...check,
    predicateType: SLSA_PROVENANCE_V1
  })
}

describe('every instance × signature-format × provenance', () => {
  test.each(COMBINATIONS)(
    '$instance, signature-format $format, provenance $provenance, Helm $helm',
    async combination => {
      const { instance, format, provenance, helm } = combination
      const chart = chartName(combination)
      const result = await bench.release({
        chart,
        version: '1.0.0',
        helm,
        sigstore: doubles[instance],
        inputs: {
          sign: 'true',
          'signature-format': format,
          provenance: String(provenance),
          ...(provenance ? { 'github-token': ATTEST_TOKEN } : {})
        }
      })
      expect(result.exitCode, log(result)).toBe(0)
      expect(log(result)).toContain(
        `Sigstore: ${instance === 'private' ? 'custom' : instance} (`
      )
      const digest = result.outputs['digest']
      const check = registryCheck(instance, `${OWNER}/${REPO}/${chart}`, digest)
      const signatures = JSON.parse(result.outputs['signatures']) as string[]
      expect(signatures).toHaveLength(format === 'both' ? 2 : 1)
      // The summary's Flux block says when Flux cannot verify the instance.
      expect(result.summary.includes("Flux cannot verify GitHub's")).toBe(
        instance === 'github'
      )
      if (format === 'bundle')
        await expect(verifyCosignSignatures(check)).rejects.toThrow(
          /no cosign signature/
        )
      else await checkLegacy(instance, check)
      if (format === 'legacy')
        await expect(
          verifyBundleReferrers({
            ...check,
            predicateType: COSIGN_SIGN_PREDICATE
          })
        ).rejects.toThrow()
      else await checkBundle(check)
      if (provenance) await checkProvenance(result, check)
      else {
        expect(result.outputs['attestation']).toBe('')
        expect(
          bench.github
            .attestations(OWNER, REPO)
            .filter(a => a.subjectDigests.includes(digest))
        ).toEqual([])
      }
    },
    120_000
  )

  test('each instance was asked only for the services it has', () => {
    const hosts = (urls: Record<string, string>) =>
      Object.values(urls)
        .map(url => `${new URL(url).hostname}:443`)
        .sort()
    // Through the proxy: only the real names of the instance's services.
    expect([...new Set(doubles['public-good'].proxied())].sort()).toEqual(
      hosts(INSTANCE_URLS['public-good'])
    )
    expect([...new Set(doubles.github.proxied())].sort()).toEqual(
      hosts(INSTANCE_URLS.github)
    )
    const services = (instance: InstanceShape) =>
      [...new Set(doubles[instance].requests.map(r => r.service))].sort()
    expect(services('public-good')).toEqual(['fulcio', 'oidc', 'rekor'])
    expect(services('github')).toEqual(['fulcio', 'oidc', 'tsa'])
    expect(services('private')).toEqual(['fulcio', 'oidc', 'rekor', 'tsa'])
  })
})

describe.each(INSTANCES)(
  'on %s: signing that failed after the push, then the re-run',
  instance => {
    const chart = `rerun-${instance}`
    const inputs = {
      sign: 'true',
      'signature-format': 'both',
      'if-exists': 'skip'
    }
    let first: StepResult

    test('the first run publishes, then says it is not signed and how to finish', async () => {
      // A refusal, not an outage: Fulcio's 400 is not retried.
      doubles[instance].failNext('fulcio', 400, { message: 'injected refusal' })
      first = await bench.release({
        chart,
        version: '2.0.0',
        sigstore: doubles[instance],
        inputs
      })
      doubles[instance].clearFailures()
      expect(first.exitCode).toBe(1)
      expect(log(first)).toMatch(
        new RegExp(
          `oci://${bench.registry.host}/${OWNER}/${REPO}/${chart}:2\\.0\\.0 is published \\(digest sha256:[a-f0-9]{64}\\) but not signed: Fulcio \\(.*\\) failed: HTTP 400: injected refusal`
        )
      )
      expect(first.outputs['pushed']).toBe('true')
    })

    test('the re-run with if-exists: skip pushes nothing and signs the published digest', async () => {
      const rerun = await bench.release({
        chart,
        version: '2.0.0',
        sigstore: doubles[instance],
        inputs
      })
      expect(rerun.exitCode, log(rerun)).toBe(0)
      expect(rerun.outputs['pushed']).toBe('false')
      expect(rerun.outputs['digest']).toBe(first.outputs['digest'])
      const check = registryCheck(
        instance,
        `${OWNER}/${REPO}/${chart}`,
        rerun.outputs['digest']
      )
      await checkLegacy(instance, check)
      await checkBundle(check)
    })
  }
)

describe('the defaults a user gets: `sign: true` and nothing else, public repository', () => {
  test('signs on public-good in the legacy layout, verified with its Rekor SET and chain', async () => {
    const sigstore = doubles['public-good']
    const result = await bench.release({
      chart: 'defaults',
      version: '0.3.0',
      sigstore,
      inputs: { sign: 'true' }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(log(result)).toContain(
      'Sigstore: public-good (Fulcio https://fulcio.sigstore.dev, Rekor https://rekor.sigstore.dev)'
    )
    const digest = result.outputs['digest']
    const repository = `${OWNER}/${REPO}/defaults`
    expect(JSON.parse(result.outputs['signatures'])).toEqual([
      `oci://${bench.registry.host}/${repository}:${digest.replace(':', '-')}.sig`
    ])
    await checkLegacy(
      'public-good',
      registryCheck('public-good', repository, digest)
    )
    expect(result.outputs['attestation']).toBe('')
    expect(result.summary).toContain(
      `cosign verify ${bench.registry.host}/${repository}@${digest}`
    )
    expect([...new Set(sigstore.proxied())].sort()).toEqual([
      'fulcio.sigstore.dev:443',
      'rekor.sigstore.dev:443'
    ])
  })
})
