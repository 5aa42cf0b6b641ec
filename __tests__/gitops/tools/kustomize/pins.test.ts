import { describe, expect, test } from 'vitest'
import { kustomize } from '../../../../src/gitops/tools/kustomize/pins.js'
import { lines, runTool } from '../../scan/run-tool.js'

const kustomization = (header: string[], repo: string, name = 'webapp') =>
  lines(
    ...header,
    'helmCharts:',
    '  - name: other',
    '    repo: oci://ghcr.io/acme/charts',
    '    version: 9.9.9',
    `  - name: ${name}`,
    `    repo: ${repo}`,
    '    version: 1.0.0'
  )

const KUSTOMIZE_HEADER = [
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization'
]

describe('kustomize', () => {
  test('is tried only on files that mention helmCharts', () => {
    expect(kustomize.markers).toEqual(['helmCharts'])
  })

  test.each<[string, string[]]>([
    ['without apiVersion and kind', []],
    ['with the kustomize.config.k8s.io header', KUSTOMIZE_HEADER]
  ])('pins the version of the matching entry %s', (_name, header) => {
    const text = kustomization(header, 'oci://ghcr.io/acme/charts')
    const { pins, spans } = runTool(kustomize, text)
    expect(pins).toEqual([
      expect.objectContaining({
        kind: 'kustomize-helmchart',
        path: 'helmCharts[1].version'
      })
    ])
    expect(spans).toEqual(['1.0.0'])
  })

  // Kustomize pulls <repo>/<name>: the chart's path may be split anywhere.
  test.each<[string, string]>([
    ['oci://ghcr.io/acme', 'charts/webapp'],
    ['oci://ghcr.io', 'acme/charts/webapp'],
    ['oci://ghcr.io:443/acme/charts/', 'webapp'],
    ['oci://GHCR.IO:443/acme/', 'charts/webapp']
  ])('pins the split path %s + %s', (repo, name) => {
    const text = kustomization(KUSTOMIZE_HEADER, repo, name)
    expect(runTool(kustomize, text).spans).toEqual(['1.0.0'])
  })

  test.each<[string, string]>([
    ['oci://ghcr.io/acme', 'charts/webapp-api'],
    ['oci://ghcr.io/acme', 'chart/swebapp'],
    ['oci://ghcr.io/acme/chart', 's/webapp'],
    ['oci://ghcr.io/acme', 'webapp'],
    ['ghcr.io/acme', 'charts/webapp']
  ])('leaves alone the split path %s + %s', (repo, name) => {
    const text = kustomization(KUSTOMIZE_HEADER, repo, name)
    expect(runTool(kustomize, text).pins).toEqual([])
  })

  test.each<[string, string]>([
    [
      'a Flux Kustomization',
      kustomization(
        ['apiVersion: kustomize.toolkit.fluxcd.io/v1', 'kind: Kustomization'],
        'oci://ghcr.io/acme/charts'
      )
    ],
    [
      'a repo without oci://',
      kustomization(KUSTOMIZE_HEADER, 'ghcr.io/acme/charts')
    ],
    [
      'a chart of another name',
      kustomization(KUSTOMIZE_HEADER, 'oci://ghcr.io/acme/charts', 'api')
    ]
  ])('leaves alone %s', (_name, text) => {
    expect(runTool(kustomize, text).pins).toEqual([])
  })
})
