// Self-tests of the Sigstore doubles and of the independent verifier: signs
// with @sigstore/sign itself (FulcioSigner, RekorWitness, TSAWitness) against
// the doubles, then shows the verifier accepts exactly the right signer,
// chart and trust root, in memory, in a real registry (cosign v2 `.sig` tag
// and OCI referrers layouts) and through the GitHub double's attestations.
import crypto from 'node:crypto'
import * as core from '@actions/core'
import { bundleToJSON, type Bundle } from '@sigstore/bundle'
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type Witness
} from '@sigstore/sign'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { RegistryClient } from '../../src/registry/client.js'
import { startGitHubDouble, type GitHubDouble } from './github-double.js'
import { startRegistry, type Registry } from './registry.js'
import {
  COSIGN_ANNOTATIONS,
  COSIGN_SIGN_PREDICATE,
  COSIGN_SIGNATURE_TYPE,
  httpRegistryReader,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_V1,
  OCI_EMPTY_DESCRIPTOR,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
  SLSA_PROVENANCE_V1,
  verifyAttestationBundle,
  verifyBundleReferrers,
  verifyCosignSignatures,
  verifySigstoreBundle,
  type ExpectedIdentity
} from './signature-verifier.js'
import {
  GITHUB_OIDC_ISSUER,
  startSigstoreDouble,
  type SigstoreDouble
} from './sigstore-double.js'
import { checkSlsaProvenance, exampleProvenance } from './slsa-provenance.js'

const WORKFLOW = {
  repository: 'octo-org/charts',
  ref: 'refs/tags/v1.2.3',
  workflowPath: '.github/workflows/release.yml'
}
const SAN =
  'https://github.com/octo-org/charts/.github/workflows/release.yml@refs/tags/v1.2.3'
const CHART_DIGEST = `sha256:${'ab'.repeat(32)}`

let double: SigstoreDouble
let other: SigstoreDouble

beforeAll(async () => {
  ;[double, other] = await Promise.all([
    startSigstoreDouble({ workflow: WORKFLOW }),
    startSigstoreDouble()
  ])
})

afterAll(async () => {
  await Promise.all([double?.stop(), other?.stop()])
})

// ------------------------------------------------------------ Helpers

/** A token as getIDToken('sigstore') fetches it (URL + &audience=). */
async function oidcToken(d: SigstoreDouble): Promise<string> {
  const env = d.oidcEnv
  const res = await fetch(
    `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sigstore`,
    {
      headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` }
    }
  )
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}`)
  return ((await res.json()) as { value: string }).value
}

interface SignOptions {
  rekor?: boolean
  tsa?: boolean
  rekorRetry?: number
}

function parts(d: SigstoreDouble, options: SignOptions = {}) {
  const signer = new FulcioSigner({
    fulcioBaseURL: d.fulcioUrl,
    identityProvider: { getToken: () => oidcToken(d) }
  })
  const witnesses: Witness[] = []
  if (options.rekor ?? true)
    witnesses.push(
      new RekorWitness({
        rekorBaseURL: d.rekorUrl,
        retry: {
          retries: options.rekorRetry ?? 0,
          minTimeout: 5,
          maxTimeout: 5
        }
      })
    )
  if (options.tsa ?? true)
    witnesses.push(new TSAWitness({ tsaBaseURL: d.tsaUrl }))
  return { signer, witnesses }
}

function signMessage(
  d: SigstoreDouble,
  data: Buffer,
  options?: SignOptions
): Promise<Bundle> {
  return new MessageSignatureBundleBuilder(parts(d, options)).create({ data })
}

function statement(digest: string, predicateType: string, predicate = {}) {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [
      { name: 'charts/demo', digest: { sha256: digest.replace('sha256:', '') } }
    ],
    predicateType,
    predicate
  }
}

