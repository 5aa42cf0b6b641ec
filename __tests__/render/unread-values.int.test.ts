// Values that no longer apply, with the real Helm 3 and Helm 4: a chart at
// 1.0.0 and 1.1.0 where 1.1.0 renamed `replicas` to `replicaCount` and
// dropped `oldFlag`, with a subchart under an alias that reads its own
// values and `global.`, a map read whole through `toYaml`, and a Secret
// whose token is random at every render (which must not pass for a read).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Helm } from '../../src/helm/cli.js'
import { probeIsolation } from '../../src/helm/isolation.js'
import { IsolatedHelm } from '../../src/helm/template.js'
import { childEnv } from '../../src/process-env.js'
import type { ChartPackages } from '../../src/render/render.js'
import type { RenderPlace } from '../../src/render/place.js'
import { findUnreadValues } from '../../src/render/unread-values.js'
import { createSandbox } from '../../src/sandbox.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const SUBCHART = {
  'Chart.yaml': 'apiVersion: v2\nname: postgres\nversion: 0.1.0\n',
  'values.yaml': 'port: 5432\npassword: ""\n',
  'templates/db.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-db
data:
  port: {{ .Values.port | quote }}
  password: {{ .Values.password | quote }}
  region: {{ .Values.global.region | default "none" | quote }}
`
}

function chartFiles(version: string): Record<string, string> {
  const renamed = version !== '1.0.0'
  const replicas = renamed ? 'replicaCount' : 'replicas'
  const flag = renamed ? '' : '{{ if .Values.oldFlag }}  flag: "on"\n{{ end }}'
  return {
    'Chart.yaml': `apiVersion: v2
name: app
version: ${version}
dependencies:
  - name: postgres
    version: 0.1.0
    alias: db
    condition: db.enabled
`,
    'values.yaml': `${replicas}: 1\nimage:\n  repository: app\n  tag: "1.0"\ndb:\n  enabled: true\n`,
    'templates/app.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  labels: {{- toYaml .Values.extraLabels | nindent 4 }}
data:
  replicas: {{ .Values.${replicas} | quote }}
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
${flag}`,
    'templates/token.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-token
stringData:
  token: {{ randAlphaNum 16 | quote }}
`,
    ...Object.fromEntries(
      Object.entries(SUBCHART).map(([name, text]) => [
        `charts/postgres/${name}`,
        text
      ])
    )
  }
}

let work: string
const packages: Record<string, string> = {}

const chartPackages: ChartPackages = {
  packagePath: (_ref, version) => {
    const found = packages[version]
    return found
      ? Promise.resolve(found)
      : Promise.reject(new Error(`no ${version}`))
  }
}

function place(values: string, setValues: RenderPlace['setValues'] = []) {
  const rendered: RenderPlace = {
    file: 'apps/app.yaml',
    line: 9,
    title: 'Application app (spec.source)',
    chartRef: 'oci://registry.example/charts/app',
    releaseName: 'app',
    namespace: 'apps',
    valueFiles: [{ name: 'valuesObject', text: values }],
    setValues,
    includeCrds: true,
    apiVersions: [],
    notes: []
  }
  return { place: rendered, versions: { old: '1.0.0', new: '1.1.0' } }
}

beforeAll(async () => {
  work = tempDir()
  const sandbox = createSandbox({ RUNNER_TEMP: work })
  const helm = new Helm(realHelm(HELM3), 3, childEnv(sandbox.env))
  for (const version of ['1.0.0', '1.1.0']) {
    const dir = path.join(work, `src-${version}`, 'app')
    for (const [name, text] of Object.entries(chartFiles(version))) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
      fs.writeFileSync(path.join(dir, name), text)
    }
    packages[version] = await helm.package(dir, path.join(work, 'packages'))
  }
})

afterAll(() => removeDir(work))

describe.each([HELM3, HELM4])('Helm %s', version => {
  let helm: IsolatedHelm

  beforeAll(async () => {
    const binary = realHelm(version)
    const isolation = await probeIsolation(binary, work)
    helm = new IsolatedHelm(binary, version, isolation, work)
  })

  const options = () => ({ workDir: path.join(work, 'probe') })

  test('a renamed key and a dropped --set are no longer read; a typo is read by neither', async () => {
    const values = [
      'replicas: 3',
      'image: {tag: "2.0"}',
      'imagee: {tag: "2.0"}',
      'extraLabels: {team: a}',
      'db: {port: 6543}',
      'global: {region: eu}',
      ''
    ].join('\n')
    const set = [{ path: 'oldFlag', value: 'true', forceString: false }]
    const found = await findUnreadValues(
      helm,
      place(values, set),
      chartPackages,
      options()
    )
    expect(found.noLongerRead).toEqual([
      { path: 'replicas', from: 'valuesObject' },
      { path: 'oldFlag', from: '--set' }
    ])
    expect(found.neverRead).toEqual([
      { path: 'imagee.tag', from: 'valuesObject' }
    ])
    expect(found.cuts).toEqual([])
  })

  test("a disabled subchart's values are not typos; a typo under it is", async () => {
    const values = 'db: {enabled: false, password: x, pasword: y}\n'
    const found = await findUnreadValues(
      helm,
      place(values),
      chartPackages,
      options()
    )
    expect(found.noLongerRead).toEqual([])
    expect(found.neverRead).toEqual([
      { path: 'db.pasword', from: 'valuesObject' }
    ])
  })

  test('keys every version declares cost no render', async () => {
    const found = await findUnreadValues(
      helm,
      place('image: {tag: "2.0"}\ndb: {port: 1}\n'),
      chartPackages,
      options()
    )
    expect(found).toEqual({
      versions: { old: '1.0.0', new: '1.1.0' },
      noLongerRead: [],
      neverRead: [],
      cuts: [],
      renders: 0
    })
  })

  test('past its renders, what is not decided is said, not reported', async () => {
    const found = await findUnreadValues(
      helm,
      place('replicas: 3\nimagee: {tag: "2.0"}\n'),
      chartPackages,
      { ...options(), maxRenders: 3 }
    )
    expect(found.renders).toBe(3)
    expect(found.noLongerRead).toEqual([])
    expect(found.neverRead).toEqual([])
    expect(found.cuts).toEqual([
      '2 values not decided: at most 3 renders a place are spent on this check'
    ])
  })
})
