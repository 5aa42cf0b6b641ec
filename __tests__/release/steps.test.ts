// The seams of the list of steps that main.test.ts does not reach: one client
// of the destination registry for the whole run, handed to every step that
// reads or writes it; signing and the GitHub release behind fakes that write
// the run's record, seen in the outputs and the summary; their dry-run notes.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { Config } from '../../src/inputs/release.js'
import type { SigningResult } from '../../src/record/signing.js'
import { realServices, type Services } from '../../src/release/services.js'
import { release } from '../../src/release/steps.js'
import type { SigningSession } from '../../src/signing/step.js'
import type { SignatureRegistry } from '../../src/signing/store.js'
import { parseFileCommand } from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { FakeHelm, FakeRegistry, sha256 } from '../helpers/fakes.js'
import { removeDir, tempDir } from '../helpers/paths.js'

// One folder for the runner's files: @actions/core keeps the summary file's
// path from its first use.
const runnerFiles = tempDir('hor-steps-files-')
const files = {
  GITHUB_OUTPUT: path.join(runnerFiles, 'output'),
  GITHUB_STEP_SUMMARY: path.join(runnerFiles, 'summary'),
  GITHUB_STATE: path.join(runnerFiles, 'state')
}
afterAll(() => removeDir(runnerFiles))

let root: string
beforeEach(() => {
  root = tempDir('hor-steps-')
  fs.mkdirSync(path.join(root, 'temp'))
  for (const file of Object.values(files)) fs.writeFileSync(file, '')
  for (const [name, value] of Object.entries(files)) vi.stubEnv(name, value)
  vi.stubEnv('RUNNER_TEMP', path.join(root, 'temp'))
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  writeChart(path.join(root, 'charts'), { name: 'hello', version: '1.0.0' })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  removeDir(root)
})

/** A release of charts/hello 1.0.0 at tag v1.0.0, signed and with a GitHub release. */
function config(overrides: Partial<Config> = {}): Config {
  return {
    workspace: root,
    chartPatterns: ['charts/hello'],
    registry: 'registry.test',
    repository: 'acme/charts',
    username: 'robot',
    password: 's3cret',
    helmVersion: { kind: 'exact', version: '4.2.3' },
    helmDownloadUrl: 'https://get.helm.sh',
    plainHttp: false,
    insecureSkipTlsVerify: false,
    lint: true,
    dryRun: false,
    tag: 'v1.0.0',
    githubRef: 'refs/tags/v1.0.0',
    tagPattern: 'v{version}',
    checkTag: true,
    ifExists: 'fail',
    signing: {
      sign: true,
      provenance: false,
      format: 'legacy',
      sigstore: 'auto',
      overrides: {},
      githubToken: '',
      owner: 'acme',
      repo: 'charts',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      asking: "'sign: true'"
    },
    githubRelease: {
      token: 'ghs_release',
      owner: 'acme',
      repo: 'charts',
      apiUrl: 'https://api.github.com'
    },
    ...overrides
  }
}

const SIGNED: SigningResult = {
  owner: 'acme',
  identity:
    'https://github.com/acme/charts/.github/workflows/r.yml@refs/tags/v1.0.0',
  issuer: 'https://token.actions.githubusercontent.com',
  sigstore: 'public-good',
  signatures: ['oci://registry.test/acme/charts/hello:sha256-1.sig'],
  kept: [],
  notes: []
}

/** Fakes for every system and step; `seen` lists which client each step got. */
function fakes() {
  const registry = new FakeRegistry()
  const writes = {} as SignatureRegistry
  const session = { identity: SIGNED.identity } as SigningSession
  const seen: string[] = []
  const clientOf = (client: unknown): string =>
    client === registry ? 'reads' : client === writes ? 'writes' : 'another'
  let clients = 0
  const services: Services = {
    installHelm: async () => ({
      path: '/fake/helm',
      version: '4.2.3',
      major: 4,
      source: 'cache'
    }),
    registry: async () => {
      clients++
      return { reads: registry, writes }
    },
    helm: () => new FakeHelm(registry),
    renderHelm: () => Promise.reject(new Error('no preview expected')),
    installRenderHelm: () => Promise.reject(new Error('no preview expected')),
    startSigning: async (_config, client) => {
      seen.push(`check signing: ${clientOf(client)}`)
      return session
    },
    signAndAttest: async (given, client, _config, charts, record) => {
      seen.push(`sign: ${clientOf(client)}, session ${given === session}`)
      for (const chart of charts) record.signed(chart, SIGNED)
      return undefined
    },
    githubRelease: async (_config, charts, client, record) => {
      seen.push(`GitHub release: ${clientOf(client)}`)
      for (const chart of charts)
        record.released(chart, {
          url: 'https://github.com/acme/charts/releases/tag/v1.0.0',
          id: 1,
          tag: 'v1.0.0',
          operation: 'created',
          assets: [{ name: 'hello-1.0.0.tgz', action: 'uploaded' }]
        })
      return undefined
    },
    gitops: () => Promise.reject(new Error('no GitOps step expected'))
  }
  return { registry, services, seen, clients: () => clients }
}

