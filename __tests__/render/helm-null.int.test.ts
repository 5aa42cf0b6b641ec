// Why the Helm that renders matters (`gitops-render-helm-version`): the same
// chart and values render differently under the real Helm 3.17.3 and 4.2.3.
// A chart's own values.yaml that sets a subchart's default to `null` deletes
// the key under Helm 3; Helm 4.2 keeps the subchart's default (helm/helm
// 00638773d, "do not copy chart-default nils into coalesced values",
// pkg/chart/common/util/coalesce.go, from v4.2.0). Argo CD 3.5 bundles Helm
// 4.2, so a Helm 3 preview would show a change Argo CD does not make.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Helm } from '../../src/helm/cli.js'
import { probeIsolation } from '../../src/helm/isolation.js'
import { IsolatedHelm } from '../../src/helm/template.js'
import { childEnv } from '../../src/process-env.js'
import type { RenderPlace } from '../../src/render/place.js'
import { renderPlace } from '../../src/render/render.js'
import { createSandbox } from '../../src/sandbox.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

let work: string
let packagePath: string

const PLACE: RenderPlace = {
  file: 'apps/stack.yaml',
  line: 1,
  title: 'stack',
  chartRef: 'oci://registry.example/charts/stack',
  releaseName: 'stack',
  valueFiles: [],
  setValues: [],
  includeCrds: true,
  apiVersions: [],
  notes: []
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

beforeAll(async () => {
  work = tempDir()
  const dir = path.join(work, 'src', 'stack')
  write(
    path.join(dir, 'Chart.yaml'),
    'apiVersion: v2\nname: stack\nversion: 1.1.0\n'
  )
  write(path.join(dir, 'values.yaml'), 'cache:\n  hash:\n    key1: null\n')
  const sub = path.join(dir, 'charts', 'cache')
  write(
    path.join(sub, 'Chart.yaml'),
    'apiVersion: v2\nname: cache\nversion: 0.1.0\n'
  )
  write(
    path.join(sub, 'values.yaml'),
    'hash:\n  key1: one\n  key2: two\n  key3: three\n'
  )
  write(
    path.join(sub, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache\ndata:\n  {{- toYaml .Values.hash | nindent 2 }}\n'
  )
  const sandbox = createSandbox({ RUNNER_TEMP: work })
  const helm = new Helm(realHelm(HELM3), 3, childEnv(sandbox.env))
  packagePath = await helm.package(dir, path.join(work, 'packages'))
})

afterAll(() => removeDir(work))

test.each([
  [HELM3, 'key2: two\n  key3: three'],
  [HELM4, 'key1: one\n  key2: two\n  key3: three']
])('Helm %s renders the subchart with %j', async (version, data) => {
  const binary = realHelm(version)
  const helm = new IsolatedHelm(
    binary,
    version,
    await probeIsolation(binary, work),
    work
  )
  const result = await renderPlace(
    helm,
    PLACE,
    '1.1.0',
    { packagePath: () => Promise.resolve(packagePath) },
    { workDir: path.join(work, 'render') }
  )
  if ('error' in result) throw new Error(result.error)
  const configMap = result.resources.find(r => r.name === 'cache')
  expect(configMap?.text).toContain(`data:\n  ${data}\n`)
})
