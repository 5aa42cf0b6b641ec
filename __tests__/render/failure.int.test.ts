// A render that fails, with the real Helm 3 and Helm 4: a chart whose
// values.schema.json changes between 1.0.0 and 1.1.0, and values that break
// it at both versions, at the new one only, or at the old one only. The
// pull request shows Helm's whole error (every value and the rule it
// breaks) and says at which versions the place does not render.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { wholeText } from '../../src/fit.js'
import { Helm } from '../../src/helm/cli.js'
import { probeIsolation } from '../../src/helm/isolation.js'
import { IsolatedHelm } from '../../src/helm/template.js'
import { childEnv } from '../../src/process-env.js'
import { ChartNotInRegistry } from '../../src/registry/chart-packages.js'
import type { RenderPlace } from '../../src/render/place.js'
import {
  renderPlaceChange,
  type ChartPackages
} from '../../src/render/render.js'
import { keepBounded } from '../../src/render/preview.js'
import { renderReport } from '../../src/render/report.js'
import { createSandbox } from '../../src/sandbox.js'
import { writeChart } from '../helpers/charts.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

/** Twelve settings, each an integer from 1.1.0 on: more than a line can hold. */
const SETTINGS = Array.from({ length: 12 }, (_, i) => `setting${i}`)

const SCHEMA_1_0 = {
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 1 },
    port: { type: 'integer', maximum: 1000 }
  }
}
const SCHEMA_1_1 = {
  type: 'object',
  properties: {
    replicas: { type: 'integer', minimum: 1 },
    port: { type: 'integer' },
    ...Object.fromEntries(SETTINGS.map(s => [s, { type: 'integer' }]))
  }
}

const VALUES = {
  both: 'replicas: 0\n',
  newOnly: SETTINGS.map(s => `${s}: text-${s}\n`).join(''),
  oldOnly: 'port: 8080\n'
}

let work: string
const packages: Record<string, string> = {}
const chartPackages: ChartPackages = {
  packagePath: (_ref, version) => Promise.resolve(packages[version])
}

async function packageChart(helm: Helm, version: string, schema: object) {
  const dir = writeChart(path.join(work, `src-${version}`), {
    name: 'web',
    version
  })
  fs.writeFileSync(
    path.join(dir, 'values.yaml'),
    'greeting: hello\nreplicas: 1\nport: 80\n'
  )
  fs.writeFileSync(path.join(dir, 'values.schema.json'), JSON.stringify(schema))
  packages[version] = await helm.package(dir, path.join(work, 'packages'))
}

function place(values: string): RenderPlace {
  return {
    file: 'apps/web.yaml',
    line: 7,
    title: 'Application web (spec.source)',
    chartRef: 'oci://registry.example/charts/web',
    releaseName: 'web',
    namespace: 'apps',
    valueFiles: [{ name: 'helm.valuesObject', text: values }],
    setValues: [],
    includeCrds: true,
    apiVersions: [],
    notes: []
  }
}

beforeAll(async () => {
  work = tempDir()
  const sandbox = createSandbox({ RUNNER_TEMP: work })
  const helm = new Helm(realHelm(HELM3), 3, childEnv(sandbox.env))
  await packageChart(helm, '1.0.0', SCHEMA_1_0)
  await packageChart(helm, '1.1.0', SCHEMA_1_1)
})

afterAll(() => removeDir(work))

