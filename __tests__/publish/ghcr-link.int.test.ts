// The rule chart/oci-source.ts encodes, proved on real pushes: real Helm 3.17.3
// and 4.2.3 push charts with and without `sources` (and with the annotation
// over it) to a real registry, and the manifest's
// org.opencontainers.image.source read back is what the rule says, so the
// ghcr.io notice is given exactly when the package would not be linked.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loadChart } from '../../src/chart/load.js'
import { OCI_SOURCE_ANNOTATION } from '../../src/chart/oci-source.js'
import { ghcrLinkNotice } from '../../src/publish/ghcr-link.js'
import { RegistryClient } from '../../src/registry/client.js'
import { writeChart } from '../helpers/charts.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'
import { startRegistry, type Registry } from '../helpers/registry.js'

const run = promisify(execFile)
const REPO = 'acme/app'
const URL = `https://github.com/${REPO}`

let root: string
let registry: Registry

beforeAll(async () => {
  root = tempDir('hor-ghcr-link-')
  registry = await startRegistry()
})
afterAll(async () => {
  await registry?.stop()
  removeDir(root)
})

const VARIANTS: [string, string, boolean][] = [
  ['no sources', '', false],
  ['the notice line', `sources: ["${URL}"]`, true],
  [
    'another first source',
    `sources:\n  - https://example.com\n  - ${URL}`,
    false
  ],
  [
    'the annotation over sources[0]',
    `sources: ["${URL}"]\nannotations:\n  ${OCI_SOURCE_ANNOTATION}: https://github.com/fork/app`,
    false
  ],
  [
    'the annotation without sources',
    `annotations:\n  ${OCI_SOURCE_ANNOTATION}: ${URL}.git`,
    true
  ]
]

test.each(
  [HELM3, HELM4].flatMap(helm =>
    VARIANTS.map(
      ([name, extra, linked]) => [helm, name, extra, linked] as const
    )
  )
)('Helm %s, %s', async (helm, name, extra, linked) => {
  const base = path.join(root, `${helm}-${name.replace(/\W+/g, '-')}`)
  const chartName = `c${VARIANTS.findIndex(v => v[0] === name)}`
  const dir = writeChart(base, { name: chartName, version: '1.0.0' })
  fs.appendFileSync(path.join(dir, 'Chart.yaml'), `${extra}\n`)
  const home = path.join(base, 'home')
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: home,
    HELM_CACHE_HOME: home,
    HELM_DATA_HOME: home
  }
  const bin = realHelm(helm)
  await run(bin, ['package', dir, '-d', base], { env })
  const target = `oci://${registry.host}/h${helm.replace(/\./g, '')}`
  await run(
    bin,
    ['push', '--plain-http', path.join(base, `${chartName}-1.0.0.tgz`), target],
    { env }
  )
  const client = new RegistryClient({
    registry: registry.host,
    plainHttp: true,
    insecureSkipTlsVerify: false
  })
  const manifest = await client.getManifest(
    `h${helm.replace(/\./g, '')}/${chartName}`,
    '1.0.0'
  )
  const annotations = (
    JSON.parse(manifest!.body.toString('utf8')) as {
      annotations?: Record<string, string>
    }
  ).annotations
  const chart = loadChart(dir, base)
  // What the registry holds is what the rule says Helm writes.
  expect(annotations?.[OCI_SOURCE_ANNOTATION]).toBe(chart.ociSource?.value)
  const notice = ghcrLinkNotice(
    { ...chart, registry: 'ghcr.io', ref: `oci://ghcr.io/acme/${chartName}` },
    REPO
  )
  expect(notice === undefined).toBe(linked)
})
