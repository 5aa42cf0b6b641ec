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

const TARGET_PATH_CONFIG_MAPS = [
  configMap('web-values', ['values.yaml: "replicas: 1\\nimage: {tag: base}"']),
  configMap('tags', [
    'plain: "2.0"',
    'number: "42"',
    'quoted: "\'007\'"',
    'comma: "a,extra=b"',
    'list: "{a,b}"',
    'text: "x,y=z"'
  ])
].join('---\n')

/**
 * targetPath entries: name, valuesFrom entries, spec.values, the values
 * helm-controller composes (fluxcd/pkg chartutil/values.go
 * ChartValuesFromReferences; what each value becomes is Helm's strvals).
 */
const TARGET_PATH: [string, string[], string | undefined, unknown][] = [
  [
    'targetPath: applied in list order; spec.values merged last over a later file',
    [
      '{kind: ConfigMap, name: tags, valuesKey: plain, targetPath: image.tag}',
      '{kind: ConfigMap, name: web-values}'
    ],
    '{replicas: 3}',
    { replicas: 3, image: { tag: 'base' } }
  ],
  [
    'targetPath: a value set under a map of spec.values wins over spec.values',
    ['{kind: ConfigMap, name: tags, valuesKey: plain, targetPath: image.tag}'],
    '{replicas: 3, image: {tag: pinned}}',
    { replicas: 3, image: { tag: '2.0' } }
  ],
  [
    'targetPath: spec.values wins over a value set under a map a file made',
    [
      '{kind: ConfigMap, name: web-values}',
      '{kind: ConfigMap, name: tags, valuesKey: plain, targetPath: image.tag}'
    ],
    '{replicas: 3, image: {pullPolicy: Always, tag: pinned}}',
    {
      replicas: 3,
      image: { tag: 'pinned', pullPolicy: 'Always' }
    }
  ],
  [
    'targetPath: a number is typed, quotes stripped keep a string',
    [
      '{kind: ConfigMap, name: tags, valuesKey: number, targetPath: port}',
      '{kind: ConfigMap, name: tags, valuesKey: quoted, targetPath: code}'
    ],
    undefined,
    { port: 42, code: '007' }
  ],
  [
    'targetPath: commas are not escaped, a comma starts another value',
    ['{kind: ConfigMap, name: tags, valuesKey: comma, targetPath: first}'],
    undefined,
    { first: 'a', extra: 'b' }
  ],
  [
    'targetPath: {a,b} is a list',
    ['{kind: ConfigMap, name: tags, valuesKey: list, targetPath: hosts}'],
    undefined,
    { hosts: ['a', 'b'] }
  ],
  [
    'targetPath with literal: true keeps the text',
    [
      '{kind: ConfigMap, name: tags, valuesKey: text, targetPath: a.b, literal: true}',
      '{kind: ConfigMap, name: tags, valuesKey: list, targetPath: c, literal: true}'
    ],
    undefined,
    { a: { b: 'x,y=z' }, c: '{a,b}' }
  ]
]

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
        crdsOnUpgrade: 'Create',
        valueFiles: [],
        setValues: [],
        notes: []
      }
    ],
    [
      'targetNamespace: the release name is [targetNamespace-]name',
      repo(helmRelease(['targetNamespace: prod'])),
      { releaseName: 'prod-web', namespace: 'prod' }
    ],
    [
      'a release name over 53 characters is shortened as ShortenName does, and said',
      repo(
        helmRelease(
          ['targetNamespace: production-eu-west-1'],
          '{name: webapp-frontend-with-a-long-name-too, namespace: shop}'
        )
      ),
      {
        // 40 characters, `-`, 12 hex digits of `sha256sum` of the name.
        releaseName: 'production-eu-west-1-webapp-frontend-wit-903b0365e505',
        namespace: 'production-eu-west-1',
        notes: [
          'release name production-eu-west-1-webapp-frontend-with-a-long-name-too is longer than 53 characters: Flux names the release production-eu-west-1-webapp-frontend-wit-903b0365e505, rendered with that name'
        ]
      }
    ],
    [
      'a release name of 53 characters is kept',
      repo(helmRelease([`releaseName: ${'a'.repeat(53)}`])),
      { releaseName: 'a'.repeat(53), notes: [] }
    ],
    [
      "install.crds is not the upgrade's: upgrade.crds decides, Create when unset",
      repo(helmRelease(['install: {crds: Skip}'])),
      { includeCrds: true, crdsOnUpgrade: 'Create' }
    ],
    [
      'upgrade.crds: Skip',
      repo(helmRelease(['upgrade: {crds: Skip}'])),
      { crdsOnUpgrade: 'Skip' }
    ],
    [
      'upgrade.crds: CreateReplace',
      repo(helmRelease(['upgrade: {crds: CreateReplace}'])),
      { crdsOnUpgrade: 'CreateReplace' }
    ],
    [
      'upgrade.crds of another value: Flux refuses it',
      repo(helmRelease(['upgrade: {crds: Replace}'])),
      {
        skipped:
          "not rendered: Flux refuses spec.upgrade.crds Replace: invalid CRD upgrade policy, valid values are 'Skip', 'Create' or 'CreateReplace'"
      }
    ],
    [
      "upgrade.disableSchemaValidation: schema validation skipped; install's is not the upgrade's",
      repo(helmRelease(['upgrade: {disableSchemaValidation: true}'])),
      { skipSchemaValidation: true }
    ],
    [
      'install.disableSchemaValidation alone: validated',
      repo(helmRelease(['install: {disableSchemaValidation: true}'])),
      { skipSchemaValidation: false }
    ],
    [
      'commonMetadata: labels and annotations as strings',
      repo(
        helmRelease([
          'commonMetadata:',
          '  labels: {team: shop, tier: "1"}',
          '  annotations: {owner: ops@acme.test}'
        ])
      ),
      {
        commonMetadata: {
          labels: { team: 'shop', tier: '1' },
          annotations: { owner: 'ops@acme.test' }
        }
      }
    ],
    [
      'postRenderers: applied to the output, nothing said',
      repo(
        helmRelease([
          'postRenderers:',
          '  - kustomize: {images: [{name: nginx, newTag: "1.27"}]}'
        ])
      ),
      { notes: [], postRenderers: expect.any(Function) as unknown as never }
    ],
    [
      'postRenderers: one that cannot be applied exactly is left out, said',
      repo(
        helmRelease([
          'postRenderers:',
          '  - kustomize: {images: [{name: nginx, newTag: "1.27", tagSuffix: -x}]}'
        ])
      ),
      {
        notes: [
          "spec.postRenderers[0] not applied: an images entry's field tagSuffix is not one Flux has; the preview shows the output without it"
        ]
      }
    ],
    [
      'spec.releaseName wins',
      repo(helmRelease(['targetNamespace: prod', 'releaseName: shop'])),
      { releaseName: 'shop', namespace: 'prod' }
    ],
    [
      'values order: valuesFrom ConfigMaps in order, then spec.values',
      repo(
        helmRelease([
          'valuesFrom:',
          '  - {kind: ConfigMap, name: web-values}',
          '  - {kind: ConfigMap, name: web-values, valuesKey: extra.yaml}',
          '  - {kind: Secret, name: web-secrets}',
          '  - {kind: ConfigMap, name: generated, optional: true}',
          '  - {kind: ConfigMap, name: required}',
          'values: {replicas: 3}'
        ]),
        {
          'flux/values.yaml': configMap('web-values', [
            'values.yaml: "replicas: 1"',
            'extra.yaml: "debug: true"'
          ])
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
        setValues: [],
        notes: [
          'values from Secret web-secrets not shown',
          'valuesFrom ConfigMap generated (values.yaml) not found in the repository; optional, left out',
          'valuesFrom ConfigMap required (values.yaml) not found in the repository'
        ]
      }
    ],
    ...TARGET_PATH.map(
      ([name, entries, values, composed]): [
        string,
        Repository,
        Partial<RenderPlace>
      ] => [
        name,
        repo(
          helmRelease([
            'valuesFrom:',
            ...entries.map(entry => `  - ${entry}`),
            ...(values ? [`values: ${values}`] : [])
          ]),
          { 'flux/values.yaml': TARGET_PATH_CONFIG_MAPS }
        ),
        {
          valueFiles: [
            {
              name: 'spec.valuesFrom and spec.values, composed as Flux does',
              text: JSON.stringify(composed)
            }
          ],
          setValues: [],
          notes: []
        }
      ]
    ),
    [
      'targetPath into a value that is not a map: Flux fails, not rendered',
      repo(
        helmRelease([
          'valuesFrom: [{kind: ConfigMap, name: tags, valuesKey: plain, targetPath: image.tag}]',
          'values: {image: nginx}'
        ]),
        { 'flux/values.yaml': TARGET_PATH_CONFIG_MAPS }
      ),
      {
        valueFiles: [],
        skipped:
          'not rendered: valuesFrom ConfigMap tags (plain): Flux fails to merge the value at targetPath image.tag: unable to parse key: interface conversion: interface {} is string, not map[string]interface {}'
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
      'chart.spec.valuesFiles replace the chart values, in order',
      repo(
        helmRelease([]).replace(
          '      version: 1.4.0\n',
          '      version: 1.4.0\n      valuesFiles: [values-prod.yaml, values.yaml, ../x.yaml]\n'
        )
      ),
      {
        valueFiles: [],
        chartValues: {
          files: ['values-prod.yaml', 'values.yaml'],
          ignoreMissing: false
        },
        notes: [
          'chart.spec.valuesFiles ../x.yaml refused: a path outside the repository'
        ]
      }
    ],
    [
      'chart.spec.ignoreMissingValuesFiles',
      repo(
        helmRelease([]).replace(
          '      version: 1.4.0\n',
          '      version: 1.4.0\n      valuesFiles: [values-prod.yaml]\n      ignoreMissingValuesFiles: true\n'
        )
      ),
      {
        chartValues: { files: ['values-prod.yaml'], ignoreMissing: true }
      }
    ],
    [
      'no chart.spec.valuesFiles: the chart values as they are',
      repo(helmRelease([])),
      { chartValues: undefined }
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
    ['spec.test.enable: true: kept', ['test: {enable: true}'], undefined],
    [
      'spec.test.filters is not applied: with tests enabled, every test hook shows',
      ['test: {enable: true, filters: [{name: web-test, exclude: true}]}'],
      undefined
    ]
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