function signStatement(
  d: SigstoreDouble,
  digest: string,
  predicateType = COSIGN_SIGN_PREDICATE,
  predicate = {}
): Promise<Bundle> {
  return new DSSEBundleBuilder(parts(d)).create({
    data: Buffer.from(
      JSON.stringify(statement(digest, predicateType, predicate))
    ),
    type: IN_TOTO_PAYLOAD_TYPE
  })
}

/** Runs `fn` with the runner's OIDC variables as `env` says (absent = unset). */
async function withOidcEnv<T>(
  env: Record<string, string>,
  fn: () => Promise<T>
): Promise<T> {
  const names = [
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
  ]
  const saved = names.map(name => process.env[name])
  for (const name of names) {
    if (env[name] === undefined) delete process.env[name]
    else process.env[name] = env[name]
  }
  // getIDToken masks the token with ::add-mask:: on stdout.
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    return await fn()
  } finally {
    write.mockRestore()
    names.forEach((name, i) => {
      if (saved[i] === undefined) delete process.env[name]
      else process.env[name] = saved[i]
    })
  }
}

function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString('utf8')
  ) as Record<string, unknown>
}

const identity = (): ExpectedIdentity => double.identity

// ------------------------------------------------------------ OIDC

describe('the OIDC token endpoint', () => {
  it('answers @actions/core getIDToken with a GitHub-shaped token for the audience asked', async () => {
    const before = double.oidcRequests.length
    const token = await withOidcEnv(double.oidcEnv, () =>
      core.getIDToken('sigstore')
    )
    const claims = jwtClaims(token)
    expect(claims).toMatchObject({
      iss: GITHUB_OIDC_ISSUER,
      aud: 'sigstore',
      sub: 'repo:octo-org/charts:ref:refs/tags/v1.2.3',
      repository: 'octo-org/charts',
      repository_owner: 'octo-org',
      ref: 'refs/tags/v1.2.3',
      ref_type: 'tag',
      workflow_ref:
        'octo-org/charts/.github/workflows/release.yml@refs/tags/v1.2.3',
      job_workflow_ref:
        'octo-org/charts/.github/workflows/release.yml@refs/tags/v1.2.3',
      repository_visibility: 'public',
      runner_environment: 'github-hosted'
    })
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000)
    expect(double.oidcEnv.ACTIONS_ID_TOKEN_REQUEST_URL).toMatch(
      /\/idtoken\?api-version=2\.0$/
    )
    expect(double.oidcRequests.slice(before)).toEqual([
      { audience: 'sigstore', authorized: true, status: 200 }
    ])
  })

  it('refuses a wrong request token, answers 403 when told, and is absent without id-token: write', async () => {
    const wrongToken = {
      ...double.oidcEnv,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runner-token'
    }
    await expect(
      withOidcEnv(wrongToken, () => core.getIDToken('sigstore'))
    ).rejects.toThrow(/401/)
    expect(double.oidcRequests.at(-1)).toMatchObject({
      authorized: false,
      status: 401
    })
    try {
      double.setOidc({ status: 403, message: 'id-token: write is missing' })
      await expect(
        withOidcEnv(double.oidcEnv, () => core.getIDToken('sigstore'))
      ).rejects.toThrow(/403/)
      double.setOidc('absent')
      expect(double.oidcEnv).toEqual({})
      await expect(
        withOidcEnv(double.oidcEnv, () => core.getIDToken('sigstore'))
      ).rejects.toThrow(/ACTIONS_ID_TOKEN_REQUEST_URL/)
    } finally {
      double.setOidc('ok')
    }
  })
})

// ------------------------------------------------------------ Fulcio

