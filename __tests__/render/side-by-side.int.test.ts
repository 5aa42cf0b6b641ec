// The preview renders places side by side (#27), with the real Helm: the
// Helm it is given counts the renders in flight and holds the first place's
// first render until a second render has started, so a preview that renders
// one place at a time never finishes (the test fails on its timeout), and one
// that runs more than RENDER_CONCURRENCY at once is caught by the count. The
// places finish out of order; the report still lists them in the places'
// order. No clock: the order of events alone decides.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { wholeText } from '../../src/fit.js'
import { Helm } from '../../src/helm/cli.js'
import { probeIsolation } from '../../src/helm/isolation.js'
import { IsolatedHelm, type HelmTemplate } from '../../src/helm/template.js'
import { childEnv } from '../../src/process-env.js'
import type { PlaceChange, RenderPlace } from '../../src/render/place.js'
import { previewRelease, RENDER_CONCURRENCY } from '../../src/render/preview.js'
import { createSandbox } from '../../src/sandbox.js'
import { writeChart } from '../helpers/charts.js'
import { HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const PLACES = 5

let work: string
let helm: IsolatedHelm
const packages: Record<string, string> = {}

beforeAll(async () => {
  work = tempDir()
  const sandbox = createSandbox({ RUNNER_TEMP: work })
  const packer = new Helm(realHelm(HELM4), 4, childEnv(sandbox.env))
  for (const version of ['1.0.0', '1.1.0']) {
    const dir = writeChart(path.join(work, `src-${version}`), {
      name: 'web',
      version
    })
    fs.writeFileSync(
      path.join(dir, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ .Release.Name }}}\n' +
        `data: {greeting: {{ .Values.greeting | quote }}, version: "${version}"}\n`
    )
    packages[version] = await packer.package(dir, path.join(work, 'packages'))
  }
  const binary = realHelm(HELM4)
  helm = new IsolatedHelm(
    binary,
    HELM4,
    await probeIsolation(binary, work),
    work
  )
})

afterAll(() => removeDir(work))

function place(n: number): RenderPlace {
  return {
    file: `apps/web-${n}.yaml`,
    line: 7,
    title: `Application web-${n} (spec.source)`,
    chartRef: 'oci://registry.example/charts/web',
    releaseName: `web-${n}`,
    namespace: 'apps',
    valueFiles: [{ name: 'helm.valuesObject', text: `greeting: hi-${n}\n` }],
    setValues: [],
    includeCrds: true,
    apiVersions: [],
    notes: []
  }
}

test(`places render ${RENDER_CONCURRENCY} at a time, and are reported in their order`, async () => {
  let inFlight = 0
  let most = 0
  const finished: string[] = []
  let secondStarted!: () => void
  const second = new Promise<void>(resolve => (secondStarted = resolve))
  let calls = 0
  const counting: HelmTemplate = {
    skipsSchemaValidation: helm.skipsSchemaValidation,
    async template(request, limits) {
      const call = ++calls
      inFlight++
      most = Math.max(most, inFlight)
      if (call === 2) secondStarted()
      try {
        // The first place's first render waits for another render to start.
        if (call === 1) await second
        return await helm.template(request, limits)
      } finally {
        inFlight--
        finished.push(request.releaseName)
      }
    }
  }
  const changes: PlaceChange[] = Array.from({ length: PLACES }, (_, i) => ({
    place: place(i + 1),
    versions: { old: '1.0.0', new: '1.1.0' }
  }))
  const preview = await previewRelease(
    {
      helm: counting,
      helmVersion: HELM4,
      packages: { packagePath: (_ref, v) => Promise.resolve(packages[v]) },
      registry: {
        listTags: () => Promise.resolve([]),
        getConfig: () => Promise.resolve(undefined)
      }
    },
    {
      places: () => changes,
      repositoryPath: 'charts/web',
      fromVersions: ['1.0.0'],
      version: '1.1.0',
      apiVersions: []
    }
  )
  expect(preview.warnings).toEqual([])
  expect(most).toBe(RENDER_CONCURRENCY)
  // Two renders (old and new) per place, every place.
  expect(calls).toBe(2 * PLACES)
  // Place 1 finished after place 2 had begun: out of order underneath…
  expect(finished.indexOf('web-2')).toBeLessThan(finished.lastIndexOf('web-1'))
  // …and in order in what the pull request shows, each with its own diff.
  const body = wholeText(preview.parts)
  const at = changes.map(c => body.indexOf(c.place.title))
  expect(at.every(i => i >= 0)).toBe(true)
  expect([...at].sort((a, b) => a - b)).toEqual(at)
  for (let n = 1; n <= PLACES; n++)
    expect(body).toContain(`+data: {greeting: "hi-${n}", version: "1.1.0"}`)
})
