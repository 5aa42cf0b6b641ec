import { describe, expect, test } from 'vitest'
import type { RenderPlace } from '../../../../src/render/place.js'
import { build, lines, onePlace, type Repository } from '../../places/build.js'

const HELM_REPOSITORY = lines(
  'apiVersion: source.toolkit.fluxcd.io/v1',
  'kind: HelmRepository',
  'metadata: {name: acme, namespace: shop}',
  'spec: {type: oci, url: oci://ghcr.io/acme/charts}'
)

const helmRelease = (
  spec: string[],
  metadata = '{name: web, namespace: shop}'
): string =>
  lines(
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    `metadata: ${metadata}`,
    'spec:',
    '  chart:',
    '    spec:',
    '      chart: webapp',
    '      version: 1.4.0',
    '      sourceRef: {kind: HelmRepository, name: acme}',
    ...spec.map(row => `  ${row}`)
  )

const configMap = (name: string, data: string[], namespace = 'shop'): string =>
  lines(
    'apiVersion: v1',
    'kind: ConfigMap',
    `metadata: {name: ${name}, namespace: ${namespace}}`,
    'data:',
    ...data.map(row => `  ${row}`)
  )

const repo = (
  release: string,
  more: Record<string, string> = {}
): Repository => ({
  manifests: {
    'flux/repo.yaml': HELM_REPOSITORY,
    'flux/web.yaml': release,
    ...more
  }
})

describe('Flux HelmRelease places', () => {
  test.each<[string, Repository, Partial<RenderPlace>]>([
    [
      'defaults: release name and namespace from metadata, CRDs created',
      repo(helmRelease([])),
      {
        file: 'flux/web.yaml',
        line: 8,
        title: 'HelmRelease web',
        releaseName: 'web',
        namespace: 'shop',
        includeCrds: true,
        valueFiles: [],
        setValues: [],
        notes: []
      }
    ],
    [
      'targetNamespace: the release name is [targetNamespace-]name',
      repo(helmRelease(['targetNamespace: prod', 'install: {crds: Skip}'])),
      { releaseName: 'prod-web', namespace: 'prod', includeCrds: false }
    ],
    [
      'spec.releaseName wins',
      repo(helmRelease(['targetNamespace: prod', 'releaseName: shop'])),
      { releaseName: 'shop', namespace: 'prod' }
    ],
    [
      'values order: valuesFrom ConfigMaps, then spec.values; targetPath is a set value',
      repo(
        helmRelease([
          'valuesFrom:',
          '  - {kind: ConfigMap, name: web-values}',
          '  - {kind: ConfigMap, name: web-values, valuesKey: extra.yaml}',
          '  - {kind: ConfigMap, name: web-tag, valuesKey: tag, targetPath: image.tag}',
          '  - {kind: Secret, name: web-secrets}',
          '  - {kind: ConfigMap, name: generated, optional: true}',
          '  - {kind: ConfigMap, name: required}',
          'values: {replicas: 3}'
        ]),
        {
          'flux/values.yaml': [
            configMap('web-values', [
              'values.yaml: "replicas: 1"',
              'extra.yaml: "debug: true"'
            ]),
            configMap('web-tag', ['tag: "2.0"'])
          ].join('---\n')
        }
      ),
      {
        valueFiles: [
          {
            name: 'valuesFrom ConfigMap web-values (values.yaml)',
            text: 'replicas: 1'
          },
          {
            name: 'valuesFrom ConfigMap web-values (extra.yaml)',
            text: 'debug: true'
          },
          { name: 'values', text: 'replicas: 3\n' }
        ],
        setValues: [{ path: 'image.tag', value: '2.0', forceString: false }],
        notes: [
          'values from Secret web-secrets not shown',
          'valuesFrom ConfigMap generated (values.yaml) not found in the repository; optional, left out',
          'valuesFrom ConfigMap required (values.yaml) not found in the repository',
          'valuesFrom targetPath values are applied after spec.values here; Flux applies them before'
        ]
      }
    ],
    [
      'a ConfigMap in another namespace is not used',
      repo(helmRelease(['valuesFrom: [{kind: ConfigMap, name: web-values}]']), {
        'flux/values.yaml': configMap(
          'web-values',
          ['values.yaml: "a: 1"'],
          'other'
        )
      }),
      {
        valueFiles: [],
        notes: [
          'valuesFrom ConfigMap web-values (values.yaml) not found in the repository'
        ]
      }
    ],
    [
      'chart.spec.valuesFiles are files in the chart',
      repo(
        helmRelease([]).replace(
          '      version: 1.4.0\n',
          '      version: 1.4.0\n      valuesFiles: [values.yaml, values-prod.yaml, ../x.yaml]\n'
        )
      ),
      {
        valueFiles: [
          {
            name: 'chart.spec.valuesFiles values.yaml',
            text: '',
            fromChart: 'values.yaml'
          },
          {
            name: 'chart.spec.valuesFiles values-prod.yaml',
            text: '',
            fromChart: 'values-prod.yaml'
          }
        ],
        notes: [
          'chart.spec.valuesFiles ../x.yaml refused: a path outside the repository'
        ]
      }
    ]
  ])('%s', (_name, repository, expected) => {
    expect(onePlace(repository)).toEqual(expect.objectContaining(expected))
  })
})

