// Rendering with the real Helm 3 and Helm 4: a chart at 1.0.0 and 1.1.0 that
// differ in known ways, rendered with values files and set values.
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
import { wholeText } from '../../src/fit.js'
import { renderReport } from '../../src/render/report.js'
import type { RenderPlace } from '../../src/render/place.js'
import { createSandbox } from '../../src/sandbox.js'
import { writeChart } from '../helpers/charts.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const TEMPLATES_1_0 = {
  'configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  replicas: {{ .Values.replicas | quote }}
  greeting: {{ .Values.greeting | quote }}
`,
  'secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-creds
stringData:
  password: {{ .Values.password | quote }}
`
}
const TEMPLATES_1_1 = {
  ...TEMPLATES_1_0,
  'secret.yaml': TEMPLATES_1_0['secret.yaml'].replace(
    '.Values.password',
    'printf "%s-v2" .Values.password'
  ),
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  ports:
    - port: {{ .Values.port }}
`,
  'db.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-db
data:
  host: {{ required "db.host is required from 1.1.0 on" .Values.db.host }}
`
}

let work: string
const packages: Record<string, string> = {}

async function packageChart(
  helm: Helm,
  version: string,
  templates: Record<string, string>
) {
  const parent = path.join(work, `src-${version}`)
  const dir = writeChart(parent, { name: 'app', version })
  fs.rmSync(path.join(dir, 'templates'), { recursive: true })
  fs.mkdirSync(path.join(dir, 'templates'))
  for (const [name, text] of Object.entries(templates)) {
    fs.writeFileSync(path.join(dir, 'templates', name), text)
  }
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    'replicas: 1\ngreeting: hello\npassword: s3cr3t-VALUE\nport: 80\ndb: {}\n'
  )
  fs.writeFileSync(path.join(dir, 'values-prod.yaml'), 'replicas: 5\n')
  packages[version] = await helm.package(dir, path.join(work, 'packages'))
}

const chartPackages: ChartPackages = {
  packagePath: (_ref, version) => {
    const found = packages[version]
    return found
      ? Promise.resolve(found)
      : Promise.reject(new Error(`no ${version}`))
  }
}

function place(overrides: Partial<RenderPlace> = {}): RenderPlace {
  return {
    file: 'apps/app.yaml',
    line: 9,
    title: 'Application app (spec.source)',
    chartRef: 'oci://registry.example/charts/app',
    releaseName: 'app',
    namespace: 'apps',
    valueFiles: [
      {
        name: 'valueFiles: values-prod.yaml',
        text: '',
        fromChart: 'values-prod.yaml'
      },
      { name: 'values', text: 'greeting: hi\n' }
    ] as RenderPlace['valueFiles'],
    setValues: [{ path: 'db.host', value: 'db.example', forceString: true }],
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
  await packageChart(helm, '1.0.0', TEMPLATES_1_0)
  await packageChart(helm, '1.1.0', TEMPLATES_1_1)
})

afterAll(() => removeDir(work))