describe('the Fulcio double', () => {
  it('certifies the SAN and issuer real Fulcio gives a GitHub Actions job, with an SCT', async () => {
    const data = Buffer.from('payload')
    const bundle = await signMessage(double, data)
    expect(double.identity).toEqual({
      subjectAlternativeName: SAN,
      issuer: GITHUB_OIDC_ISSUER
    })
    const leaf = new crypto.X509Certificate(double.certificates.at(-1)!)
    expect(leaf.subjectAltName).toBe(`URI:${SAN}`)
    // ctlogThreshold 1 (the default) requires the embedded SCT to verify.
    expect(
      verifySigstoreBundle(bundle, {
        trust: double.trustedRoot,
        identity: identity(),
        artifact: data
      })
    ).toEqual({
      subjectAlternativeName: SAN,
      issuer: GITHUB_OIDC_ISSUER,
      tlogEntries: 1,
      rfc3161Timestamps: 1
    })
  })

  it("names a reusable workflow's job_workflow_ref in the SAN", async () => {
    const reusable = await startSigstoreDouble({
      workflow: {
        jobWorkflowRef:
          'octo-org/workflows/.github/workflows/helm.yml@refs/tags/v2'
      }
    })
    try {
      const data = Buffer.from('payload')
      const bundle = await signMessage(reusable, data, { tsa: false })
      expect(reusable.identity.subjectAlternativeName).toBe(
        'https://github.com/octo-org/workflows/.github/workflows/helm.yml@refs/tags/v2'
      )
      expect(reusable.claims.workflow_ref).toBe(
        'octo-org/charts/.github/workflows/release.yml@refs/heads/main'
      )
      expect(
        verifySigstoreBundle(bundle, {
          trust: reusable.trustedRoot,
          identity: reusable.identity,
          artifact: data
        }).subjectAlternativeName
      ).toBe(reusable.identity.subjectAlternativeName)
    } finally {
      await reusable.stop()
    }
  })

  it('refuses another audience, a token it did not issue and a missing proof of possession', async () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', {
      namedCurve: 'P-256'
    })
    const request = (token: string, proof?: Buffer) =>
      fetch(`${double.fulcioUrl}/api/v2/signingCert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          credentials: { oidcIdentityToken: token },
          publicKeyRequest: {
            publicKey: {
              algorithm: 'ECDSA',
              content: publicKey.export({ format: 'pem', type: 'spki' })
            },
            proofOfPossession: (
              proof ??
              crypto.sign(
                'sha256',
                Buffer.from(String(jwtClaims(token).sub)),
                privateKey
              )
            ).toString('base64')
          }
        })
      })
    expect((await request(double.idToken('sigstore'))).status).toBe(200)
    expect(
      (await request(double.idToken('https://github.com/octo-org'))).status
    ).toBe(401)
    expect((await request(other.idToken('sigstore'))).status).toBe(401)
    expect((await request(double.idToken('sigstore', { exp: 1 }))).status).toBe(
      401
    )
    expect(
      (
        await request(
          double.idToken('sigstore'),
          Buffer.from('not a signature')
        )
      ).status
    ).toBe(400)
  })
})

// ------------------------------------------------------------ Verifier

describe('the verifier', () => {
  const data = Buffer.from('{"critical":{}}')
  let message: Bundle
  let dsse: Bundle

  beforeAll(async () => {
    ;[message, dsse] = await Promise.all([
      signMessage(double, data),
      signStatement(double, CHART_DIGEST)
    ])
  })

  const attestation = (
    bundle: Bundle,
    changes: Partial<Parameters<typeof verifyAttestationBundle>[1]> = {}
  ) =>
    verifyAttestationBundle(bundleToJSON(bundle), {
      trust: double.trustedRoot,
      identity: identity(),
      digest: CHART_DIGEST,
      predicateType: COSIGN_SIGN_PREDICATE,
      ...changes
    })

  it('passes the right signer, chart and predicate', () => {
    const { statement: seen, signer } = attestation(dsse)
    expect(seen.subject[0].digest.sha256).toBe(CHART_DIGEST.slice(7))
    expect(signer).toEqual({
      subjectAlternativeName: SAN,
      issuer: GITHUB_OIDC_ISSUER,
      tlogEntries: 1,
      rfc3161Timestamps: 1
    })
    expect(
      attestation(dsse, {
        identity: {
          subjectAlternativeName:
            /^https:\/\/github\.com\/octo-org\/charts\/\.github\/workflows\/release\.yml@refs\/tags\/v\d/,
          issuer: GITHUB_OIDC_ISSUER
        }
      }).signer.subjectAlternativeName
    ).toBe(SAN)
  })

  it('fails another SAN, a SAN that is only a prefix, and another issuer', () => {
    const san = (subjectAlternativeName: string | RegExp) => ({
      identity: { subjectAlternativeName, issuer: GITHUB_OIDC_ISSUER }
    })
    expect(() =>
      attestation(dsse, san(SAN.replace('v1.2.3', 'v9.9.9')))
    ).toThrow(/certificate identity error/)
    // A string SAN matches exactly (@sigstore/verify alone would take it as
    // an unanchored regular expression, so this prefix would pass).
    expect(() =>
      attestation(dsse, san(SAN.slice(0, SAN.indexOf('@'))))
    ).toThrow(/certificate identity error/)
    expect(() =>
      attestation(dsse, san(/^https:\/\/github\.com\/evil\//))
    ).toThrow(/certificate identity error/)
    expect(() =>
      attestation(dsse, {
        identity: {
          subjectAlternativeName: SAN,
          issuer: 'https://accounts.google.com'
        }
      })
    ).toThrow(/invalid certificate extension/)
  })

  it('fails a statement about another digest or of another predicate type', () => {
    expect(() =>
      attestation(dsse, { digest: `sha256:${'cd'.repeat(32)}` })
    ).toThrow(/no statement subject has sha256/)
    expect(() =>
      attestation(dsse, { predicateType: SLSA_PROVENANCE_V1 })
    ).toThrow(/predicateType/)
  })

  it('fails a bundle signed through another double (other keys) against this trust root', async () => {
    const foreign = await signStatement(other, CHART_DIGEST)
    // The first check to fail is the TSA's; without a timestamp, the CA's.
    expect(() => attestation(foreign, { identity: other.identity })).toThrow(
      /TIMESTAMP_ERROR: timestamp could not be verified/
    )
    const foreignRekorOnly = await new DSSEBundleBuilder(
      parts(other, { tsa: false })
    ).create({
      data: Buffer.from(
        JSON.stringify(statement(CHART_DIGEST, COSIGN_SIGN_PREDICATE))
      ),
      type: IN_TOTO_PAYLOAD_TYPE
    })
    expect(() =>
      attestation(foreignRekorOnly, { identity: other.identity })
    ).toThrow(/CERTIFICATE_ERROR: Failed to verify certificate chain/)
    // ...which is a matter of trust: against its own root it verifies.
    expect(
      attestation(foreign, {
        identity: other.identity,
        trust: other.trustedRoot
      }).signer.issuer
    ).toBe(GITHUB_OIDC_ISSUER)
  })

  it('checks the message signature against the artifact', () => {
    expect(
      verifySigstoreBundle(message, {
        trust: double.trustedRoot,
        identity: identity(),
        artifact: data
      }).tlogEntries
    ).toBe(1)
    expect(() =>
      verifySigstoreBundle(message, {
        trust: double.trustedRoot,
        identity: identity(),
        artifact: Buffer.from('{"critical":{"x":1}}')
      })
    ).toThrow(/SIGNATURE_ERROR/)
  })

  it('takes a timestamp-only or a Rekor-only signature, as the thresholds say', async () => {
    const [tsaOnly, rekorOnly] = await Promise.all([
      signMessage(double, data, { rekor: false }),
      signMessage(double, data, { tsa: false })
    ])
    const check = (bundle: Bundle, thresholds?: { tlog?: number }) =>
      verifySigstoreBundle(bundle, {
        trust: double.trustedRoot,
        identity: identity(),
        artifact: data,
        thresholds
      })
    expect(() => check(tsaOnly)).toThrow(/TLOG_ERROR/)
    expect(check(tsaOnly, { tlog: 0 })).toMatchObject({
      tlogEntries: 0,
      rfc3161Timestamps: 1
    })
    // The inclusion promise (SET) is a verified time of its own.
    expect(check(rekorOnly)).toMatchObject({
      tlogEntries: 1,
      rfc3161Timestamps: 0
    })
  })
})

// ------------------------------------------------------------ Failures

describe('injected failures', () => {
  it('fails Fulcio, Rekor and the TSA on demand, and records it', async () => {
    for (const [service, status] of [
      ['fulcio', 503],
      ['rekor', 500],
      ['tsa', 502]
    ] as const) {
      double.failNext(service, status)
      const before = double.requests.length
      await expect(signMessage(double, Buffer.from('x'))).rejects.toThrow()
      expect(double.requests.slice(before)).toContainEqual(
        expect.objectContaining({ service, status })
      )
    }
  })

  it('serves an entry Rekor logged but whose answer was lost: 409, then GET', async () => {
    double.failNext('rekor', 503, { afterHandling: true })
    const before = double.requests.length
    const data = Buffer.from('lost answer')
    const bundle = await signMessage(double, data, {
      tsa: false,
      rekorRetry: 1
    })
    expect(
      double.requests
        .slice(before)
        .filter(r => r.service === 'rekor')
        .map(
          r =>
            `${r.method} ${r.path.replace(/[a-f0-9]{64}/, '<uuid>')} ${r.status}`
        )
    ).toEqual([
      'POST /api/v1/log/entries 503',
      'POST /api/v1/log/entries 409',
      'GET /api/v1/log/entries/<uuid> 200'
    ])
    expect(
      verifySigstoreBundle(bundle, {
        trust: double.trustedRoot,
        identity: identity(),
        artifact: data
      }).tlogEntries
    ).toBe(1)
  })
})

// ------------------------------------------------------------ GitHub double

describe('the GitHub double attestations', () => {
  let github: GitHubDouble
  let bundle: Bundle

  beforeAll(async () => {
    github = await startGitHubDouble({ tokens: ['ghs_test'] })
    github.addRepository({ owner: 'octo-org', repo: 'charts' })
    bundle = await signStatement(double, CHART_DIGEST, SLSA_PROVENANCE_V1, {})
  })

  afterAll(async () => {
    await github?.close()
  })

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${github.apiUrl}${path}`, {
      method,
      headers: {
        authorization: 'Bearer ghs_test',
        'content-type': 'application/json'
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    })

  it('stores a created attestation and lists it by subject digest', async () => {
    const created = await call('POST', '/repos/octo-org/charts/attestations', {
      bundle: bundleToJSON(bundle)
    })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: number }
    expect(github.attestations('octo-org', 'charts')).toMatchObject([
      { id, subjectDigests: [CHART_DIGEST], predicateType: SLSA_PROVENANCE_V1 }
    ])
    const listed = (await (
      await call('GET', `/repos/octo-org/charts/attestations/${CHART_DIGEST}`)
    ).json()) as { attestations: { bundle: unknown; repository_id: number }[] }
    expect(listed.attestations).toHaveLength(1)
    expect(
      verifyAttestationBundle(listed.attestations[0].bundle, {
        trust: double.trustedRoot,
        identity: identity(),
        digest: CHART_DIGEST,
        predicateType: SLSA_PROVENANCE_V1
      }).signer.subjectAlternativeName
    ).toBe(SAN)
    const none = async (path: string) =>
      ((await (await call('GET', path)).json()) as { attestations: unknown[] })
        .attestations
    expect(
      await none(
        `/repos/octo-org/charts/attestations/sha256:${'cd'.repeat(32)}`
      )
    ).toEqual([])
    expect(
      await none(
        `/repos/octo-org/charts/attestations/${CHART_DIGEST}?predicate_type=sbom`
      )
    ).toEqual([])
    expect(
      await none(
        `/repos/octo-org/charts/attestations/${CHART_DIGEST}?predicate_type=provenance`
      )
    ).toHaveLength(1)
    expect(github.violations).toEqual([])
  })

  it('fails calls that break the description, and bundles GitHub would refuse', async () => {
    const extra = await call('POST', '/repos/octo-org/charts/attestations', {
      bundle: bundleToJSON(bundle),
      subject_digest: CHART_DIGEST
    })
    expect(extra.status).toBe(400)
    expect(github.violations.at(-1)?.problems).toEqual([
      "body has field 'subject_digest' the operation does not declare"
    ])
    const missing = await call(
      'POST',
      '/repos/octo-org/charts/attestations',
      {}
    )
    expect(missing.status).toBe(400)
    const message = await signMessage(double, Buffer.from('x'))
    const refused = await call('POST', '/repos/octo-org/charts/attestations', {
      bundle: bundleToJSON(message)
    })
    expect(refused.status).toBe(422)
  })
})

