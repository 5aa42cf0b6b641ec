// A place's values that differ per version, chart globs and the consumer's
// Helm flags, rendered with the real Helm 3 and Helm 4: `atVersion` picks
// each version's values, a `fromChart` glob is expanded in each version's
// own chart, `skipTests` leaves test hooks out, `skipSchemaValidation` lets
// values the schema refuses through (and a Helm without the flag says so).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Helm } from '../../src/helm/cli.js'
import { probeIsolation } from '../../src/helm/isolation.js'
import { IsolatedHelm } from '../../src/helm/template.js'
import { childEnv } from '../../src/process-env.js'
import type { RenderPlace } from '../../src/render/place.js'
import { renderPlace, type ChartPackages } from '../../src/render/render.js'
import { createSandbox } from '../../src/sandbox.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  tag: {{ .Values.tag | quote }}
  layer: {{ .Values.layer | quote }}
  replicas: {{ .Values.replicas | quote }}
`
const TEST_POD = `apiVersion: v1
kind: Pod
metadata:
  name: app-test
  annotations: {helm.sh/hook: test}
spec:
  containers: [{name: t, image: busybox}]
`

let work: string
const packages: Record<string, string> = {}
const chartPackages: ChartPackages = {
  packagePath: (_ref, version) => Promise.resolve(packages[version])
}

/** `app` at `version`; values-z.yaml only from 1.1.0 on. */
async function packageChart(helm: Helm, version: string): Promise<void> {
  const dir = path.join(work, `src-${version}`, 'app')
  fs.mkdirSync(path.join(dir, 'templates', 'tests'), { recursive: true })
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: app\nversion: ${version}\n`,
    'values.yaml': 'tag: none\nlayer: chart\nreplicas: 1\n',
    'values.schema.json': '{"properties": {"replicas": {"type": "integer"}}}',
    'values-a.yaml': 'layer: a\n',
    'templates/cm.yaml': CONFIGMAP,
    'templates/tests/pod.yaml': TEST_POD
  }
  if (version === '1.1.0') files['values-z.yaml'] = 'layer: z\n'
  for (const [name, text] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), text)
  packages[version] = await helm.package(dir, path.join(work, 'packages'))
}

function place(overrides: Partial<RenderPlace> = {}): RenderPlace {
  return {
    file: 'apps/app.yaml',
    line: 9,
    title: 'Application app (spec.source)',
    chartRef: 'oci://registry.example/charts/app',
    releaseName: 'app',
    valueFiles: [],
    setValues: [],
    includeCrds: true,
    apiVersions: [],
    notes: [],
    ...overrides
  }
}

beforeAll(async () => {
  work = tempDir()
  const sandbox = createSandbox({ RUNNER_TEMP: work })
  const helm = new Helm(realHelm(HELM3), 3, childEnv(sandbox.env))
  await packageChart(helm, '1.0.0')
  await packageChart(helm, '1.1.0')
})

afterAll(() => removeDir(work))

describe.each([HELM3, HELM4])('Helm %s', version => {
  let helm: IsolatedHelm
  const render = async (at: string, overrides: Partial<RenderPlace>) =>
    renderPlace(helm, place(overrides), at, chartPackages, {
      workDir: path.join(work, 'render')
    })
  const configMap = async (at: string, overrides: Partial<RenderPlace>) => {
    const result = await render(at, overrides)
    if ('error' in result) throw new Error(result.error)
    return result.resources.find(r => r.kind === 'ConfigMap')?.text ?? ''
  }

  beforeAll(async () => {
    const binary = realHelm(version)
    helm = new IsolatedHelm(
      binary,
      version,
      await probeIsolation(binary, work),
      work
    )
  })

  test('atVersion: each version is rendered with its own values', async () => {
    const at = (tag: string) => ({
      valueFiles: [],
      setValues: [{ path: 'tag', value: tag, forceString: true }]
    })
    const overrides = {
      setValues: at('1.1.0').setValues,
      atVersion: { '1.0.0': at('1.0.0'), '1.1.0': at('1.1.0') }
    }
    expect(await configMap('1.0.0', overrides)).toContain('tag: "1.0.0"')
    expect(await configMap('1.1.0', overrides)).toContain('tag: "1.1.0"')
  })

  test("a fromChart glob is expanded in each version's chart", async () => {
    const valueFiles = [
      {
        name: 'valueFiles values-*.yaml',
        text: '',
        fromChart: 'values-*.yaml',
        glob: true
      }
    ]
    expect(await configMap('1.0.0', { valueFiles })).toContain('layer: "a"')
    expect(await configMap('1.1.0', { valueFiles })).toContain('layer: "z"')
  })

  test('skipTests leaves the test hook out', async () => {
    const kinds = async (overrides: Partial<RenderPlace>) => {
      const result = await render('1.0.0', overrides)
      if ('error' in result) throw new Error(result.error)
      return result.resources.map(r => r.kind).sort()
    }
    expect(await kinds({})).toEqual(['ConfigMap', 'Pod'])
    expect(await kinds({ skipTests: true })).toEqual(['ConfigMap'])
  })

  test('skipSchemaValidation lets a value the schema refuses through', async () => {
    const valueFiles = [{ name: 'values', text: 'replicas: many\n' }]
    const refused = await render('1.0.0', { valueFiles })
    expect(refused).toEqual(
      expect.objectContaining({ error: expect.stringMatching(/schema/) })
    )
    expect(
      await configMap('1.0.0', { valueFiles, skipSchemaValidation: true })
    ).toContain('replicas: "many"')
  })

  test('a Helm without --skip-schema-validation does not render such a place', async () => {
    const binary = realHelm(version)
    const isolation = await probeIsolation(binary, work)
    const older = new IsolatedHelm(binary, '3.15.4', isolation, work)
    const result = await renderPlace(
      older,
      place({ skipSchemaValidation: true }),
      '1.0.0',
      chartPackages,
      { workDir: path.join(work, 'render') }
    )
    expect(result).toEqual(
      expect.objectContaining({
        skip: 'the place skips schema validation, and this Helm cannot (Helm 3.16 or later can)'
      })
    )
  })
})