describe('Flux OCIRepository places', () => {
  const OCI_REPOSITORY = lines(
    'apiVersion: source.toolkit.fluxcd.io/v1',
    'kind: OCIRepository',
    'metadata: {name: webapp, namespace: shop}',
    'spec:',
    '  url: oci://ghcr.io/acme/charts/webapp',
    '  ref: {tag: 1.4.0}'
  )
  const release = (name: string, chartRef: string): string =>
    lines(
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      `metadata: {name: ${name}, namespace: shop}`,
      'spec:',
      `  chartRef: ${chartRef}`,
      `  values: {name: ${name}}`
    )

  test('every HelmRelease whose chartRef names it, at the OCIRepository pin', () => {
    const { places } = build({
      manifests: {
        'flux/source.yaml': OCI_REPOSITORY,
        'flux/releases.yaml': [
          release('web', '{kind: OCIRepository, name: webapp}'),
          release(
            'api',
            '{kind: OCIRepository, name: webapp, namespace: shop}'
          ),
          release('other', '{kind: OCIRepository, name: other}')
        ].join('---\n')
      }
    })
    expect(places).toEqual([
      expect.objectContaining({
        file: 'flux/source.yaml',
        line: 6,
        title: 'HelmRelease web (via OCIRepository webapp)',
        releaseName: 'web',
        valueFiles: [{ name: 'values', text: 'name: web\n' }]
      }),
      expect.objectContaining({
        title: 'HelmRelease api (via OCIRepository webapp)',
        releaseName: 'api'
      })
    ])
  })

  test('none: one skipped place says so', () => {
    const { places } = build({
      manifests: { 'flux/source.yaml': OCI_REPOSITORY }
    })
    expect(places.map(place => place.skipped)).toEqual([
      'not rendered: no HelmRelease in the repository has chartRef OCIRepository webapp'
    ])
  })
})

describe('Flux HelmRelease places: Helm test hooks', () => {
  const NO_TESTS: RenderPlace['hooks'] = {
    which: 'tests',
    why: 'Flux runs them only with spec.test.enable: true'
  }
  test.each<[string, string[], RenderPlace['hooks']]>([
    ['no spec.test: left out', [], NO_TESTS],
    ['spec.test.enable: false: left out', ['test: {enable: false}'], NO_TESTS],
    ['spec.test.enable: true: kept', ['test: {enable: true}'], undefined]
  ])('%s', (_name, spec, hooks) => {
    expect(onePlace(repo(helmRelease(spec))).hooks).toEqual(hooks)
  })

  test('an OCIRepository pin follows each HelmRelease of it', () => {
    const ociRepository = lines(
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: OCIRepository',
      'metadata: {name: webapp, namespace: shop}',
      'spec:',
      '  url: oci://ghcr.io/acme/charts/webapp',
      '  ref: {tag: 1.4.0}'
    )
    const release = (name: string, test: string): string =>
      lines(
        'apiVersion: helm.toolkit.fluxcd.io/v2',
        'kind: HelmRelease',
        `metadata: {name: ${name}, namespace: shop}`,
        'spec:',
        '  chartRef: {kind: OCIRepository, name: webapp}',
        `  test: {enable: ${test}}`
      )
    const { places } = build({
      manifests: {
        'flux/oci.yaml': ociRepository,
        'flux/tested.yaml': release('tested', 'true'),
        'flux/untested.yaml': release('untested', 'false')
      }
    })
    expect(places.map(place => [place.releaseName, place.hooks])).toEqual([
      ['tested', undefined],
      ['untested', NO_TESTS]
    ])
  })
})
