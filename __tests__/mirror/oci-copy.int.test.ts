// The OCI-to-OCI mirror against real CNCF distribution registries: a source
// with token auth (like ghcr.io), a destination with htpasswd, a chart pushed
// by real Helm, a cosign `.sig` and a referrer shaped as the action makes
// them. Then one registry with two repositories, where blobs are mounted.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  mirrorOciVersion,
  ociVersions,
  type CopyCounts
} from '../../src/mirror/oci-copy.js'
import { OCI_IMAGE_INDEX } from '../../src/registry/oci-index.js'
import type { RegistryWriter } from '../../src/registry/writer.js'
import {
  BUNDLE_V03,
  bundleAnnotations,
  bundleManifest,
  describe as descriptor,
  EMPTY_BLOB,
  OCI_IMAGE_CONFIG,
  OCI_MANIFEST,
  referrersIndex,
  referrersTag,
  sha256,
  signatureConfig,
  signatureManifest,
  signatureTag,
  SIMPLE_SIGNING
} from '../../src/signing/layouts.js'
import { writeChart } from '../helpers/charts.js'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'
import { startRegistry, type Registry } from '../helpers/registry.js'
import { startTokenServer, type TokenServer } from '../helpers/token-server.js'
import { writer } from '../helpers/writer.js'

const run = promisify(execFile)
const SRC_USER = { username: 'upstream', password: 'up-s3cret' }
const DST_USER = { username: 'mirror', password: 'mi-s3cret' }
const SRC_REPO = 'charts/hello'
const DST_REPO = 'mirror/hello'
const VERSION = '1.2.3+build.1'
const TAG = '1.2.3_build.1'

let root: string
let tokens: TokenServer
let source: Registry
let destination: Registry
let proxy: FaultProxy
let src: RegistryWriter
let dst: RegistryWriter

/** Packages a chart with real Helm 4 and pushes it to `registry`. */
async function helmPush(
  registry: Registry,
  user: { username: string; password: string },
  version: string,
  greeting: string
): Promise<void> {
  const dir = tempDir('hor-mirror-chart-')
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: dir,
    HELM_CACHE_HOME: dir,
    HELM_DATA_HOME: dir,
    HELM_REGISTRY_CONFIG: path.join(dir, 'registry.json')
  }
  const helm = realHelm(HELM4)
  const login = execFile(
    helm,
    [
      'registry',
      'login',
      registry.host,
      '--username',
      user.username,
      '--password-stdin',
      '--plain-http'
    ],
    { env }
  )
  login.stdin?.end(user.password)
  await new Promise((resolve, reject) =>
    login.on('exit', code =>
      code === 0 ? resolve(code) : reject(new Error(`login exited ${code}`))
    )
  )
  const chart = writeChart(dir, {
    version,
    template: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  greeting: ${greeting}\n`
  })
  await run(helm, ['package', chart, '--destination', dir], { env })
  await run(
    helm,
    [
      'push',
      path.join(dir, `hello-${version}.tgz`),
      `oci://${registry.host}/charts`,
      '--plain-http'
    ],
    { env }
  )
  removeDir(dir)
}

/** A cosign 2 `.sig` manifest and a cosign 3 referrer of `digest`, by hand. */
async function signUpstream(
  registry: RegistryWriter,
  repository: string,
  digest: string
): Promise<{ sig: string; referrer: string }> {
  const chart = (await registry.getManifest(repository, digest))!
  const payload = Buffer.from(
    JSON.stringify({
      critical: { image: { 'docker-manifest-digest': digest } }
    })
  )
  const layer = descriptor(SIMPLE_SIGNING, payload, {
    'dev.cosignproject.cosign/signature': 'c2lnbmF0dXJl'
  })
  const config = signatureConfig([layer])
  await registry.pushBlob(repository, payload)
  await registry.pushBlob(repository, config)
  const sig = await registry.putManifest(
    repository,
    signatureTag(digest),
    OCI_MANIFEST,
    signatureManifest(descriptor(OCI_IMAGE_CONFIG, config), [layer])
  )
  const bundle = Buffer.from(JSON.stringify({ mediaType: BUNDLE_V03 }))
  await registry.pushBlob(repository, bundle)
  await registry.pushBlob(repository, EMPTY_BLOB)
  const annotations = bundleAnnotations(
    'https://slsa.dev/provenance/v1',
    new Date(0)
  )
  const manifest = bundleManifest(
    descriptor(BUNDLE_V03, bundle),
    { mediaType: chart.mediaType, digest, size: chart.body.length },
    annotations
  )
  const referrer = sha256(manifest)
  await registry.putManifest(repository, referrer, OCI_MANIFEST, manifest)
  // distribution 2.8 has no referrers API: the tag lists it, as the action does.
  await registry.putManifest(
    repository,
    referrersTag(digest),
    OCI_IMAGE_INDEX,
    referrersIndex([], {
      mediaType: OCI_MANIFEST,
      digest: referrer,
      size: manifest.length,
      artifactType: BUNDLE_V03,
      annotations
    })
  )
  return { sig: sig.digest, referrer }
}

