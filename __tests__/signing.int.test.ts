// Signed and attested charts through dist/ as a runner runs it: real Helm 3
// and 4 pushing to a real registry with token auth, the Sigstore doubles
// (OIDC, Fulcio, Rekor, TSA) and the OpenAPI-checked GitHub double; what
// the registry then holds is checked by an independent verifier
// (@sigstore/verify against the doubles' trusted root).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RegistryClient } from '../src/registry/client.js'
import {
  makeRunnerDirs,
  runMain,
  visibleLog,
  type StepResult
} from './helpers/action-runner.js'
import { writeChart } from './helpers/charts.js'
import {
  startGitHubDouble,
  type GitHubDouble
} from './helpers/github-double.js'
import { startMirror, type Mirror } from './helpers/helm-mirror.js'
import { HELM3, HELM4, removeDir, tempDir } from './helpers/paths.js'
import { listTags, startRegistry, type Registry } from './helpers/registry.js'
import {
  COSIGN_SIGN_PREDICATE,
  SLSA_PROVENANCE_V1,
  verifyAttestationBundle,
  verifyBundleReferrers,
  verifyCosignSignatures
} from './helpers/signature-verifier.js'
import {
  startSigstoreDouble,
  type SigstoreDouble
} from './helpers/sigstore-double.js'
import { checkSlsaProvenance } from './helpers/slsa-provenance.js'
import { startTokenServer, type TokenServer } from './helpers/token-server.js'
import { startFaultProxy } from './helpers/fault-proxy.js'

const USER = 'releaser'
const PASSWORD = 'push-s3cret'
const ATTEST_TOKEN = 'ghs_attestationsToken0123456789'
const OWNER = 'octo-org'

let root: string
let mirror: Mirror
let tokens: TokenServer
let registry: Registry
let sigstore: SigstoreDouble
let github: GitHubDouble
let client: RegistryClient
let runs = 0

beforeAll(async () => {
  root = tempDir('hor-signing-')
  mirror = await startMirror({ versions: [HELM3, HELM4] })
  tokens = await startTokenServer({ users: { [USER]: PASSWORD } })
  registry = await startRegistry({ auth: tokens.registryAuth() })
  sigstore = await startSigstoreDouble({
    workflow: {
      repository: `${OWNER}/charts`,
      ref: 'refs/tags/v1.0.0',
      visibility: 'public'
    }
  })
  github = await startGitHubDouble({ tokens: [ATTEST_TOKEN] })
  github.addRepository({ owner: OWNER, repo: 'charts' })
  client = new RegistryClient({
    registry: registry.host,
    username: USER,
    password: PASSWORD,
    plainHttp: true,
    insecureSkipTlsVerify: false
  })
}, 120_000)

afterAll(async () => {
  await Promise.all([
    mirror?.stop(),
    registry?.stop(),
    tokens?.stop(),
    sigstore?.stop(),
    github?.close()
  ])
  removeDir(root)
})

interface Release {
  chart: string
  version: string
  helm?: string
  inputs?: Record<string, string>
  env?: Record<string, string>
}

/** One release run of `chart` at `version`, signed and attested unless told otherwise. */
async function release(options: Release): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  writeChart(path.join(dirs.workspace, 'charts'), {
    name: options.chart,
    version: options.version
  })
  return runMain({
    inputs: {
      chart: `charts/${options.chart}`,
      registry: registry.host,
      repository: `${OWNER}/charts`,
      username: USER,
      password: PASSWORD,
      'plain-http': 'true',
      tag: `v${options.version}`,
      'helm-version': options.helm ?? HELM4,
      'helm-download-url': mirror.url,
      sign: 'true',
      provenance: 'true',
      'signature-format': 'both',
      'sigstore-fulcio-url': sigstore.fulcioUrl,
      'sigstore-rekor-url': sigstore.rekorUrl,
      'sigstore-tsa-url': sigstore.tsaUrl,
      'github-token': ATTEST_TOKEN,
      ...options.inputs
    },
    github: { repository_owner: OWNER, actor: 'octocat', token: '' },
    env: {
      ...sigstore.oidcEnv,
      GITHUB_REPOSITORY: `${OWNER}/charts`,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: github.apiUrl,
      GITHUB_REF: `refs/tags/v${options.version}`,
      ...options.env
    },
    dirs
  })
}

function log(result: StepResult): string {
  return visibleLog(result).join('\n')
}

const identity = () => ({
  subjectAlternativeName: sigstore.identity.subjectAlternativeName,
  issuer: sigstore.identity.issuer
})