describe.each([HELM3, HELM4])('Helm %s', version => {
  let helm: IsolatedHelm

  beforeAll(async () => {
    const binary = realHelm(version)
    helm = new IsolatedHelm(
      binary,
      version,
      await probeIsolation(binary, work),
      work
    )
  })

  async function report(
    values: string,
    old = '1.0.0',
    packages = chartPackages
  ) {
    const outcome = keepBounded(
      await renderPlaceChange(
        helm,
        place(values),
        { old, new: '1.1.0' },
        packages,
        { workDir: path.join(work, 'render') }
      ),
      { diffChars: 1_000_000 }
    )
    const { parts, failures } = renderReport([outcome], {
      helmVersion: version
    })
    return { outcome, body: wholeText(parts), failures }
  }

  test('fails at the new version only: every value the new schema refuses, one line each', async () => {
    const { outcome, body, failures } = await report(VALUES.newOnly)
    expect(outcome).toMatchObject({ status: 'failed', side: 'new' })
    expect(failures).toHaveLength(1)
    expect(body).toContain('**Does not render** at the new version 1.1.0.')
    expect(body).toContain("Helm's error at 1.1.0:\n\n```text\n")
    expect(body).toContain(
      "values don't meet the specifications of the schema(s) in the following chart(s):\nweb:\n"
    )
    const errorLines = body.split('\n').filter(line => /^- /.test(line))
    for (const setting of SETTINGS)
      expect(errorLines.some(line => line.includes(setting))).toBe(true)
    expect(body).not.toContain('at the old version')
  })

  test('fails at the old version only: said as the old one, no warning', async () => {
    const { outcome, body, failures } = await report(VALUES.oldOnly)
    expect(outcome).toMatchObject({ status: 'failed', side: 'old' })
    expect(failures).toHaveLength(0)
    expect(body).toContain('**Does not render** at the old version 1.0.0.')
    expect(body).toContain("Helm's error at 1.0.0:")
    expect(body).toMatch(/^- .*port.*1,?000/m)
  })

  test('fails at both versions: said as both, the same error shown once', async () => {
    const { outcome, body, failures } = await report(VALUES.both)
    expect(outcome).toMatchObject({
      status: 'failed',
      side: 'both',
      version: '1.1.0',
      old: { version: '1.0.0' }
    })
    expect(failures).toHaveLength(1)
    expect(body).toContain(
      '**Does not render** at either version: neither the old 1.0.0 nor the new 1.1.0.'
    )
    expect(body).toContain("Helm's error at 1.0.0 and 1.1.0:")
    expect(body.match(/Helm's error at/g)).toHaveLength(1)
    expect(body).toMatch(/^- .*replicas.*1/m)
    expect(body).not.toContain('at the new version')
  })

  test('fails at both versions with different errors: each shown under its version', async () => {
    const { body } = await report(VALUES.both + VALUES.newOnly)
    expect(body).toContain("Helm's error at 1.0.0:")
    expect(body).toContain("Helm's error at 1.1.0:")
    const [old, neu] = body.split("Helm's error at 1.1.0:")
    expect(old).not.toContain('setting0')
    expect(neu).toContain('setting0')
  })

  /** The packages, with 0.0.9 answered by `error` as the registry would. */
  const without = (error: Error): ChartPackages => ({
    packagePath: (ref, version) =>
      version === '0.0.9'
        ? Promise.reject(error)
        : chartPackages.packagePath(ref, version)
  })

  test('an old version the registry does not have: the new one rendered, every resource added, a note and no failure', async () => {
    const ref = 'oci://registry.example/charts/web'
    const { outcome, body, failures } = await report(
      '',
      '0.0.9',
      without(new ChartNotInRegistry(ref, '0.0.9'))
    )
    expect(outcome).toMatchObject({ status: 'rendered' })
    expect(failures).toHaveLength(0)
    expect(body).toContain(
      "> [!NOTE]\n> 0.0.9 is not in oci://registry.example/charts/web: showing 1.1.0's resources as added.\n"
    )
    expect(body).toMatch(/^\d+ added, 0 removed, 0 changed\.$/m)
    expect(body).toContain('- ConfigMap apps/web-greeting')
    expect(body).not.toContain('CAUTION')
    expect(body).not.toContain('Does not render')
  })

  test('an old version the registry refuses to give (not a 404): still a failure, said as one', async () => {
    const { outcome, body } = await report(
      '',
      '0.0.9',
      without(new Error('Could not read the manifest: 401 Unauthorized'))
    )
    expect(outcome).toMatchObject({ status: 'failed', side: 'old' })
    expect(body).toContain('**Does not render** at the old version 0.0.9.')
    expect(body).toContain(
      'could not pull oci://registry.example/charts/web:0.0.9: Could not read the manifest: 401 Unauthorized'
    )
    expect(body).not.toContain('[!NOTE]')
  })
})
