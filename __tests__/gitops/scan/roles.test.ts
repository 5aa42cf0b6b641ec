import { describe, expect, test } from 'vitest'
import { matcherFor } from '../../../src/gitops/scan/match.js'
import { fileRole, mayPin } from '../../../src/gitops/scan/roles.js'
import { createScanContext } from '../../../src/gitops/scan/sources.js'
import { helmRepositories } from '../../../src/gitops/tools/flux/pins.js'
import { PIN_TOOLS } from '../../../src/gitops/tools/index.js'
import { CHART } from './run-tool.js'

describe('fileRole', () => {
  test.each([
    ['charts/umbrella/Chart.yaml', 'chart'],
    ['Chart.yml', 'manifests'],
    ['chart.yaml', 'manifests'],
    ['base/kustomization.yaml', 'kustomization'],
    ['base\\kustomization.yml', 'kustomization'],
    ['base/Kustomization', 'kustomization'],
    ['apps/webapp.YAML', 'manifests'],
    ['README.md', undefined],
    ['values.json', undefined]
  ])('%s: %s', (file, role) => {
    expect(fileRole(file)).toBe(role)
  })
})

describe('mayPin: the cheap test before parsing', () => {
  const matcher = matcherFor(CHART)
  const withRepository = createScanContext()
  withRepository.sources.add(helmRepositories, [
    {
      file: 'r.yaml',
      line: 1,
      name: 'r',
      chart: 'webapp'
    }
  ])

  test.each<[string, 'chart' | 'kustomization' | 'manifests', boolean]>([
    ['argoproj.io ghcr.io webapp', 'manifests', true],
    ['OCIRepository ghcr.io webapp', 'manifests', true],
    ['HelmRelease GHCR.IO webapp', 'manifests', true],
    ['argoproj.io ghcr.io other', 'manifests', false],
    ['Deployment ghcr.io webapp', 'manifests', false],
    ['argoproj.io quay.io webapp', 'manifests', false],
    ['helmCharts ghcr.io webapp', 'manifests', false],
    ['helmCharts ghcr.io webapp', 'kustomization', true],
    ['dependencies ghcr.io webapp', 'chart', true],
    ['dependencies ghcr.io webapp', 'kustomization', false]
  ])('%s in a %s file: %s', (text, role, expected) => {
    expect(mayPin(PIN_TOOLS, text, role, matcher)).toBe(expected)
  })

  test('a HelmRelease without the registry may pin once HelmRepositories are known', () => {
    const text = 'kind: HelmRelease\nchart: webapp\n'
    expect(mayPin(PIN_TOOLS, text, 'manifests', matcher)).toBe(false)
    expect(
      mayPin(PIN_TOOLS, text, 'manifests', matcher, createScanContext())
    ).toBe(false)
    expect(mayPin(PIN_TOOLS, text, 'manifests', matcher, withRepository)).toBe(
      true
    )
    expect(
      mayPin(
        PIN_TOOLS,
        'argoproj.io webapp',
        'manifests',
        matcher,
        withRepository
      )
    ).toBe(false)
  })
})
