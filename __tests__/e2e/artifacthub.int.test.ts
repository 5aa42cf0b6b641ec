// Artifact Hub repository metadata through the bundled action, as a runner
// runs it: artifacthub-repo.yml next to Chart.yaml pushed as the chart
// repository's artifacthub.io tag and read back from the real registry with
// the media types Artifact Hub documents; not pushed again when unchanged; a
// dry run says what it would do; a tag that holds something else stops the
// release before the chart is pushed, and is left as it was.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { RegistryWriter } from '../../src/registry/writer.js'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { sha256 } from '../helpers/fakes.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import { HELM4, removeDir, repoRoot, tempDir } from '../helpers/paths.js'
import {
  listTags,
  manifestDigest,
  startRegistry,
  type Registry
} from '../helpers/registry.js'

const USER = 'robot'
const PASSWORD = 's3cret'
const AUTH = { username: USER, password: PASSWORD }
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
const ID = 'b8a9a5f6-1c2d-4e3f-8a9b-0c1d2e3f4a5b'
const METADATA = `repositoryID: ${ID}\nowners:\n  - name: me\n    email: me@example.com\n`
const github = { repository_owner: 'acme', actor: 'octocat', token: '' }

let root: string
let registry: Registry
let mirror: Mirror
let runs = 0

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js')))
    throw new Error("dist/index.js is missing: run 'npm run bundle' first.")
  root = tempDir('hor-e2e-ah-')
  ;[registry, mirror] = await Promise.all([
    startRegistry({ users: { [USER]: PASSWORD } }),
    startMirror({ versions: [HELM4] })
  ])
})
afterAll(async () => {
  await Promise.all([registry?.stop(), mirror?.stop()])
  removeDir(root)
})

interface Run {
  repository: string
  version: string
  metadata?: string
  inputs?: Record<string, string>
}

async function release(run: Run): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  const dir = writeChart(path.join(dirs.workspace, 'charts'), {
    name: 'hello',
    version: run.version
  })
  if (run.metadata !== undefined)
    fs.writeFileSync(path.join(dir, 'artifacthub-repo.yml'), run.metadata)
  return runMain({
    inputs: {
      chart: 'charts/hello',
      registry: registry.host,
      repository: run.repository,
      username: USER,
      password: PASSWORD,
      'helm-version': HELM4,
      'helm-download-url': mirror.url,
      'plain-http': 'true',
      ...run.inputs
    },
    github,
    dirs,
    env: { GITHUB_REF: `refs/tags/v${run.version}` }
  })
}

const log = (result: StepResult): string => result.stdout + result.stderr

/** The artifacthub.io tag as Artifact Hub reads it: the manifest, then its metadata layer. */
async function tagOf(repository: string) {
  const headers = {
    authorization: BASIC,
    accept: 'application/vnd.oci.image.manifest.v1+json'
  }
  const answer = await fetch(
    `${registry.url}/v2/${repository}/manifests/artifacthub.io`,
    { headers }
  )
  if (answer.status === 404) return undefined
  const body = Buffer.from(await answer.arrayBuffer())
  const manifest = JSON.parse(body.toString()) as {
    config: { mediaType: string }
    layers: { mediaType: string; digest: string }[]
  }
  const layer = manifest.layers[0]
  const blob = await fetch(
    `${registry.url}/v2/${repository}/blobs/${layer.digest}`,
    { headers: { authorization: BASIC } }
  )
  return {
    digest: sha256(body),
    mediaType: answer.headers.get('content-type'),
    config: manifest.config.mediaType,
    layers: manifest.layers.map(l => l.mediaType),
    file: await blob.text()
  }
}

test('pushed once, read back in the documented layout; unchanged, not pushed again; a dry run says what it would do', async () => {
  const first = await release({
    repository: 'ah',
    version: '1.0.0',
    metadata: METADATA
  })
  expect(first.exitCode, log(first)).toBe(0)
  const pushed = await tagOf('ah/hello')
  expect(pushed).toMatchObject({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.cncf.artifacthub.config.v1+yaml',
    layers: [
      'application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml'
    ],
    file: METADATA
  })
  expect(log(first)).toContain(
    `Pushed Artifact Hub metadata charts/hello/artifacthub-repo.yml as oci://${registry.host}/ah/hello:artifacthub.io (digest ${pushed?.digest}).`
  )
  const second = await release({
    repository: 'ah',
    version: '1.0.1',
    metadata: METADATA
  })
  expect(second.exitCode, log(second)).toBe(0)
  expect(log(second)).toContain(
    `Artifact Hub metadata charts/hello/artifacthub-repo.yml is already at oci://${registry.host}/ah/hello:artifacthub.io.`
  )
  const dry = await release({
    repository: 'ah',
    version: '1.0.2',
    metadata: `${METADATA}ignore:\n  - name: old\n`,
    inputs: { 'dry-run': 'true' }
  })
  expect(dry.exitCode, log(dry)).toBe(0)
  expect(log(dry)).toMatch(
    /Dry run: would push charts\/hello\/artifacthub-repo\.yml as oci:\/\/[\d.:]+\/ah\/hello:artifacthub\.io \(it holds other metadata; digest sha256:[0-9a-f]{64}\)\./
  )
  expect(dry.summary).toContain("Artifact Hub metadata: 'dry-run' is true")
  expect((await tagOf('ah/hello'))?.digest).toBe(pushed?.digest)
})

test('a tag that holds something else: the release stops before the chart is pushed, the tag left as it was', async () => {
  const writer = new RegistryWriter({
    registry: registry.host,
    plainHttp: true,
    insecureSkipTlsVerify: false,
    ...AUTH
  })
  const config = await writer.pushBlob('taken/hello', Buffer.from('{}'))
  const kept = await writer.putManifest(
    'taken/hello',
    'artifacthub.io',
    'application/vnd.oci.image.manifest.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.example.other+json',
          digest: config.digest,
          size: config.size
        },
        layers: []
      })
    )
  )
  const result = await release({
    repository: 'taken',
    version: '1.0.0',
    metadata: METADATA
  })
  expect(result.exitCode).toBe(1)
  expect(log(result)).toMatch(
    /^::error file=charts\/hello\/artifacthub-repo\.yml::oci:\/\/[\d.:]+\/taken\/hello:artifacthub\.io holds a "application\/vnd\.oci\.image\.manifest\.v1\+json" manifest, config "application\/vnd\.example\.other\+json" \(digest sha256:[0-9a-f]{64}\), not Artifact Hub repository metadata: the action never writes over it/m
  )
  expect(await listTags(registry, 'taken/hello', AUTH)).toEqual([
    'artifacthub.io'
  ])
  expect(
    await manifestDigest(registry, 'taken/hello', 'artifacthub.io', AUTH)
  ).toBe(kept.digest)
})
