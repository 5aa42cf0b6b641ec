// The Kustomize places, rendered with the real Helm, against what the real
// Kustomize made of the same kustomizations (recorded/cases/*, recorded by
// scripts/record-kustomize-fixtures.mjs with the versions named at the top
// of each expected.yaml; CI has no Kustomize; not under fixtures/, which is
// the scan's corpus). One
// normalisation, because Kustomize re-serialises and sorts what Helm
// printed (api/krusty/kustomizer.go applies the `legacy` sort order when
// none is set; kyaml writes its own YAML): the objects are compared as
// parsed YAML, ordered by kind, namespace and name.
import fs from 'node:fs'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Helm } from '../../../../src/helm/cli.js'
import { probeIsolation } from '../../../../src/helm/isolation.js'
import { IsolatedHelm } from '../../../../src/helm/template.js'
import { childEnv } from '../../../../src/process-env.js'
import { renderPlace } from '../../../../src/render/render.js'
import { createSandbox } from '../../../../src/sandbox.js'
import { HELM3, realHelm, removeDir, tempDir } from '../../../helpers/paths.js'
import { build } from '../../places/build.js'

const RECORDED = path.join(import.meta.dirname, 'recorded')
/** The cases, by the rule each records (README.md names them). */
const CASES = [
  'defaults',
  'fails-kinds',
  'fails-two-names',
  'fails-values-merge',
  'flags',
  'inline-null',
  'inline-yaml11',
  'merge-no-values-file',
  'namespace',
  'values-file'
]

type Json = Record<string, unknown>

/**
 * The cases Kustomize fails to build: words of its recorded error, and of
 * what the preview says instead of a render.
 */
const FAILURES: Record<string, { kustomize: string; preview: string }> = {
  'fails-kinds': {
    kustomize: 'could not merge values: wrong node kind',
    preview:
      'the chart values.yaml merged with valuesInline (override): Kustomize cannot merge valuesInline into it (merge2): at image, valuesInline has a single value and the file a mapping'
  },
  'fails-two-names': {
    kustomize: 'cannot set --name-template and also specify a name',
    preview: '(Helm: "cannot set --name-template and also specify a name")'
  },
  'fails-values-merge': {
    kustomize: 'valuesMerge must be one of [merge override replace]',
    preview: 'valuesMerge "deep" must be one of merge, override, replace'
  }
}

function byIdentity(objects: Json[]): Json[] {
  const key = (o: Json): string => {
    const meta = (o.metadata ?? {}) as Json
    return [o.kind, meta.namespace ?? '', meta.name].join('/')
  }
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)))
}

function parsed(text: string): Json[] {
  return parseAllDocuments(text)
    .map(doc => doc.toJS() as Json | null)
    .filter((o): o is Json => o !== null)
}

/** The case's files other than the kustomization and the recording. */
function caseFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of fs.readdirSync(dir)) {
    if (name === 'kustomization.yaml' || name === 'expected.yaml') continue
    files[name] = fs.readFileSync(path.join(dir, name), 'utf8')
  }
  return files
}

let work: string
let helm: IsolatedHelm
let chartPackage: string

beforeAll(async () => {
  work = tempDir()
  const sandbox = createSandbox({ RUNNER_TEMP: work })
  const cli = new Helm(realHelm(HELM3), 3, childEnv(sandbox.env))
  const chart = path.join(RECORDED, 'charts', 'webapp-1.0.0', 'webapp')
  chartPackage = await cli.package(chart, path.join(work, 'packages'))
  const binary = realHelm(HELM3)
  helm = new IsolatedHelm(
    binary,
    HELM3,
    await probeIsolation(binary, work),
    work
  )
})

afterAll(() => removeDir(work))

describe('Kustomize places against recorded kustomize build --enable-helm', () => {
  test('every recorded case is run, each recorded with the Helm rendered here', () => {
    expect(fs.readdirSync(path.join(RECORDED, 'cases')).sort()).toEqual(CASES)
    for (const name of CASES) {
      const file = FAILURES[name] ? 'expected-error.txt' : 'expected.yaml'
      const text = fs.readFileSync(
        path.join(RECORDED, 'cases', name, file),
        'utf8'
      )
      expect(text.split('\n')[0]).toMatch(
        new RegExp(
          `kustomize v5\\.8\\.1, helm v${HELM3.replace(/\./g, '\\.')}$`
        )
      )
    }
  })

  test.each(CASES)('%s', async name => {
    const dir = path.join(RECORDED, 'cases', name)
    const kustomization = fs.readFileSync(
      path.join(dir, 'kustomization.yaml'),
      'utf8'
    )
    const { places } = build({
      manifests: { 'kustomization.yaml': kustomization },
      files: caseFiles(dir)
    })
    expect(places.length).toBeGreaterThan(0)
    const rendered: Json[] = []
    const failures: string[] = []
    for (const place of places) {
      if (place.skipped) {
        failures.push(place.skipped)
        continue
      }
      const result = await renderPlace(
        helm,
        place,
        '1.5.0',
        { packagePath: () => Promise.resolve(chartPackage) },
        { workDir: path.join(work, 'render') }
      )
      if ('error' in result) failures.push(result.error)
      else rendered.push(...result.resources.flatMap(r => parsed(r.text)))
    }
    const failure = FAILURES[name]
    if (failure) {
      const error = fs.readFileSync(
        path.join(dir, 'expected-error.txt'),
        'utf8'
      )
      expect(error).toContain(failure.kustomize)
      expect(failures).toEqual([expect.stringContaining(failure.preview)])
      return
    }
    expect(failures).toEqual([])
    const expected = parsed(
      fs.readFileSync(path.join(dir, 'expected.yaml'), 'utf8')
    )
    expect(byIdentity(rendered)).toEqual(byIdentity(expected))
  })
})