describe.each([HELM3, HELM4])('a chart pushed by Helm %s', helm => {
  const chart = `signed-${helm.replace(/\./g, '-')}`
  const repository = `${OWNER}/charts/${chart}`
  let result: StepResult

  beforeAll(async () => {
    result = await release({ chart, version: '1.0.0', helm })
  }, 180_000)

  test('is signed in both layouts and attested, by the digest it pushed', async () => {
    expect(result.exitCode, log(result)).toBe(0)
    const digest = result.outputs['digest']
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    const hex = digest.slice('sha256:'.length)
    expect(JSON.parse(result.outputs['signatures'])).toEqual([
      `oci://${registry.host}/${repository}:sha256-${hex}.sig`,
      expect.stringMatching(
        new RegExp(`^oci://${registry.host}/${repository}@sha256:[a-f0-9]{64}$`)
      )
    ])
    expect(result.outputs['signature']).toBe(
      `oci://${registry.host}/${repository}:sha256-${hex}.sig`
    )
    const legacy = await verifyCosignSignatures({
      client,
      repository,
      digest,
      trust: sigstore.trustedRoot,
      identity: identity(),
      dockerReference: `${registry.host}/${repository}`
    })
    expect(legacy.filter(l => l.verified)).toHaveLength(1)
    const bundles = await verifyBundleReferrers({
      client,
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
      client,
      repository,
      digest,
      trust: sigstore.trustedRoot,
      identity: identity(),
      predicateType: SLSA_PROVENANCE_V1
    })
    const verified = referrers.filter(r => !r.error)
    expect(verified).toHaveLength(1)
    expect(result.outputs['attestation']).toBe(
      `oci://${registry.host}/${repository}@${verified[0].referrer}`
    )
    const statement = verified[0].statement!
    expect(checkSlsaProvenance(statement)).toEqual([])
    expect(statement.subject).toEqual([
      {
        name: `${registry.host}/${repository}`,
        digest: { sha256: digest.slice(7) }
      }
    ])
    const stored = github
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
    const base = { client, repository, trust: sigstore.trustedRoot }
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
  const current = await client.getManifest(repository, tag)
  const manifest = JSON.parse(current!.body.toString())
  manifest.annotations = { ...manifest.annotations, 'pushed.over': 'yes' }
  const body = Buffer.from(JSON.stringify(manifest))
  const { RegistryWriter } = await import('../src/registry/writer.js')
  const writer = new RegistryWriter({
    registry: registry.host,
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

describe('refusals before anything is pushed', () => {
  test('without an OIDC token: names id-token: write, shows the YAML, pushes nothing', async () => {
    const result = await release({
      chart: 'no-token',
      version: '1.0.0',
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: '',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: ''
      }
    })
    expect(result.exitCode).toBe(1)
    // The runner shows an annotation's message with its line breaks.
    const text = log(result).replace(/%0A/g, '\n').replace(/%25/g, '%')
    expect(text).toMatch(
      /'sign: true' and 'provenance: true' needs the workflow's OIDC token/
    )
    expect(text).toContain('id-token: write')
    expect(text).toMatch(/^ *permissions:$/m)
    expect(text).not.toMatch(/\n\s+at /)
    expect(
      await listTags(registry, `${OWNER}/charts/no-token`, {
        username: USER,
        password: PASSWORD
      }).catch(() => [])
    ).toEqual([])
  })

  test('the OIDC endpoint refusing (403) fails before the push too', async () => {
    const result = await release({
      chart: 'token-refused',
      version: '1.0.0',
      env: { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-request-token' }
    })
    expect(result.exitCode).toBe(1)
    expect(log(result)).toContain('id-token: write')
    expect(await tagsOf('token-refused')).toEqual([])
  })

  test('a dry run without a token warns and succeeds, signing nothing', async () => {
    const result = await release({
      chart: 'dry',
      version: '1.0.0',
      inputs: { 'dry-run': 'true' },
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: '',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: ''
      }
    })
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toMatch(/^::warning::.*id-token: write/m)
    expect(result.outputs['signature']).toBe('')
  })

  test('a registry that refuses the signature artifact type: named, nothing published', async () => {
    const proxy = await startFaultProxy(registry.url, {
      match: (method, p) => method === 'PUT' && /\/manifests\/sha256:/.test(p)
    })
    try {
      proxy.failAlways({
        kind: 'status',
        status: 400,
        body: JSON.stringify({
          errors: [
            {
              code: 'MANIFEST_INVALID',
              message: 'manifest invalid',
              detail: 'unsupported artifact type'
            }
          ]
        })
      })
      const result = await release({
        chart: 'refused-type',
        version: '1.0.0',
        inputs: {
          registry: proxy.host,
          'signature-format': 'bundle',
          provenance: 'false'
        }
      })
      expect(result.exitCode).toBe(1)
      const text = log(result)
      expect(text).toContain('does not accept Sigstore bundles')
      expect(text).toContain('application/vnd.dev.sigstore.bundle.v0.3+json')
      expect(text).toContain('Nothing was published')
      expect(await tagsOf('refused-type')).toEqual([])
    } finally {
      await proxy.stop()
    }
  })
})

async function tagsOf(chart: string): Promise<string[]> {
  try {
    return await client.listTags(`${OWNER}/charts/${chart}`)
  } catch {
    return []
  }
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
        `oci://${registry.host}/${repository}:2\\.0\\.0 is published \\(digest sha256:[a-f0-9]{64}\\) but not signed: Fulcio`
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
      client,
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
      client,
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
    const dirs = path.join(root, `run-${runs + 1}`)
    const result = await release({ chart: 'secret-check', version: '1.0.0' })
    expect(result.exitCode, log(result)).toBe(0)
    expect(sigstore.oidcRequests.length).toBeGreaterThan(0)
    expect(jwtsIn(result, [dirs])).toEqual([])
  })
})

describe('the job summary', () => {
  test("shows the three verification commands with this run's identity", async () => {
    const result = await release({ chart: 'summary', version: '1.0.0' })
    expect(result.exitCode, log(result)).toBe(0)
    const summary = result.summary
    expect(summary).toContain(
      `cosign verify ${registry.host}/${OWNER}/charts/summary@${result.outputs['digest']}`
    )
    expect(summary).toContain(
      `--certificate-identity '${sigstore.identity.subjectAlternativeName}'`
    )
    expect(summary).toContain(
      `gh attestation verify oci://${registry.host}/${OWNER}/charts/summary:1.0.0 --owner ${OWNER}`
    )
    expect(summary).toContain('provider: cosign')
    expect(summary).toContain('matchOIDCIdentity:')
  })
})
