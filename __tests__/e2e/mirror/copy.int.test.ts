// The mirror action end to end, from dist/mirror.js as a runner runs it: two
// real registries on loopback (the source with token auth, like ghcr.io; the
// destination with htpasswd), charts pushed upstream by real Helm, a classic
// chart repository, and a chart signed by the main action. What lands at the
// destination is pulled and rendered by Helm 3 and 4, and its signatures are
// verified by the independent verifier against the Sigstore double's root.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RegistryClient } from '../../../src/registry/client.js'
import {
  actionYml,
  makeRunnerDirs,
  runMain,
  visibleLog
} from '../../helpers/action-runner.js'
import { writeChart } from '../../helpers/charts.js'
import { startMirror, type Mirror } from '../../helpers/helm-mirror.js'
import {
  helmWith,
  mirrored,
  packageChart,
  runMirror,
  serveClassic
} from '../../helpers/mirror-e2e.js'
import {
  HELM3,
  HELM4,
  removeDir,
  repoRoot,
  tempDir
} from '../../helpers/paths.js'
import { postStepStarts } from '../../helpers/post-if.js'
import {
  listTags,
  manifestDigest,
  startRegistry,
  type Registry
} from '../../helpers/registry.js'
import {
  COSIGN_SIGN_PREDICATE,
  verifyBundleReferrers,
  verifyCosignSignatures
} from '../../helpers/signature-verifier.js'
import {
  startSigstoreDouble,
  type SigstoreDouble
} from '../../helpers/sigstore-double.js'
import {
  startTokenServer,
  type TokenServer
} from '../../helpers/token-server.js'

const UP = { username: 'upstream', password: 'up-s3cret' }
const DOWN = { username: 'mirror', password: 'mi-s3cret' }
const OWNER = 'octo-org'

let root: string
let helmSite: Mirror
let tokens: TokenServer
let source: Registry
let destination: Registry
let sigstore: SigstoreDouble
let upstreamHelm: (args: string[]) => Promise<string>

/** Pushes `name` `version` to the source's `charts/` with real Helm 4. */
async function publish(name: string, version: string, greeting = 'hello') {
  const dir = tempDir('hor-mirror-pkg-')
  const file = await packageChart(upstreamHelm, dir, name, version, greeting)
  await upstreamHelm([
    'push',
    file,
    `oci://${source.host}/charts`,
    '--plain-http'
  ])
  removeDir(dir)
}

/** The inputs of a run from the source into the destination's `repository`. */
function inputs(charts: string, repository = 'mirror/charts') {
  return {
    charts,
    registry: destination.host,
    repository,
    username: DOWN.username,
    password: DOWN.password,
    'plain-http': 'true',
    'source-username': UP.username,
    'source-password': UP.password,
    'source-plain-http': 'true'
  }
}

// Token auth: the action's own client reads the source (the helper speaks Basic).
const sourceDigest = (repo: string, tag: string) =>
  new RegistryClient({
    registry: source.host,
    ...UP,
    plainHttp: true,
    insecureSkipTlsVerify: false
  }).manifestDigest(repo, tag)
const destinationDigest = (repo: string, tag: string) =>
  manifestDigest(destination, repo, tag, DOWN)

beforeAll(async () => {
  root = tempDir('hor-mirror-e2e-')
  ;[helmSite, tokens, destination, sigstore] = await Promise.all([
    startMirror({ versions: [HELM4] }),
    startTokenServer({ users: { [UP.username]: UP.password } }),
    startRegistry({ users: { [DOWN.username]: DOWN.password } }),
    startSigstoreDouble({
      workflow: {
        repository: `${OWNER}/charts`,
        ref: 'refs/tags/v1.0.0',
        visibility: 'public'
      }
    })
  ])
  source = await startRegistry({ auth: tokens.registryAuth() })
  upstreamHelm = helmWith(HELM4, { [source.host]: UP })
  for (const version of ['1.0.0', '1.1.0', '2.0.0'])
    await publish('hello', version)
  for (const version of ['1.0.0', '1.5.0', '2.0.0-beta.1'])
    await publish('world', version)
})

afterAll(async () => {
  await Promise.all([
    helmSite?.stop(),
    source?.stop(),
    destination?.stop(),
    tokens?.stop(),
    sigstore?.stop()
  ])
  removeDir(root)
})