const writes = (p: FaultProxy): string[] =>
  p.requests
    .filter(r => r.method !== 'GET' && r.method !== 'HEAD')
    .map(r => `${r.method} ${r.path}`)

const counts = (): CopyCounts => ({ present: 0, mounted: 0, uploaded: 0 })

beforeAll(async () => {
  root = tempDir('hor-mirror-')
  tokens = await startTokenServer({
    users: { [SRC_USER.username]: SRC_USER.password }
  })
  source = await startRegistry({ auth: tokens.registryAuth() })
  destination = await startRegistry({
    users: { [DST_USER.username]: DST_USER.password }
  })
  // Every request to the destination is recorded: a re-run must write nothing.
  proxy = await startFaultProxy(destination.url)
  src = writer(source.host, SRC_USER)
  dst = writer(proxy.host, DST_USER)
  await helmPush(source, SRC_USER, VERSION, 'one')
  await helmPush(source, SRC_USER, '1.3.0', 'two')
})

afterAll(async () => {
  await proxy?.stop()
  await destination?.stop()
  await source?.stop()
  await tokens?.stop()
  removeDir(root)
})

const request = (version: string, dryRun = false) => ({
  source: { registry: src, repository: SRC_REPO },
  destination: { registry: dst, repository: DST_REPO },
  chart: 'hello',
  version,
  dryRun
})