describe.each([HELM3, HELM4])('Helm %s', version => {
  const versions = { old: '1.0.0', new: '1.1.0' }
  let helm: IsolatedHelm

  beforeAll(async () => {
    const binary = realHelm(version)
    const isolation = await probeIsolation(binary, work)
    helm = new IsolatedHelm(binary, version, isolation, work)
  })

  test('the diff a reviewer sees', async () => {
    const outcome = await renderPlaceChange(
      helm,
      place(),
      versions,
      chartPackages,
      {
        workDir: path.join(work, 'render')
      }
    )
    expect(outcome.status).toBe('rendered')
    const body = wholeText(
      renderReport([outcome], { helmVersion: version }).parts
    )
    expect(body).toContain(`Rendered with Helm ${version}`)
    expect(body).toContain('2 added, 0 removed, 1 changed.')
    expect(body).toContain('- ConfigMap apps/app-db\n')
    expect(body).toContain('- Service apps/app\n')
    expect(body).toContain('<details><summary>Secret apps/app-creds</summary>')
    expect(body).toContain('+  password: <redacted, changed, new value>')
    expect(body).not.toMatch(/s3cr3t/)
    expect(body).not.toContain('ConfigMap apps/app-config')
  })

  test('values files from the chart and inline ones, in order', async () => {
    const result = await renderPlace(helm, place(), '1.0.0', chartPackages, {
      workDir: path.join(work, 'render')
    })
    if ('error' in result) throw new Error(result.error)
    const config = result.resources.find(r => r.name === 'app-config')
    expect(config?.text).toContain('replicas: "5"')
    expect(config?.text).toContain('greeting: "hi"')
  })

  test('a required value 1.0.0 did not need: the failure, with Helm error line', async () => {
    const outcome = await renderPlaceChange(
      helm,
      place({ setValues: [] }),
      versions,
      chartPackages,
      { workDir: path.join(work, 'render') }
    )
    expect(outcome).toMatchObject({
      status: 'failed',
      side: 'new',
      version: '1.1.0'
    })
    const { parts, failures } = renderReport([outcome], {
      helmVersion: version
    })
    const body = wholeText(parts)
    expect(failures).toHaveLength(1)
    expect(body).toContain('db.host is required from 1.1.0 on')
    expect(body.indexOf('[!CAUTION]')).toBeLessThan(
      body.indexOf('### Application')
    )
  })

  test('a values file that is not YAML is named in the failure', async () => {
    const broken = place({
      valueFiles: [{ name: 'valueFiles: broken.yaml', text: 'a: [\n' }]
    })
    const outcome = await renderPlaceChange(
      helm,
      broken,
      versions,
      chartPackages,
      {
        workDir: path.join(work, 'render')
      }
    )
    expect(outcome).toMatchObject({
      status: 'failed',
      valuesFile: 'valueFiles: broken.yaml'
    })
    if (outcome.status === 'failed') expect(outcome.error).not.toContain(work)
  })

  test('an umbrella chart is rendered with the dependency at the old and the new version', async () => {
    // The GitOps repository's umbrella chart, with the old package committed.
    const umbrella = writeChart(path.join(work, `umbrella-${version}`), {
      name: 'platform',
      version: '0.1.0'
    })
    fs.appendFileSync(
      path.join(umbrella, 'Chart.yaml'),
      'dependencies:\n  - name: app\n    version: 1.0.0\n    repository: oci://registry.example/charts\n'
    )
    fs.writeFileSync(
      path.join(umbrella, 'values.yaml'),
      'app:\n  db: {host: db.platform}\n'
    )
    fs.mkdirSync(path.join(umbrella, 'charts'))
    fs.copyFileSync(
      packages['1.0.0'],
      path.join(umbrella, 'charts', 'app-1.0.0.tgz')
    )
    const outcome = await renderPlaceChange(
      helm,
      place({
        title: 'chart platform (dependencies[0]: app)',
        releaseName: 'platform',
        valueFiles: [],
        setValues: [],
        umbrella: { chartDir: 'platform', dependency: 'app' }
      }),
      versions,
      chartPackages,
      { workDir: path.join(work, 'render'), umbrellaChartDir: umbrella }
    )
    expect(outcome.status).toBe('rendered')
    if (outcome.status !== 'rendered') return
    // The umbrella's own values reach the dependency (db.host), and the
    // dependency's 1.1.0 resources show up as added.
    expect(outcome.diff.added.map(r => `${r.kind} ${r.name}`)).toEqual([
      'ConfigMap platform-db',
      'Service platform'
    ])
    // The committed package is untouched: the render works on a copy.
    expect(fs.readdirSync(path.join(umbrella, 'charts'))).toEqual([
      'app-1.0.0.tgz'
    ])
  })
})