function outputs(): Record<string, string> {
  return parseFileCommand(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8'))
}

test('one registry client for the run: the lookup, signing and the GitHub release share it', async () => {
  const fake = fakes()
  await release(config(), fake.services)
  expect(fake.clients()).toBe(1)
  expect(fake.registry.lookups).toEqual(['acme/charts/hello:1.0.0'])
  expect(fake.seen).toEqual([
    'check signing: writes',
    'sign: writes, session true',
    'GitHub release: reads'
  ])
})

test('signing and the GitHub release write the record: outputs and summary show it', async () => {
  const fake = fakes()
  await release(config(), fake.services)
  expect(outputs()).toMatchObject({
    pushed: 'true',
    signature: SIGNED.signatures[0],
    'release-url': 'https://github.com/acme/charts/releases/tag/v1.0.0'
  })
  const summary = fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  expect(summary).toContain('Signed: hello 1.0.0')
  expect(summary).toContain('GitHub releases')
  expect(summary).toContain('hello-1.0.0.tgz uploaded')
})

test('a dry run: the real steps sign nothing, release nothing, and say so under Skipped', async () => {
  const fake = fakes()
  const services: Services = {
    ...fake.services,
    signAndAttest: realServices.signAndAttest,
    githubRelease: realServices.githubRelease
  }
  await release(config({ dryRun: true }), services)
  expect(fake.seen).toEqual(['check signing: writes'])
  expect(outputs()).toMatchObject({ pushed: 'false', signature: '' })
  const summary = fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  expect(summary).toContain("Signing: 'dry-run' is true (nothing signed)")
  expect(summary).toContain(
    "GitHub release: 'dry-run' is true (no release made)"
  )
})

test('on ghcr.io, the notice that the package will not be linked comes before the push', async () => {
  const fake = fakes()
  const events: string[] = []
  vi.mocked(process.stdout.write).mockImplementation(chunk => {
    events.push(String(chunk))
    return true
  })
  const services: Services = {
    ...fake.services,
    helm: () => new FakeHelm(fake.registry, {}, events)
  }
  await release(
    config({ registry: 'ghcr.io', githubRepository: 'acme/app' }),
    services
  )
  const notice = events.findIndex(line =>
    line.startsWith(
      '::notice file=charts/hello/Chart.yaml,line=1::ghcr.io will not link oci://ghcr.io/acme/charts/hello to the repository acme/app'
    )
  )
  const push = events.findIndex(line => line.startsWith('push '))
  expect(notice).toBeGreaterThanOrEqual(0)
  expect(events[notice]).toContain(
    'Add this line to Chart.yaml: sources: ["https://github.com/acme/app"]'
  )
  expect(push).toBeGreaterThan(notice)
})

test('no notice when Chart.yaml names the repository, or on another registry', async () => {
  const written: string[] = []
  vi.mocked(process.stdout.write).mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  fs.appendFileSync(
    path.join(root, 'charts/hello/Chart.yaml'),
    'sources:\n  - https://github.com/Acme/App.git\n'
  )
  await release(
    config({ registry: 'ghcr.io', githubRepository: 'acme/app' }),
    fakes().services
  )
  await release(
    config({ registry: 'registry.test', githubRepository: 'acme/other' }),
    fakes().services
  )
  expect(written.join('')).not.toContain('will not link')
})

/** Services whose writer records Artifact Hub metadata writes in `seen`, beside Helm's calls. */
function withMetadataWriter(fake: ReturnType<typeof fakes>): {
  services: Services
  writesAsked: boolean[]
} {
  const writesAsked: boolean[] = []
  const writes = {
    pushBlob: async (repository: string, bytes: Buffer) => {
      fake.seen.push(`blob ${repository} (${bytes.length} bytes)`)
      return { digest: sha256(bytes), size: bytes.length }
    },
    putManifest: async (repository: string, reference: string) => {
      fake.seen.push(`manifest ${repository}:${reference}`)
      return { digest: 'sha256:0' }
    }
  } as unknown as SignatureRegistry
  const services: Services = {
    ...fake.services,
    registry: async (_config, wanted) => {
      writesAsked.push(wanted ?? false)
      return { reads: fake.registry, writes }
    },
    helm: () => new FakeHelm(fake.registry, {}, fake.seen)
  }
  return { services, writesAsked }
}

const OWNERS = 'owners:\n  - email: me@example.com\n'

test('Artifact Hub metadata: a writer asked for, pushed after the chart, signing and the GitHub release', async () => {
  fs.writeFileSync(path.join(root, 'charts/hello/artifacthub-repo.yml'), OWNERS)
  const fake = fakes()
  const { services, writesAsked } = withMetadataWriter(fake)
  await release(config({ artifacthubRepo: { kind: 'auto' } }), services)
  expect(writesAsked).toEqual([true])
  const from = (prefix: string) =>
    fake.seen.findIndex(s => s.startsWith(prefix))
  expect(from('push hello')).toBeLessThan(from('sign:'))
  expect(from('GitHub release')).toBeLessThan(from('blob'))
  expect(fake.seen.slice(from('blob'))).toEqual([
    'blob acme/charts/hello (0 bytes)',
    `blob acme/charts/hello (${OWNERS.length} bytes)`,
    'manifest acme/charts/hello:artifacthub.io'
  ])
})

test('Artifact Hub metadata is pushed also when the version was already published (if-exists: skip)', async () => {
  fs.writeFileSync(path.join(root, 'charts/hello/artifacthub-repo.yml'), OWNERS)
  const fake = fakes()
  fake.registry.put('acme/charts/hello', '1.0.0', sha256('published'))
  const { services } = withMetadataWriter(fake)
  await release(
    config({
      artifacthubRepo: { kind: 'auto' },
      ifExists: 'skip',
      signing: undefined,
      githubRelease: undefined
    }),
    services
  )
  expect(fake.seen.filter(s => !s.startsWith('check signing'))).toEqual([
    'blob acme/charts/hello (0 bytes)',
    `blob acme/charts/hello (${OWNERS.length} bytes)`,
    'manifest acme/charts/hello:artifacthub.io'
  ])
})