const LINES = [
  '# the charts production runs',
  `oci://${'SOURCE'}/charts/hello >=1.0.0 <2`,
  `oci://${'SOURCE'}/charts/world latest`
]
const charts = () => LINES.join('\n').replaceAll('SOURCE', source.host)

describe('OCI to OCI', () => {
  test('a range and `latest` copy the right versions, digest for digest', async () => {
    const result = await runMirror(root, inputs(charts()))
    expect(result.exitCode, visibleLog(result).join('\n')).toBe(0)
    expect(result.outputs).toMatchObject({
      copied: '3',
      skipped: '0',
      refused: '0'
    })
    expect(
      mirrored(result).map(r => `${r.chart} ${r.version} ${r.status}`)
    ).toEqual([
      'hello 1.0.0 copied',
      'hello 1.1.0 copied',
      'world 1.5.0 copied'
    ])
    expect(
      (await listTags(destination, 'mirror/charts/hello', DOWN)).sort()
    ).toEqual(['1.0.0', '1.1.0'])
    expect(await listTags(destination, 'mirror/charts/world', DOWN)).toEqual([
      '1.5.0'
    ])
    for (const r of mirrored(result)) {
      const repo = `charts/${String(r.chart)}`
      const digest = await sourceDigest(repo, String(r.version))
      expect(r.digest).toBe(digest)
      expect(await destinationDigest(`mirror/${repo}`, String(r.version))).toBe(
        digest
      )
    }
  })

  test.each([HELM3, HELM4])(
    'Helm %s pulls and renders the copies',
    async version => {
      const helm = helmWith(version, { [destination.host]: DOWN })
      const dir = tempDir('hor-mirror-pull-')
      const ref = `oci://${destination.host}/mirror/charts/hello`
      await helm([
        'pull',
        ref,
        '--version',
        '1.1.0',
        '--destination',
        dir,
        '--plain-http'
      ])
      const rendered = await helm([
        'template',
        'r',
        path.join(dir, 'hello-1.1.0.tgz')
      ])
      expect(rendered).toContain('greeting: hello')
      removeDir(dir)
    },
    30_000
  )

  test('a re-run copies nothing', async () => {
    const result = await runMirror(root, inputs(charts()))
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({
      copied: '0',
      skipped: '3',
      refused: '0'
    })
    expect(mirrored(result).every(r => r.status === 'skipped')).toBe(true)
  })

  test('an upstream tag that moved is refused with both digests; the destination is unchanged', async () => {
    const before = await destinationDigest('mirror/charts/hello', '1.1.0')
    await publish('hello', '1.1.0', 'moved')
    const moved = await sourceDigest('charts/hello', '1.1.0')
    expect(moved).not.toBe(before)
    const result = await runMirror(root, inputs(charts()))
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({
      copied: '0',
      skipped: '2',
      refused: '1'
    })
    expect(mirrored(result).find(r => r.status === 'refused')).toMatchObject({
      chart: 'hello',
      version: '1.1.0',
      digest: moved,
      destinationDigest: before
    })
    const log = visibleLog(result).join('\n')
    expect(log).toContain(`source ${moved}, destination ${before}`)
    expect(await destinationDigest('mirror/charts/hello', '1.1.0')).toBe(before)
  })
})

describe('bad input is refused before anything is copied', () => {
  test.each([
    [
      'an unknown scheme',
      'ftp://charts.example.com/app 1.0.0',
      'scheme ftp:// is not supported'
    ],
    [
      'an unparsable range',
      `oci://SOURCE/charts/world >=banana`,
      'is neither an exact version'
    ],
    [
      'a missing chart',
      `oci://SOURCE/charts/nothing-here 1.0.0`,
      'does not exist'
    ]
  ])(
    '%s',
    async (_what, bad, message) => {
      const lines = `oci://SOURCE/charts/hello 1.0.0\n${bad}`.replaceAll(
        'SOURCE',
        source.host
      )
      const result = await runMirror(root, inputs(lines, 'refused/charts'))
      expect(result.exitCode).toBe(1)
      expect(visibleLog(result).join('\n')).toContain(message)
      expect(await listTags(destination, 'refused/charts/hello', DOWN)).toEqual(
        []
      )
    },
    30_000
  )
})

