// The render settings a GitOps tool may ask for beyond Helm's flags, with
// the real Helm 3 and Helm 4: the chart's values.yaml replaced by its
// other files merged (Flux's chart.spec.valuesFiles), the crds/ folder as
// an upgrade policy applies it (Flux's upgrade.crds), labels and
// annotations on every object (Flux's commonMetadata), and schema
// validation skipped (Flux's disableSchemaValidation).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Helm } from '../../src/helm/cli.js'
import { probeIsolation } from '../../src/helm/isolation.js'
import { IsolatedHelm } from '../../src/helm/template.js'
import { childEnv } from '../../src/process-env.js'
import {
  renderPlace,
  renderPlaceChange,
  type ChartPackages
} from '../../src/render/render.js'
import type { RenderPlace } from '../../src/render/place.js'
import { createSandbox } from '../../src/sandbox.js'
import { writeChart } from '../helpers/charts.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  labels: {app: web}
data:
  replicas: {{ .Values.replicas | quote }}
  greeting: {{ .Values.greeting | default "none" | quote }}
  tier: {{ .Values.tier | default "none" | quote }}
`
const crd = (
  name: string,
  version: string
): string => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${name}.acme.test
spec:
  group: acme.test
  names: {kind: ${name}, plural: ${name}}
  scope: Namespaced
  versions: [{name: ${version}, served: true, storage: true}]
`
const SCHEMA = JSON.stringify({
  type: 'object',
  properties: { replicas: { type: 'integer' } }
})

let work: string
const packages: Record<string, string> = {}

/** 1.0.0: CRDs widgets and gadgets; 1.1.0: widgets changed, gadgets gone, gizmos new. */
async function packageChart(helm: Helm, version: string): Promise<void> {
  const dir = writeChart(path.join(work, `src-${version}`), {
    name: 'web',
    version
  })
  fs.writeFileSync(path.join(dir, 'templates', 'configmap.yaml'), CONFIG_MAP)
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    'replicas: 1\ngreeting: hello\n'
  )
  fs.writeFileSync(path.join(dir, 'values-prod.yaml'), 'replicas: 5\n')
  fs.writeFileSync(path.join(dir, 'values-tier.yaml'), 'tier: gold\n')
  fs.writeFileSync(path.join(dir, 'values.schema.json'), SCHEMA)
  fs.mkdirSync(path.join(dir, 'crds'))
  const crds =
    version === '1.0.0'
      ? { widgets: 'v1', gadgets: 'v1' }
      : { widgets: 'v2', gizmos: 'v1' }
  for (const [name, served] of Object.entries(crds))
    fs.writeFileSync(path.join(dir, 'crds', `${name}.yaml`), crd(name, served))
  packages[version] = await helm.package(dir, path.join(work, 'packages'))
}

const chartPackages: ChartPackages = {
  packagePath: (_ref, version) => Promise.resolve(packages[version])
}