// ------------------------------------------------------------ Registry layouts

interface Pushed {
  mediaType: string
  digest: string
  size: number
}

async function pushBlob(
  registry: Registry,
  repository: string,
  data: Buffer,
  mediaType: string
): Promise<Pushed> {
  const digest = `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST'
  })
  expect(start.status).toBe(202)
  const location = new URL(start.headers.get('location')!, registry.url)
  location.searchParams.set('digest', digest)
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: data
  })
  expect(put.status).toBe(201)
  return { mediaType, digest, size: data.length }
}

/** PUTs a manifest at a tag, or at its digest when no tag is given. */
async function pushManifest(
  registry: Registry,
  repository: string,
  tag: string | undefined,
  manifest: object
): Promise<Pushed> {
  const body = Buffer.from(JSON.stringify(manifest))
  const mediaType = (manifest as { mediaType: string }).mediaType
  const digest = `sha256:${crypto.createHash('sha256').update(body).digest('hex')}`
  const res = await fetch(
    `${registry.url}/v2/${repository}/manifests/${tag ?? digest}`,
    { method: 'PUT', headers: { 'content-type': mediaType }, body }
  )
  if (res.status !== 201)
    throw new Error(`manifest PUT answered ${res.status}: ${await res.text()}`)
  return { mediaType, digest, size: body.length }
}

/** A chart as Helm pushes it: config + one layer in an OCI manifest. */
async function pushChart(
  registry: Registry,
  repository: string,
  version: string
): Promise<Pushed> {
  const config = await pushBlob(
    registry,
    repository,
    Buffer.from(JSON.stringify({ name: 'demo', version, apiVersion: 'v2' })),
    'application/vnd.cncf.helm.config.v1+json'
  )
  const layer = await pushBlob(
    registry,
    repository,
    crypto.randomBytes(64),
    'application/vnd.cncf.helm.chart.content.v1.tar+gzip'
  )
  return pushManifest(registry, repository, version, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config,
    layers: [layer]
  })
}

/**
 * The producer side of the cosign v2 layout, from a @sigstore/sign message
 * signature bundle over the payload (what the action's code must do):
 * TransparencyLogEntry -> `dev.sigstore.cosign/bundle`:
 *   SignedEntryTimestamp = base64(inclusionPromise.signedEntryTimestamp),
 *   Payload.body = base64(canonicalizedBody),
 *   Payload.integratedTime = Number(integratedTime),
 *   Payload.logIndex = Number(logIndex),
 *   Payload.logID = hex(logId.keyId).
 */
function cosignAnnotations(
  bundle: Bundle,
  chainPem: string
): Record<string, string> {
  if (bundle.content.$case !== 'messageSignature')
    throw new Error('not a message signature')
  const material = bundle.verificationMaterial
  const leaf =
    material.content.$case === 'x509CertificateChain'
      ? material.content.x509CertificateChain.certificates[0].rawBytes
      : material.content.$case === 'certificate'
        ? material.content.certificate.rawBytes
        : undefined
  const pem = `-----BEGIN CERTIFICATE-----\n${leaf!.toString('base64')}\n-----END CERTIFICATE-----\n`
  const annotations: Record<string, string> = {
    [COSIGN_ANNOTATIONS.signature]:
      bundle.content.messageSignature.signature.toString('base64'),
    [COSIGN_ANNOTATIONS.certificate]: pem,
    [COSIGN_ANNOTATIONS.chain]: chainPem
  }
  const entry = material.tlogEntries[0]
  if (entry?.inclusionPromise)
    annotations[COSIGN_ANNOTATIONS.bundle] = JSON.stringify({
      SignedEntryTimestamp:
        entry.inclusionPromise.signedEntryTimestamp.toString('base64'),
      Payload: {
        body: entry.canonicalizedBody.toString('base64'),
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: entry.logId.keyId.toString('hex')
      }
    })
  const timestamp =
    material.timestampVerificationData?.rfc3161Timestamps[0]?.signedTimestamp
  if (timestamp)
    annotations[COSIGN_ANNOTATIONS.rfc3161Timestamp] = JSON.stringify({
      SignedRFC3161Timestamp: timestamp.toString('base64')
    })
  return annotations
}

describe('signatures stored in a real registry', () => {
  let registry: Registry
  let chart: Pushed
  let chainPem: string

  beforeAll(async () => {
    registry = await startRegistry()
    chart = await pushChart(registry, 'charts/demo', '1.2.3')
    // FulcioSigner keeps only the leaf; the chain is Fulcio's trust bundle
    // (intermediate, root), what Fulcio returns after the leaf.
    const trustBundle = (await (
      await fetch(`${double.fulcioUrl}/api/v2/trustBundle`)
    ).json()) as { chains: { certificates: string[] }[] }
    chainPem = trustBundle.chains[0].certificates.join('')
  })

  afterAll(async () => {
    await registry?.stop()
  })

  const registryClient = () =>
    new RegistryClient({
      registry: registry.host,
      plainHttp: true,
      insecureSkipTlsVerify: false
    })

  /** A simple-signing layer for `names`, signed through `d`. */
  async function signatureLayer(
    repository: string,
    names: string,
    d: SigstoreDouble
  ): Promise<Pushed & { annotations: Record<string, string> }> {
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': `${registry.host}/${repository}` },
          image: { 'docker-manifest-digest': names },
          type: COSIGN_SIGNATURE_TYPE
        },
        optional: null
      })
    )
    const bundle = await signMessage(d, payload)
    const blob = await pushBlob(
      registry,
      repository,
      payload,
      SIMPLE_SIGNING_MEDIA_TYPE
    )
    return { ...blob, annotations: cosignAnnotations(bundle, chainPem) }
  }

  async function pushSignatures(
    repository: string,
    signed: Pushed,
    layers: Pushed[]
  ): Promise<void> {
    const config = await pushBlob(
      registry,
      repository,
      Buffer.from(
        '{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]}}'
      ),
      'application/vnd.oci.image.config.v1+json'
    )
    await pushManifest(
      registry,
      repository,
      `${signed.digest.replace(':', '-')}.sig`,
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config,
        layers
      }
    )
  }

  it('verifies a cosign v2 .sig tag, layer by layer', async () => {
    const good = await signatureLayer('charts/demo', chart.digest, double)
    const foreign = await signatureLayer('charts/demo', chart.digest, other)
    await pushSignatures('charts/demo', chart, [good, foreign])
    const results = await verifyCosignSignatures({
      client: registryClient(),
      repository: 'charts/demo',
      digest: chart.digest,
      trust: double.trustedRoot,
      identity: identity(),
      dockerReference: `${registry.host}/charts/demo`
    })
    expect(results.map(r => r.verified)).toEqual([true, false])
    expect(results[0]).toMatchObject({
      layer: good.digest,
      dockerManifestDigest: chart.digest,
      // Fulcio's trust bundle as the chain: leaf to root from the signature.
      chain: 'verified',
      signer: {
        subjectAlternativeName: SAN,
        tlogEntries: 1,
        rfc3161Timestamps: 1
      }
    })
    expect(results[1].error).toMatch(/TIMESTAMP_ERROR/)
  })

  it("fails a .sig tag whose payload names another chart's digest", async () => {
    const second = await pushChart(registry, 'charts/demo', '1.2.4')
    const misplaced = await signatureLayer('charts/demo', chart.digest, double)
    await pushSignatures('charts/demo', second, [misplaced])
    await expect(
      verifyCosignSignatures({
        client: registryClient(),
        repository: 'charts/demo',
        digest: second.digest,
        trust: double.trustedRoot,
        identity: identity()
      })
    ).rejects.toThrow(`the payload signs ${chart.digest}, not ${second.digest}`)
    await expect(
      verifyCosignSignatures({
        client: registryClient(),
        repository: 'charts/demo',
        digest: `sha256:${'ef'.repeat(32)}`,
        trust: double.trustedRoot,
        identity: identity()
      })
    ).rejects.toThrow(/does not exist/)
  })

  it('verifies bundle referrers through the referrers tag (distribution 2.8 has no referrers API)', async () => {
    const repository = 'charts/demo'
    const provenance = {
      ...exampleProvenance().predicate,
      runDetails: {
        builder: { id: SAN },
        metadata: {
          invocationId:
            'https://github.com/octo-org/charts/actions/runs/4242424242/attempts/1'
        }
      }
    }
    expect(
      checkSlsaProvenance(
        statement(chart.digest, SLSA_PROVENANCE_V1, provenance)
      )
    ).toEqual([])
    const empty = await pushBlob(
      registry,
      repository,
      Buffer.from('{}'),
      OCI_EMPTY_DESCRIPTOR.mediaType
    )
    expect(empty.digest).toBe(OCI_EMPTY_DESCRIPTOR.digest)
    const referrer = async (predicateType: string, predicate: object) => {
      const bundle = await signStatement(
        double,
        chart.digest,
        predicateType,
        predicate
      )
      const layer = await pushBlob(
        registry,
        repository,
        Buffer.from(JSON.stringify(bundleToJSON(bundle))),
        SIGSTORE_BUNDLE_MEDIA_TYPE
      )
      const annotations = {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': predicateType,
        'org.opencontainers.image.created': new Date().toISOString()
      }
      const manifest = await pushManifest(registry, repository, undefined, {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
        config: OCI_EMPTY_DESCRIPTOR,
        layers: [layer],
        subject: {
          mediaType: chart.mediaType,
          digest: chart.digest,
          size: chart.size
        },
        annotations
      })
      return {
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size,
        artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
        annotations
      }
    }
    const signature = await referrer(COSIGN_SIGN_PREDICATE, {})
    const attestation = await referrer(SLSA_PROVENANCE_V1, provenance)
    await pushManifest(registry, repository, chart.digest.replace(':', '-'), {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [signature, attestation]
    })
    const check = {
      client: httpRegistryReader(registry.url),
      repository,
      digest: chart.digest,
      trust: double.trustedRoot,
      identity: identity()
    }
    const signatures = await verifyBundleReferrers({
      ...check,
      predicateType: COSIGN_SIGN_PREDICATE
    })
    expect(signatures).toMatchObject([
      { referrer: signature.digest, via: 'referrers-tag', verified: true }
    ])
    const [provenanceResult] = await verifyBundleReferrers({
      ...check,
      predicateType: SLSA_PROVENANCE_V1
    })
    expect(provenanceResult.statement?.predicate).toEqual(provenance)
    await expect(
      verifyBundleReferrers({
        ...check,
        identity: other.identity,
        predicateType: SLSA_PROVENANCE_V1
      })
    ).rejects.toThrow(/certificate identity error/)
    await expect(
      verifyBundleReferrers({
        ...check,
        predicateType: 'https://spdx.dev/Document'
      })
    ).rejects.toThrow(/no https:\/\/spdx\.dev\/Document bundle referrer/)
  })
})
