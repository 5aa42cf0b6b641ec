// A classic repository's package into the destination: only when it is the
// chart version its index line says (helm push names the tag after the
// package), never over a tag that is there; pushed with Helm, and read back,
// when it is not.
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { sha256Hex } from '../../src/digest.js'
import type { Connection, PushResult } from '../../src/helm/cli.js'
import type { Manifest } from '../../src/registry/client.js'
import { HELM_CHART_LAYER } from '../../src/registry/oci-manifest.js'
import {
  mirrorClassicPackage,
  type ClassicLine
} from '../../src/mirror/push-classic.js'
import { archive, END, entry } from '../helm/tar-fixtures.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const source: ClassicLine = {
  line: 1,
  text: 'https://charts.example.com app 1.2.3+build.1',
  source: { kind: 'classic', url: 'https://charts.example.com' },
  name: 'app',
  constraint: { kind: 'exact', version: '1.2.3+build.1' }
}
const VERSION = '1.2.3+build.1'
const destination = {
  registry: 'registry.example.com',
  repository: 'mirror/charts',
  connection: { plainHttp: false, insecureSkipTlsVerify: false }
}
const WHERE = 'mirror/charts/app'
const TAG = '1.2.3_build.1'

/** A chart package (.tgz) whose Chart.yaml says `name` `version`. */
function chartPackage(name: string, version: string): Buffer {
  const chart = `apiVersion: v2\nname: ${name}\nversion: ${version}\n`
  return gzipSync(archive(entry(`${name}/Chart.yaml`, chart), END))
}

let dir: string
let packagePath: string
let packageDigest: string
beforeEach(() => {
  dir = tempDir()
  packagePath = path.join(dir, 'app-1.2.3+build.1.tgz')
  const bytes = chartPackage('app', VERSION)
  fs.writeFileSync(packagePath, bytes)
  packageDigest = `sha256:${sha256Hex(bytes)}`
})
afterEach(() => removeDir(dir))

function manifestOf(layerDigest: string): Manifest {
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      layers: [{ mediaType: HELM_CHART_LAYER, digest: layerDigest, size: 1 }]
    })
  )
  return {
    body,
    digest: `sha256:${sha256Hex(body)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json'
  }
}

/** A destination holding `tags`, and a Helm whose push lands there. */
function services(tags: Map<string, Manifest>) {
  const pushes: string[] = []
  let helmStarted = 0
  const registry = {
    async manifestDigest(repository: string, tag: string) {
      return tags.get(`${repository}:${tag}`)?.digest
    },
    async getManifest(repository: string, tag: string) {
      return tags.get(`${repository}:${tag}`)
    }
  }
  const helm = {
    async push(
      file: string,
      target: string,
      _connection: Connection
    ): Promise<PushResult> {
      pushes.push(`${path.basename(file)} → ${target}`)
      const manifest = manifestOf(`sha256:${sha256Hex(fs.readFileSync(file))}`)
      tags.set(`${WHERE}:${TAG}`, manifest)
      return {
        pushedRef: `registry.example.com/${WHERE}:${TAG}`,
        digest: manifest.digest
      }
    }
  }
  return {
    pushes,
    helmStarts: () => helmStarted,
    services: {
      registry,
      helm: async () => {
        helmStarted++
        return helm
      },
      say: () => {}
    }
  }
}

test('an absent tag: pushed with Helm to <repository>, and read back', async () => {
  const fake = services(new Map())
  const outcome = await mirrorClassicPackage(
    source,
    VERSION,
    packagePath,
    destination,
    fake.services,
    false
  )
  expect(fake.pushes).toEqual([
    'app-1.2.3+build.1.tgz → oci://registry.example.com/mirror/charts'
  ])
  expect(outcome).toMatchObject({
    chart: 'app',
    version: '1.2.3+build.1',
    source: 'https://charts.example.com app@1.2.3+build.1',
    destination: `oci://registry.example.com/mirror/charts/app:${TAG}`,
    status: 'copied',
    digest: packageDigest,
    related: []
  })
  expect(outcome.destinationDigest).toBeUndefined()
})