test('a classic chart repository: the package is pushed with Helm, and pulls', async () => {
  const dir = tempDir('hor-mirror-classic-')
  const helm = helmWith(HELM4)
  const file = await packageChart(helm, dir, 'classic', '0.3.0', 'from-index')
  const repo = await serveClassic(dir, [
    { name: 'classic', version: '0.3.0', file }
  ])
  try {
    const result = await runMirror(root, {
      ...inputs(`${repo.url} classic latest`),
      'source-username': '',
      'source-password': '',
      'helm-version': HELM4,
      'helm-download-url': helmSite.url
    })
    expect(result.exitCode, visibleLog(result).join('\n')).toBe(0)
    expect(mirrored(result)).toMatchObject([
      { chart: 'classic', version: '0.3.0', status: 'copied' }
    ])
    // Helm's folder was handed to the post step and removed: none starts.
    expect(result.env).toEqual({ HELM_OCI_RELEASE_CLEANUP: 'done' })
    const post = { status: 'success', env: result.env } as const
    const postIf = actionYml(path.join(repoRoot, 'mirror', 'action.yml'))
    expect(postStepStarts(postIf.runs['post-if'], post)).toBe(false)
    const pull = helmWith(HELM4, { [destination.host]: DOWN })
    const out = tempDir('hor-mirror-classic-pull-')
    await pull([
      'pull',
      `oci://${destination.host}/mirror/charts/classic`,
      '--version',
      '0.3.0',
      '--destination',
      out,
      '--plain-http'
    ])
    expect(
      await pull(['template', 'r', path.join(out, 'classic-0.3.0.tgz')])
    ).toContain('greeting: from-index')
    removeDir(out)
  } finally {
    await repo.stop()
    removeDir(dir)
  }
})

test('a chart signed upstream by the main action still verifies at the destination', async () => {
  const dirs = makeRunnerDirs(path.join(root, 'sign'))
  writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'signed',
    version: '1.0.0'
  })
  const signed = await runMain({
    inputs: {
      chart: 'charts/signed',
      registry: source.host,
      repository: `${OWNER}/charts`,
      username: UP.username,
      password: UP.password,
      'plain-http': 'true',
      'helm-version': HELM4,
      'helm-download-url': helmSite.url,
      sign: 'true',
      'signature-format': 'both',
      'sigstore-fulcio-url': sigstore.fulcioUrl,
      'sigstore-rekor-url': sigstore.rekorUrl,
      'sigstore-tsa-url': sigstore.tsaUrl
    },
    github: { repository_owner: OWNER, actor: 'octocat', token: '' },
    env: {
      ...sigstore.oidcEnv,
      GITHUB_REPOSITORY: `${OWNER}/charts`,
      GITHUB_REF: 'refs/tags/v1.0.0'
    },
    dirs
  })
  expect(signed.exitCode, visibleLog(signed).join('\n')).toBe(0)
  const digest = signed.outputs.digest
  const result = await runMirror(
    root,
    inputs(`oci://${source.host}/${OWNER}/charts/signed 1.0.0`)
  )
  expect(result.exitCode, visibleLog(result).join('\n')).toBe(0)
  const [copy] = mirrored(result)
  expect(copy).toMatchObject({ status: 'copied', digest })
  const kinds = (copy.related as { kind: string; status: string }[]).map(
    r => `${r.kind} ${r.status}`
  )
  expect(kinds).toEqual(
    expect.arrayContaining(['signature copied', 'referrer copied'])
  )
  const client = new RegistryClient({
    registry: destination.host,
    ...DOWN,
    plainHttp: true,
    insecureSkipTlsVerify: false
  })
  const check = {
    client,
    repository: 'mirror/charts/signed',
    digest,
    trust: sigstore.trustedRoot,
    identity: {
      subjectAlternativeName: sigstore.identity.subjectAlternativeName,
      issuer: sigstore.identity.issuer
    }
  }
  const legacy = await verifyCosignSignatures({
    ...check,
    dockerReference: `${source.host}/${OWNER}/charts/signed`
  })
  expect(legacy.filter(l => l.verified)).toHaveLength(1)
  const bundles = await verifyBundleReferrers({
    ...check,
    predicateType: COSIGN_SIGN_PREDICATE
  })
  expect(bundles.filter(b => !b.error)).toHaveLength(1)
})
