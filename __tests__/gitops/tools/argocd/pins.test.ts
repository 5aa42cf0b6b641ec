import { describe, expect, test } from 'vitest'
import { argoCd } from '../../../../src/gitops/tools/argocd/pins.js'
import type { Pin } from '../../../../src/gitops/scan/types.js'
import { lines, runTool } from '../../scan/run-tool.js'

const application = (kind: string, source: string[]): string =>
  lines(
    'apiVersion: argoproj.io/v1alpha1',
    `kind: ${kind}`,
    'spec:',
    '  source:',
    ...source.map(row => `    ${row}`)
  )

const HELM_STYLE = ['repoURL: oci://ghcr.io/acme/charts', 'chart: webapp']
const NATIVE = ['repoURL: oci://ghcr.io/acme/charts/webapp']

describe('argoCd', () => {
  test('is tried only on files that mention argoproj.io', () => {
    expect(argoCd.markers).toEqual(['argoproj.io'])
  })

  test.each<[string, string, Partial<Pin>]>([
    [
      'Helm-style, oci://',
      application('Application', [...HELM_STYLE, 'targetRevision: 1.0.0']),
      { kind: 'argocd-application', path: 'spec.source.targetRevision' }
    ],
    [
      'Helm-style without a scheme',
      application('Application', [
        'repoURL: ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: 1.0.0'
      ]),
      { kind: 'argocd-application' }
    ],
    [
      'native OCI in an Application',
      application('Application', [...NATIVE, 'targetRevision: 1.0.0']),
      { kind: 'argocd-oci', note: 'native OCI source' }
    ],
    [
      'source with ref:',
      application('Application', [
        ...HELM_STYLE,
        'ref: values',
        'targetRevision: 1.0.0'
      ]),
      {
        blocked:
          'the source has `ref:`, so other sources read files from it; it is left alone'
      }
    ]
  ])('pins %s', (_name, text, expected) => {
    const { pins, spans } = runTool(argoCd, text)
    expect(pins).toEqual([expect.objectContaining(expected)])
    expect(spans).toEqual(['1.0.0'])
  })

  // Argo CD's OCI guide: a native source's targetRevision is "the desired
  // image tag or digest"; a Helm-style one goes to `helm pull --version`.
  test.each<[string, string[], Partial<Pin>]>([
    [
      'a native OCI source reads a digest with the version',
      NATIVE,
      { kind: 'argocd-oci', digest: { form: 'suffix' } }
    ],
    ['a Helm-style source does not', HELM_STYLE, { kind: 'argocd-application' }]
  ])('%s', (_name, source, expected) => {
    const revision = `1.0.0@sha256:${'c'.repeat(64)}`
    const text = application('Application', [
      ...source,
      `targetRevision: '${revision}'`
    ])
    const { pins, spans } = runTool(argoCd, text)
    expect(pins).toEqual([expect.objectContaining(expected)])
    expect('digest' in pins[0]).toBe(expected.digest !== undefined)
    expect(spans).toEqual([`'${revision}'`])
  })

  test('an ApplicationSet pins its template, native sources included', () => {
    const text = lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'spec:',
      '  template:',
      '    spec:',
      '      sources:',
      '        - repoURL: https://example.com/git.git',
      '        - repoURL: oci://ghcr.io/acme/charts/webapp',
      '          targetRevision: 2.0.0'
    )
    const { pins } = runTool(argoCd, text)
    expect(pins).toEqual([
      expect.objectContaining({
        kind: 'argocd-applicationset',
        path: 'spec.template.spec.sources[1].targetRevision',
        note: 'native OCI source'
      })
    ])
  })

  test.each<[string, string]>([
    [
      'an https:// Helm repository',
      application('Application', [
        'repoURL: https://ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: 1.0.0'
      ])
    ],
    [
      'the chart URL with a chart: field',
      application('Application', [
        ...NATIVE,
        'chart: webapp',
        'targetRevision: 1'
      ])
    ],
    [
      'another chart',
      application('Application', [
        'repoURL: oci://ghcr.io/acme/charts',
        'chart: other',
        'targetRevision: 1.0.0'
      ])
    ],
    [
      'another kind of the group',
      application('AppProject', [...HELM_STYLE, 'targetRevision: 1.0.0'])
    ],
    [
      'another API group',
      application('Application', [
        ...HELM_STYLE,
        'targetRevision: 1.0.0'
      ]).replace('argoproj.io', 'example.com')
    ]
  ])('leaves alone %s', (_name, text) => {
    expect(runTool(argoCd, text)).toEqual({ pins: [], problems: [], spans: [] })
  })

  // Argo CD pulls oci://<repoURL>/<chart>: the chart's path may be split anywhere.
  const split = (repoURL: string, chart: string): string =>
    application('Application', [
      `repoURL: ${repoURL}`,
      `chart: ${chart}`,
      'targetRevision: 1.0.0'
    ])

  test.each<[string, string]>([
    ['ghcr.io', 'acme/charts/webapp'],
    ['oci://ghcr.io', 'acme/charts/webapp'],
    ['oci://ghcr.io/acme', 'charts/webapp'],
    ['ghcr.io/acme/', 'charts/webapp'],
    ['ghcr.io/acme/charts', 'webapp'],
    ['oci://ghcr.io:443/acme/charts', 'webapp'],
    ['ghcr.io:443/acme', 'charts/webapp'],
    ['OCI://GHCR.IO:443/acme/charts/', 'webapp']
  ])('pins the split path %s + %s', (repoURL, chart) => {
    const { pins, spans } = runTool(argoCd, split(repoURL, chart))
    expect(pins).toEqual([
      expect.objectContaining({
        kind: 'argocd-application',
        path: 'spec.source.targetRevision'
      })
    ])
    expect(spans).toEqual(['1.0.0'])
  })

  test.each<[string, string, string]>([
    ['a look-alike chart name', 'oci://ghcr.io/acme/charts', 'webapp2'],
    ['a longer chart path', 'oci://ghcr.io/acme', 'charts/webapp-api'],
    ['a split inside a segment', 'oci://ghcr.io/acme/chart', 's/webapp'],
    ['a look-alike directory', 'oci://ghcr.io/acme', 'chart/swebapp'],
    ['the path given twice', 'oci://ghcr.io/acme/charts', 'charts/webapp'],
    ['part of the path left out', 'oci://ghcr.io/acme', 'webapp'],
    ['an empty segment', 'oci://ghcr.io/acme/', '/charts/webapp'],
    ['a leading slash in chart', 'oci://ghcr.io/acme/charts', '/webapp'],
    ['a trailing slash in chart', 'oci://ghcr.io/acme', 'charts/webapp/'],
    ['another port', 'oci://ghcr.io:8443/acme/charts', 'webapp'],
    ['the http port', 'ghcr.io:80/acme/charts', 'webapp'],
    ['another registry', 'oci://quay.io/acme', 'charts/webapp'],
    ['an https:// repository', 'https://ghcr.io/acme', 'charts/webapp']
  ])('leaves alone %s: %s + %s', (_name, repoURL, chart) => {
    expect(runTool(argoCd, split(repoURL, chart)).pins).toEqual([])
  })

  test('every source and an ApplicationSet template match on the joined path', () => {
    const text = lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'spec:',
      '  template:',
      '    spec:',
      '      source:',
      '        repoURL: ghcr.io',
      '        chart: acme/charts/webapp',
      '        targetRevision: 1.0.0',
      '      sources:',
      '        - repoURL: oci://ghcr.io/acme',
      '          chart: charts/webapp',
      '          targetRevision: 1.1.0',
      '        - repoURL: oci://ghcr.io:443/acme/charts/webapp/',
      '          targetRevision: 1.2.0'
    )
    const { pins, spans } = runTool(argoCd, text)
    expect(pins.map(pin => pin.path)).toEqual([
      'spec.template.spec.source.targetRevision',
      'spec.template.spec.sources[0].targetRevision',
      'spec.template.spec.sources[1].targetRevision'
    ])
    expect(spans).toEqual(['1.0.0', '1.1.0', '1.2.0'])
  })

  test('a matching source without targetRevision is a problem', () => {
    const { problems } = runTool(argoCd, application('Application', HELM_STYLE))
    expect(problems).toEqual([
      {
        file: 'file.yaml',
        line: 5,
        message:
          'spec.source.targetRevision is not set, so there is no version to bump; set it to an exact version to have releases bump it.'
      }
    ])
  })

  test('an apiVersion without a group version is not Argo CD (argoproj.ioX)', () => {
    const text = application('Application', [
      ...HELM_STYLE,
      'targetRevision: 1.0.0'
    ]).replace('argoproj.io/v1alpha1', 'argoproj.ioX')
    expect(runTool(argoCd, text).pins).toEqual([])
  })
})
