// The pre-filter keeps every text the scan may need: by the rule (table), on
// every fixture of the corpus (each tool's and the edit's), and it does let
// go of the files that cannot matter.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { ChartRef } from '../../../src/gitops/scan/types.js'
import { mayMatter, TOOLS } from '../../../src/gitops/tools/index.js'
import { bumpBothWays, prefilter } from './prefiltered.js'

const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

describe('mayMatter', () => {
  const ARGO = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\n'
  test.each([
    [
      'an Application naming the chart',
      'apps/a.yaml',
      `${ARGO}spec: {source: {chart: webapp}}\n`,
      true
    ],
    [
      'a HelmRelease naming the chart, not the registry',
      'apps/r.yml',
      'kind: HelmRelease\nspec: {chart: {spec: {chart: webapp}}}\n',
      true
    ],
    [
      'a HelmRepository naming the registry only',
      'flux/repos.yml',
      'kind: HelmRepository\nspec: {url: oci://ghcr.io/acme/charts}\n',
      true
    ],
    [
      'a HelmRepository naming the registry in capitals',
      'a.yaml',
      'kind: HelmRepository\nspec: {url: oci://GHCR.IO/acme}\n',
      true
    ],
    [
      'a HelmRepository of another registry',
      'a.yaml',
      'kind: HelmRepository\nspec: {url: oci://quay.io/acme}\n',
      false
    ],
    [
      'the chart and registry named, no tool holding them',
      'apps/cm.yaml',
      'kind: ConfigMap\n# webapp from ghcr.io/acme/charts\n',
      false
    ],
    [
      'an image on the registry',
      'apps/deploy.yaml',
      'kind: Deployment\nimage: ghcr.io/acme/webapp:1.0.0\n',
      false
    ],
    [
      'an Application of another chart',
      'apps/b.yaml',
      `${ARGO}spec: {source: {chart: redis}}\n`,
      false
    ],
    [
      "an Application of a folder (its path may name a build's root)",
      'apps/c.yaml',
      `${ARGO}spec: {source: {repoURL: https://git.example/gitops, path: apps/prod}}\n`,
      true
    ],
    [
      "a Flux Kustomization naming neither (its path may name a build's root)",
      'clusters/prod/apps.yaml',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec: {path: ./apps/prod}\n',
      true
    ],
    [
      'a JSON 6902 patch (a build reads it again)',
      'prod/version.yaml',
      '- op: replace\n  path: /spec/chart/spec/version\n  value: 1.2.0\n',
      false
    ],
    ['a kustomization naming neither', 'kustomization.yaml', 'a: b\n', true],
    ['a Kustomization naming neither', 'x/Kustomization', 'a: b\n', true],
    ['a Chart.yaml naming neither', 'charts/p/Chart.yaml', 'name: p\n', true],
    [
      'a JSON file naming the chart',
      'apps/a.json',
      `{"kind": "HelmRelease", "chart": "webapp"}`,
      false
    ]
  ])('%s', (_, file, text, kept) => {
    expect(mayMatter(CHART)(file, text)).toBe(kept)
  })
})

// The corpus of edit.test.ts: each case's file, the repositories its pins
// name, and a file that pins nothing.
const FOLDERS = [
  '__tests__/gitops/fixtures',
  ...TOOLS.map(tool => join('__tests__/gitops/tools', tool.name, 'fixtures'))
].filter(folder => existsSync(folder))
const CASES = FOLDERS.flatMap(folder =>
  readdirSync(folder).map(name => [name, join(folder, name)] as const)
)
const UNRELATED = 'apps/other/config.yaml'

interface CaseConfig {
  file?: string
  chart?: ChartRef
  version?: string
  digest?: string
  repositories?: { path: string; file: string }[]
}

function repositoryOf(dir: string): {
  texts: Map<string, string>
  config: CaseConfig
  file: string
} {
  const read = (name: string): string =>
    readFileSync(join(dir, name)).toString('utf8')
  const config = existsSync(join(dir, 'case.json'))
    ? (JSON.parse(read('case.json')) as CaseConfig)
    : {}
  const file = config.file ?? 'apps/webapp/application.yaml'
  const texts = new Map<string, string>(
    (config.repositories ?? []).map(other => [other.file, read(other.path)])
  )
  texts.set(file, read('input.yaml'))
  texts.set(UNRELATED, 'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n')
  return { texts, config, file }
}

describe('on every fixture of the corpus', () => {
  test('the corpus is there', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30)
  })

  test.each(CASES)(
    '%s: the same bump on the kept texts; what pins is kept',
    (_, dir) => {
      const { texts, config, file } = repositoryOf(dir)
      const chart = config.chart ?? CHART
      const target = {
        version: config.version ?? '1.3.0',
        digest: config.digest ?? ''
      }
      const bump = bumpBothWays(texts, chart, target)
      const { kept, dropped } = prefilter(texts, chart)
      const found = [
        ...bump.changes,
        ...bump.current,
        ...bump.skipped,
        ...bump.problems
      ]
      if (found.length > 0) expect(kept.has(file)).toBe(true)
      for (const other of config.repositories ?? [])
        expect(kept.has(other.file)).toBe(true)
      expect(dropped).toContain(UNRELATED)
    }
  )
})