function place(overrides: Partial<RenderPlace> = {}): RenderPlace {
  return {
    file: 'flux/web.yaml',
    line: 8,
    title: 'HelmRelease web',
    chartRef: 'oci://registry.example/charts/web',
    releaseName: 'web',
    namespace: 'shop',
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
  const versions = { old: '1.0.0', new: '1.1.0' }
  const options = () => ({ workDir: path.join(work, 'render') })

  beforeAll(async () => {
    const binary = realHelm(version)
    helm = new IsolatedHelm(
      binary,
      version,
      await probeIsolation(binary, work),
      work
    )
  })

  async function configMap(settings: Partial<RenderPlace>): Promise<string> {
    const result = await renderPlace(
      helm,
      place(settings),
      '1.0.0',
      chartPackages,
      options()
    )
    if ('error' in result) return `error: ${result.error}`
    return result.resources.find(r => r.kind === 'ConfigMap')?.text ?? ''
  }

  test.each<[string, RenderPlace['chartValues'], string[]]>([
    [
      'valuesFiles replace values.yaml: a default not listed is gone',
      { files: ['values-prod.yaml'], ignoreMissing: false },
      ['replicas: "5"', 'greeting: "none"']
    ],
    [
      'valuesFiles merged in order, values.yaml among them',
      {
        files: ['values-prod.yaml', 'values.yaml', 'values-tier.yaml'],
        ignoreMissing: false
      },
      ['replicas: "1"', 'greeting: "hello"', 'tier: "gold"']
    ],
    [
      'ignoreMissingValuesFiles leaves a missing one out',
      { files: ['values-tier.yaml', 'values-none.yaml'], ignoreMissing: true },
      ['greeting: "none"', 'tier: "gold"']
    ]
  ])('%s', async (_name, chartValues, shown) => {
    const text = await configMap({ chartValues })
    for (const line of shown) expect(text).toContain(line)
  })

  test('a missing valuesFile fails as the HelmChart build does', async () => {
    const text = await configMap({
      chartValues: { files: ['values-none.yaml'], ignoreMissing: false }
    })
    expect(text).toBe(
      "error: failed to merge chart values: no values file found at path 'values-none.yaml'"
    )
  })

  test('the release values go over the replaced defaults', async () => {
    const text = await configMap({
      chartValues: { files: ['values-prod.yaml'], ignoreMissing: false },
      valueFiles: [{ name: 'values', text: 'tier: silver\n' }]
    })
    expect(text).toContain('replicas: "5"')
    expect(text).toContain('tier: "silver"')
  })

  test('commonMetadata: on every object, over what the chart sets', async () => {
    const text = await configMap({
      commonMetadata: {
        labels: { app: 'shop', team: 'payments' },
        annotations: { owner: 'ops' }
      }
    })
    expect(text).toContain('labels: { app: shop, team: payments }')
    expect(text).toMatch(/annotations:\n {4}owner: ops\n/)
  })

  test('disableSchemaValidation: a value the schema refuses renders', async () => {
    const values = [{ name: 'values', text: 'replicas: many\n' }]
    expect(await configMap({ valueFiles: values })).toMatch(/^error: .*schema/s)
    expect(
      await configMap({ valueFiles: values, skipSchemaValidation: true })
    ).toContain('replicas: "many"')
  })

  test.each<[RenderPlace['crdsOnUpgrade'], string[], string[], string[]]>([
    [
      'Skip',
      [],
      [],
      [
        'CustomResourceDefinition gizmos.acme.test, CustomResourceDefinition widgets.acme.test: changed or added by the chart, not applied and not shown: Flux applies no CRD of the crds/ folder on upgrade (spec.upgrade.crds: Skip)'
      ]
    ],
    [
      'Create',
      ['gizmos.acme.test'],
      [],
      [
        'CustomResourceDefinition widgets.acme.test: changed or added by the chart, not applied and not shown: Flux creates new CRDs of the crds/ folder on upgrade but does not update existing ones (spec.upgrade.crds: Create)',
        "CustomResourceDefinition gadgets.acme.test: gone from the chart's crds/ folder, not deleted on upgrade (spec.upgrade.crds: Create)"
      ]
    ],
    [
      'CreateReplace',
      ['gizmos.acme.test'],
      ['widgets.acme.test'],
      [
        "CustomResourceDefinition gadgets.acme.test: gone from the chart's crds/ folder, not deleted on upgrade (spec.upgrade.crds: CreateReplace)"
      ]
    ]
  ])(
    'upgrade.crds %s: the CRDs the upgrade applies',
    async (policy, added, changed, notes) => {
      const outcome = await renderPlaceChange(
        helm,
        place({ crdsOnUpgrade: policy }),
        versions,
        chartPackages,
        options()
      )
      if (outcome.status !== 'rendered') throw new Error(outcome.status)
      expect(outcome.diff.added.map(r => r.name)).toEqual(added)
      expect(outcome.diff.removed).toEqual([])
      expect(outcome.diff.changed.map(r => r.name)).toEqual(changed)
      expect(outcome.place.notes).toEqual(notes)
    }
  )

  test('no policy: the crds/ folder as helm template prints it', async () => {
    const outcome = await renderPlaceChange(
      helm,
      place(),
      versions,
      chartPackages,
      options()
    )
    if (outcome.status !== 'rendered') throw new Error(outcome.status)
    expect(outcome.diff.removed.map(r => r.name)).toEqual(['gadgets.acme.test'])
  })
})
