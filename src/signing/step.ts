// The signing step: before anything is pushed, the workflow's identity and
// the registry's acceptance are checked (startSigning); after the push, each
// chart's digest is signed and attested (signRelease), and its result handed
// to the run's record. What is already there by this workflow is kept, so a
// re-run completes a release.
import * as core from '@actions/core'
import { forEachPublished } from '../publish/after-push.js'
import type { Config, IfExists } from '../inputs/release.js'
import type { SigningConfig } from '../inputs/signing.js'
import {
  githubAttestations,
  type AttestationStore
} from '../github/attestations.js'
import type { ChartRelease } from '../record/chart-release.js'
import type { Note, RunRecord } from '../record/run.js'
import type { SigningResult } from '../record/signing.js'
import {
  sigstoreEndpoints,
  type SigstoreEndpoints
} from '../sigstore/instance.js'
import {
  callingWorkflow,
  certificateIdentity,
  idTokenOffered,
  type CallingWorkflow,
  parseClaims,
  requestIdToken,
  type WorkflowClaims
} from '../sigstore/oidc.js'
import {
  sigstoreSigner,
  type SerializedBundle,
  type Signer
} from '../sigstore/signer.js'
import { findBundleReferrer, hasCosignSignature } from './existing.js'
import { cosignAnnotations, signatureTag, type Descriptor } from './layouts.js'
import {
  COSIGN_SIGN_PREDICATE,
  cosignSignStatement,
  provenanceStatement,
  simpleSigningPayload,
  SLSA_PROVENANCE_V1,
  type Subject
} from './payloads.js'
import { checkRegistryAccepts, probesFor } from './probe.js'
import {
  readingOnce,
  storeBundleReferrer,
  storeCosignSignature,
  type SignatureRegistry
} from './store.js'

/** What one run signs with. */
export interface SigningSession {
  config: SigningConfig
  claims: WorkflowClaims
  /** The certificate identity (SAN) of this run's signatures. */
  identity: string
  endpoints: SigstoreEndpoints
  signer: Signer
  attestations?: AttestationStore
}

/**
 * Gets the OIDC token (refusing without `id-token: write`), names the
 * identity, and checks that the registry takes the artifacts: all before the
 * first push. A dry run checks the token only.
 */
export async function startSigning(
  config: Config,
  registry: SignatureRegistry,
  releases: ChartRelease[]
): Promise<SigningSession | undefined> {
  const signing = config.signing
  if (!signing) return undefined
  // inputs/signing.ts warned already: a dry run without a token checks
  // nothing here.
  if (config.dryRun && !idTokenOffered(process.env)) return undefined
  const token = await requestIdToken(signing.asking)
  const claims = parseClaims(token)
  const endpoints = sigstoreEndpoints(
    signing.sigstore,
    claims.repository_visibility,
    signing.overrides
  )
  const identity = certificateIdentity(claims, signing.serverUrl)
  core.info(`Signing identity: ${identity} (issuer ${claims.iss}).`)
  core.info(`Sigstore: ${describeEndpoints(endpoints)}.`)
  if (!config.dryRun) {
    const probes = probesFor(signing.sign, signing.format, signing.provenance)
    for (const repository of new Set(releases.map(r => r.repositoryPath)))
      await checkRegistryAccepts(registry, repository, probes)
    core.info('The registry accepts the signature artifacts.')
  }
  return {
    config: signing,
    claims,
    identity,
    endpoints,
    signer: sigstoreSigner(endpoints, () => requestIdToken(signing.asking)),
    attestations: signing.provenance
      ? githubAttestations(
          { token: signing.githubToken, apiUrl: signing.apiUrl },
          signing.owner,
          signing.repo
        )
      : undefined
  }
}

function describeEndpoints(endpoints: SigstoreEndpoints): string {
  const witnesses = [
    endpoints.rekorUrl && `Rekor ${endpoints.rekorUrl}`,
    endpoints.tsaUrl && `timestamps ${endpoints.tsaUrl}`
  ].filter(Boolean)
  return `${endpoints.name} (Fulcio ${endpoints.fulcioUrl}, ${witnesses.join(', ')})`
}

/**
 * Signs and attests one published chart by digest: the signature layouts
 * asked for and the provenance, each unless this workflow's is already there.
 */
export async function signRelease(
  session: SigningSession,
  store: SignatureRegistry,
  release: ChartRelease
): Promise<SigningResult> {
  const registry = readingOnce(store)
  const { config, identity } = session
  const repository = release.repositoryPath
  const subject: Subject = {
    name: `${release.registry}/${repository}`,
    digest: release.digest
  }
  const chart = await chartDescriptor(registry, repository, release.digest)
  const target: BundleTarget = { repository, chart, subject }
  const caller = callingWorkflow(session.claims)
  const result: SigningResult = {
    owner: config.owner,
    identity,
    issuer: session.claims.iss,
    ...(caller ? { caller } : {}),
    sigstore: session.endpoints.name,
    signatures: [],
    kept: [],
    notes: caller ? [reusableWorkflowNote(identity, caller)] : []
  }
  const at = (reference: string): string =>
    `oci://${release.registry}/${repository}${reference}`
  if (config.sign && config.format !== 'bundle') {
    const tag = signatureTag(release.digest)
    if (
      await hasCosignSignature(registry, repository, release.digest, identity)
    )
      result.kept.push(`cosign signature (${tag})`)
    else await signLegacy(session, registry, repository, subject)
    result.signatures.push(at(`:${tag}`))
  }
  if (config.sign && config.format !== 'legacy') {
    const digest = await bundleOnce(session, registry, target, result, 'sign')
    result.signatures.push(at(`@${digest}`))
  }
  // Provenance says this run built the chart: only true of what it pushed.
  if (config.provenance && release.pushed) {
    const digest = await bundleOnce(
      session,
      registry,
      target,
      result,
      'provenance'
    )
    result.provenance = at(`@${digest}`)
  } else if (config.provenance)
    result.notes.push(
      'no provenance: this run did not build this version (it was published before)'
    )
  return result
}