test('the same package already there: skipped, Helm never started', async () => {
  const there = manifestOf(packageDigest)
  const fake = services(new Map([[`${WHERE}:${TAG}`, there]]))
  const outcome = await mirrorClassicPackage(
    source,
    VERSION,
    packagePath,
    destination,
    fake.services,
    false
  )
  expect(outcome).toMatchObject({ status: 'skipped', digest: packageDigest })
  expect(outcome.destinationDigest).toBeUndefined()
  expect(fake.helmStarts()).toBe(0)
})

test('another package under the tag: refused with both digests, nothing pushed', async () => {
  const other = `sha256:${'c'.repeat(64)}`
  const there = manifestOf(other)
  const fake = services(new Map([[`${WHERE}:${TAG}`, there]]))
  const outcome = await mirrorClassicPackage(
    source,
    VERSION,
    packagePath,
    destination,
    fake.services,
    false
  )
  expect(outcome).toMatchObject({
    status: 'refused',
    digest: packageDigest,
    destinationDigest: there.digest
  })
  expect(outcome.reason).toContain(other)
  expect(outcome.reason).toContain(packageDigest)
  expect(fake.pushes).toEqual([])
  expect(fake.helmStarts()).toBe(0)
})

test('a dry run pushes nothing and says it would copy', async () => {
  const fake = services(new Map())
  const outcome = await mirrorClassicPackage(
    source,
    VERSION,
    packagePath,
    destination,
    fake.services,
    true
  )
  expect(outcome.status).toBe('would-copy')
  expect(fake.pushes).toEqual([])
  expect(fake.helmStarts()).toBe(0)
})

test.each([false, true])(
  'a package that is another chart: refused naming both, nothing pushed (dry run %s)',
  async dryRun => {
    fs.writeFileSync(packagePath, chartPackage('victim', '2.0.0'))
    const fake = services(new Map())
    const outcome = await mirrorClassicPackage(
      source,
      VERSION,
      packagePath,
      destination,
      fake.services,
      dryRun
    )
    expect(outcome).toMatchObject({
      chart: 'app',
      version: VERSION,
      status: 'refused',
      destination: `oci://registry.example.com/mirror/charts/app:${TAG}`
    })
    expect(outcome.reason).toBe(
      `index.yaml says app ${VERSION}, but the package is victim 2.0.0 (its Chart.yaml): ` +
        'helm push would write oci://registry.example.com/mirror/charts/victim:2.0.0, ' +
        `not oci://registry.example.com/mirror/charts/app:${TAG}. Nothing was pushed for it. ` +
        "The repository's index and package disagree: tell its maintainers, or drop the line"
    )
    expect(fake.pushes).toEqual([])
    expect(fake.helmStarts()).toBe(0)
  }
)

test('the same chart in another version is refused too', async () => {
  fs.writeFileSync(packagePath, chartPackage('app', '1.2.3'))
  const fake = services(new Map())
  const outcome = await mirrorClassicPackage(
    source,
    VERSION,
    packagePath,
    destination,
    fake.services,
    false
  )
  expect(outcome.status).toBe('refused')
  expect(outcome.reason).toContain('but the package is app 1.2.3')
  expect(fake.pushes).toEqual([])
})

test('a package that cannot be read is refused, nothing pushed', async () => {
  fs.writeFileSync(packagePath, 'not a package')
  const fake = services(new Map())
  const outcome = await mirrorClassicPackage(
    source,
    VERSION,
    packagePath,
    destination,
    fake.services,
    false
  )
  expect(outcome.status).toBe('refused')
  expect(outcome.reason).toBe(
    `the package cannot be checked against what index.yaml says app ${VERSION}: ` +
      'it is not a gzip archive. Nothing was pushed for it: Helm could push it under another ' +
      'name or version. Tell the repository maintainers, or drop the line'
  )
  expect(fake.pushes).toEqual([])
  expect(fake.helmStarts()).toBe(0)
})