describe('mirrorOciVersion between two registries', () => {
  let chartDigest: string
  let signed: { sig: string; referrer: string }

  test('the source lists its versions, + written _', async () => {
    expect((await ociVersions(src, SRC_REPO)).sort()).toEqual([
      '1.2.3+build.1',
      '1.3.0'
    ])
    chartDigest = (await src.getManifest(SRC_REPO, TAG))!.digest
    signed = await signUpstream(src, SRC_REPO, chartDigest)
  })

  test('a dry run reads and writes nothing', async () => {
    proxy.clear()
    const result = await mirrorOciVersion(request(VERSION, true))
    expect(result).toMatchObject({
      status: 'would-copy',
      digest: chartDigest,
      destination: `oci://${proxy.host}/${DST_REPO}:${TAG}`
    })
    expect(result.related.map(r => [r.kind, r.status])).toEqual([
      ['signature', 'would-copy'],
      ['referrer', 'would-copy'],
      ['referrers-tag', 'would-copy']
    ])
    expect(writes(proxy)).toEqual([])
    expect(await dst.manifestDigest(DST_REPO, TAG)).toBeUndefined()
  })

  test('copies the chart, its .sig and its referrer byte for byte', async () => {
    const copied = counts()
    const result = await mirrorOciVersion({
      ...request(VERSION),
      counts: copied
    })
    expect(result).toMatchObject({ status: 'copied', digest: chartDigest })
    expect(result.reason).toBeUndefined()
    expect(copied).toEqual({ present: 0, mounted: 0, uploaded: 6 })
    const [up, down] = await Promise.all([
      src.getManifest(SRC_REPO, TAG),
      dst.getManifest(DST_REPO, TAG)
    ])
    expect(down!.digest).toBe(chartDigest)
    expect(down!.body.equals(up!.body)).toBe(true)
    expect(down!.mediaType).toBe(up!.mediaType)
    expect(result.related).toEqual([
      {
        kind: 'signature',
        reference: signatureTag(chartDigest),
        status: 'copied',
        digest: signed.sig
      },
      {
        kind: 'referrer',
        reference: signed.referrer,
        status: 'copied',
        digest: signed.referrer
      },
      expect.objectContaining({
        kind: 'referrers-tag',
        reference: referrersTag(chartDigest),
        status: 'copied'
      })
    ])
    // Signature and referrer keep their digests: they still verify.
    expect(await dst.manifestDigest(DST_REPO, signatureTag(chartDigest))).toBe(
      signed.sig
    )
    const referrer = await dst.getManifest(DST_REPO, signed.referrer)
    expect(referrer?.digest).toBe(signed.referrer)
    const tag = await dst.getManifest(DST_REPO, referrersTag(chartDigest))
    const listed = JSON.parse(tag!.body.toString()) as {
      manifests: { digest: string; artifactType: string }[]
    }
    expect(listed.manifests).toEqual([
      expect.objectContaining({
        digest: signed.referrer,
        artifactType: BUNDLE_V03
      })
    ])
    // The layer Helm pulls is the very package Helm pushed.
    const layer = (
      JSON.parse(up!.body.toString()) as { layers: { digest: string }[] }
    ).layers[0].digest
    expect(
      (await dst.getBlob(DST_REPO, layer)).equals(
        await src.getBlob(SRC_REPO, layer)
      )
    ).toBe(true)
  })

  test('a re-run skips everything and writes nothing', async () => {
    proxy.clear()
    const result = await mirrorOciVersion(request(VERSION))
    expect(result.status).toBe('skipped')
    expect(result.related.map(r => r.status)).toEqual([
      'skipped',
      'skipped',
      'skipped'
    ])
    expect(writes(proxy)).toEqual([])
  })

  test('an upstream tag that moved is refused with both digests', async () => {
    await helmPush(source, SRC_USER, VERSION, 'moved')
    const moved = await src.manifestDigest(SRC_REPO, TAG)
    expect(moved).not.toBe(chartDigest)
    proxy.clear()
    const result = await mirrorOciVersion(request(VERSION))
    expect(result).toMatchObject({
      status: 'refused',
      digest: moved,
      destinationDigest: chartDigest,
      related: []
    })
    expect(result.reason).toContain(moved)
    expect(result.reason).toContain(chartDigest)
    expect(result.reason).toMatch(/Nothing was overwritten/)
    expect(writes(proxy)).toEqual([])
    expect(await dst.manifestDigest(DST_REPO, TAG)).toBe(chartDigest)
  })

  test('a destination .sig that differs is kept and reported', async () => {
    const digest = (await src.getManifest(SRC_REPO, '1.3.0'))!.digest
    await signUpstream(src, SRC_REPO, digest)
    // Someone signed the destination's copy on their own.
    const other = Buffer.from('{"other":true}')
    await dst.pushBlob(DST_REPO, other)
    await dst.pushBlob(DST_REPO, EMPTY_BLOB)
    const foreign = await dst.putManifest(
      DST_REPO,
      signatureTag(digest),
      OCI_MANIFEST,
      signatureManifest(
        descriptor('application/vnd.oci.empty.v1+json', EMPTY_BLOB),
        [descriptor(SIMPLE_SIGNING, other)]
      )
    )
    const result = await mirrorOciVersion(request('1.3.0'))
    expect(result.status).toBe('copied')
    expect(result.related[0]).toMatchObject({
      kind: 'signature',
      status: 'refused',
      destinationDigest: foreign.digest
    })
    expect(result.reason).toMatch(/signature sha256-.*\.sig: .*not overwritten/)
    expect(result.related.slice(1).map(r => r.status)).toEqual([
      'copied',
      'copied'
    ])
    expect(await dst.manifestDigest(DST_REPO, signatureTag(digest))).toBe(
      foreign.digest
    )
  })

  test('an image index is refused, not copied', async () => {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_IMAGE_INDEX,
        manifests: []
      })
    )
    await src.putManifest(SRC_REPO, '9.9.9', OCI_IMAGE_INDEX, index)
    const result = await mirrorOciVersion(request('9.9.9'))
    expect(result.status).toBe('refused')
    expect(result.reason).toMatch(/image index .*single OCI manifests/)
    expect(await dst.manifestDigest(DST_REPO, '9.9.9')).toBeUndefined()
  })
})

describe('mirrorOciVersion within one registry', () => {
  test('blobs are mounted across repositories, never uploaded', async () => {
    const recorder = await startFaultProxy(source.url)
    try {
      const same = writer(recorder.host, SRC_USER)
      const copied = counts()
      const result = await mirrorOciVersion({
        source: { registry: same, repository: SRC_REPO },
        destination: { registry: same, repository: 'mirror/hello' },
        chart: 'hello',
        version: '1.3.0',
        dryRun: false,
        counts: copied
      })
      expect(result.status).toBe('copied')
      // Chart config and layer, .sig payload and config, bundle and {}.
      expect(copied).toEqual({ present: 0, mounted: 6, uploaded: 0 })
      const mounts = recorder.requests.filter(
        r => r.method === 'POST' && r.path.includes('mount=')
      )
      // One more: the first is answered 401, as the token must now also
      // grant pull on the source repository.
      expect(mounts.length).toBe(7)
      expect(
        recorder.requests.filter(
          r => r.method === 'PUT' && r.path.includes('/blobs/uploads/')
        )
      ).toEqual([])
      expect(await same.manifestDigest('mirror/hello', '1.3.0')).toBe(
        result.digest
      )
    } finally {
      await recorder.stop()
    }
  })
})