/** What a verifier of a reusable workflow's signature must know. */
function reusableWorkflowNote(
  identity: string,
  caller: CallingWorkflow
): string {
  return (
    `signed by the reusable workflow \`${identity}\`, called by \`${caller.workflowRef}\`. ` +
    'The identity names the reusable workflow only: a check of the identity alone ' +
    'accepts a signature from any repository that calls it. The cosign command below ' +
    `also pins the calling repository (\`${caller.repository}\`); Flux cannot, its ` +
    'pattern below accepts this reusable workflow at this ref only.'
  )
}

async function chartDescriptor(
  registry: SignatureRegistry,
  repository: string,
  digest: string
): Promise<Descriptor> {
  const manifest = await registry.getManifest(repository, digest)
  if (!manifest)
    throw new Error(
      `the chart's manifest ${digest} is no longer in the registry`
    )
  return { mediaType: manifest.mediaType, digest, size: manifest.body.length }
}

async function signLegacy(
  session: SigningSession,
  registry: SignatureRegistry,
  repository: string,
  subject: Subject
): Promise<void> {
  const payload = simpleSigningPayload(subject)
  const { bundle, chain } = await session.signer.signMessage(payload)
  const stored = await storeCosignSignature(
    registry,
    repository,
    subject.digest,
    payload,
    cosignAnnotations(bundle, chain)
  )
  core.info(`Signed ${subject.name}@${subject.digest}: ${stored.tag}.`)
}

/** The chart a bundle refers to: its repository, manifest and subject. */
interface BundleTarget {
  repository: string
  chart: Descriptor
  subject: Subject
}

/**
 * A DSSE bundle referrer (cosign 3 signature or SLSA provenance) unless this
 * workflow's is there; provenance also goes to GitHub's attestations API
 * first, so that one in the registry means both were stored.
 */
async function bundleOnce(
  session: SigningSession,
  registry: SignatureRegistry,
  { repository, chart, subject }: BundleTarget,
  result: SigningResult,
  kind: 'sign' | 'provenance'
): Promise<string> {
  const predicateType =
    kind === 'sign' ? COSIGN_SIGN_PREDICATE : SLSA_PROVENANCE_V1
  const what = kind === 'sign' ? 'Sigstore bundle signature' : 'SLSA provenance'
  const found = await findBundleReferrer(
    registry,
    repository,
    subject.digest,
    session.identity,
    predicateType
  )
  if (found) {
    result.kept.push(`${what} (${found})`)
    return found
  }
  const statement =
    kind === 'sign'
      ? cosignSignStatement(subject)
      : provenanceStatement(subject, session.claims, session.config.serverUrl)
  const bundle = await session.signer.signStatement(statement)
  if (kind === 'provenance' && session.attestations)
    await attest(session, session.attestations, bundle, result)
  const digest = await storeBundleReferrer(
    registry,
    repository,
    chart,
    bundle,
    predicateType,
    new Date()
  )
  core.info(`${what} of ${subject.name}@${subject.digest}: referrer ${digest}.`)
  return digest
}

/** Stores the provenance in GitHub's attestations; its URL when GitHub gave an id. */
async function attest(
  session: SigningSession,
  attestations: AttestationStore,
  bundle: SerializedBundle,
  result: SigningResult
): Promise<void> {
  const id = await attestations.create(bundle)
  const { serverUrl, owner, repo } = session.config
  if (id === undefined) {
    core.info(`Attestation stored in ${owner}/${repo} (GitHub answered no id).`)
    return
  }
  result.attestationId = id
  result.attestationUrl = `${serverUrl}/${owner}/${repo}/attestations/${id}`
  core.info(
    `Attestation ${id} stored in ${owner}/${repo}: ${result.attestationUrl}`
  )
}

/**
 * The step after the push: signs and attests what the registry serves for
 * this run, in its own log group; a dry run signs nothing, and says so.
 */
export async function signAndAttest(
  session: SigningSession,
  registry: SignatureRegistry,
  config: Pick<Config, 'dryRun' | 'ifExists'>,
  releases: ChartRelease[],
  record: Pick<RunRecord, 'signed'>
): Promise<Note> {
  if (config.dryRun) return "Signing: 'dry-run' is true (nothing signed)"
  await core.group('Sign and attest', () =>
    signAll(session, registry, releases, config.ifExists, record)
  )
  return undefined
}

/**
 * Signs every chart the registry now serves for this run (pushed, or already
 * published with `if-exists: skip`). A failure after the push says the chart
 * is published and how a re-run finishes the job.
 */
export async function signAll(
  session: SigningSession,
  registry: SignatureRegistry,
  releases: ChartRelease[],
  ifExists: IfExists,
  record: Pick<RunRecord, 'signed'>
): Promise<void> {
  await forEachPublished(
    releases,
    ifExists,
    { undone: 'not signed', rerunDoes: 'signs what is missing' },
    async release => {
      const signing = await signRelease(session, registry, release)
      record.signed(release, signing)
      for (const kept of signing.kept)
        core.info(
          `${release.name} ${release.version}: kept the ${kept} already there.`
        )
    }
  )
}
