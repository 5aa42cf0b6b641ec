import { describe, expect, test } from 'vitest'
import { MAX_REF_GLOB_FILES } from '../../../../src/gitops/tools/argocd/values.js'
import type { RenderPlace } from '../../../../src/render/place.js'
import {
  CHART_REF,
  build,
  lines,
  onePlace,
  type Repository
} from '../../places/build.js'

const application = (helm: string[], extra: string[] = []): string =>
  lines(
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: web, namespace: argocd}',
    'spec:',
    '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
    ...extra,
    '  source:',
    '    repoURL: oci://ghcr.io/acme/charts',
    '    chart: webapp',
    '    targetRevision: 1.4.0',
    ...(helm.length ? ['    helm:', ...helm.map(row => `      ${row}`)] : [])
  )

/** A multi-source Application: the chart, and a `ref: values` source at `refRepo`. */
const multiSource = (refRepo: string, valueFile: string): string =>
  lines(
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata: {name: web}',
    'spec:',
    '  destination: {namespace: shop}',
    '  sources:',
    `    - repoURL: ${refRepo}`,
    '      targetRevision: main',
    '      ref: values',
    '    - repoURL: oci://ghcr.io/acme/charts',
    '      chart: webapp',
    '      targetRevision: 1.4.0',
    '      helm:',
    `        valueFiles: [${valueFile}]`
  )

describe('Argo CD Application places', () => {
  test.each<[string, Repository, Partial<RenderPlace>]>([
    [
      'defaults: release name from metadata.name, namespace from destination, CRDs',
      { manifests: { 'apps/web.yaml': application([]) } },
      {
        file: 'apps/web.yaml',
        line: 9,
        title: 'Application web (spec.source)',
        chartRef: CHART_REF,
        releaseName: 'web',
        namespace: 'shop',
        valueFiles: [],
        setValues: [],
        includeCrds: true,
        apiVersions: [],
        notes: []
      }
    ],
    [
      'releaseName, helm.namespace, skipCrds, kubeVersion, apiVersions',
      {
        manifests: {
          'apps/web.yaml': application([
            'releaseName: shop-web',
            'namespace: other',
            'skipCrds: true',
            'kubeVersion: 1.31.0',
            'apiVersions: [monitoring.coreos.com/v1, v1]'
          ])
        }
      },
      {
        releaseName: 'shop-web',
        namespace: 'other',
        includeCrds: false,
        kubeVersion: '1.31.0',
        apiVersions: ['monitoring.coreos.com/v1', 'v1']
      }
    ],
    [
      'precedence: valueFiles (in the chart), values, then parameters (forceString)',
      {
        manifests: {
          'apps/web.yaml': application([
            'ignoreMissingValueFiles: true',
            'valueFiles: [values-prod.yaml, ./env/eu.yaml]',
            'values: |',
            '  replicas: 2',
            'parameters:',
            '  - {name: image.tag, value: "1.10"}',
            '  - {name: port, value: "8080", forceString: true}'
          ])
        }
      },
      {
        valueFiles: [
          {
            name: 'valueFiles values-prod.yaml',
            text: '',
            fromChart: 'values-prod.yaml',
            optional: true
          },
          {
            name: 'valueFiles ./env/eu.yaml',
            text: '',
            fromChart: 'env/eu.yaml',
            optional: true
          },
          { name: 'values', text: 'replicas: 2\n' }
        ],
        setValues: [
          { path: 'image.tag', value: '1.10', forceString: false },
          { path: 'port', value: '8080', forceString: true }
        ]
      }
    ],
    [
      'valuesObject replaces values, as Argo CD does',
      {
        manifests: {
          'apps/web.yaml': application([
            'values: "replicas: 2"',
            'valuesObject: {replicas: 3, ingress: {enabled: true}}'
          ])
        }
      },
      {
        valueFiles: [
          {
            name: 'valuesObject',
            text: 'replicas: 3\ningress:\n  enabled: true\n'
          }
        ],
        notes: [
          'values ignored: valuesObject is set, and Argo CD uses it instead'
        ]
      }
    ],
    [
      'a valueFiles path out of the chart is refused',
      {
        manifests: {
          'apps/web.yaml': application([
            'valueFiles: [../../etc/passwd, /etc/passwd]'
          ])
        }
      },
      {
        valueFiles: [],
        notes: [
          'valueFiles ../../etc/passwd refused: a path outside the repository',
          'valueFiles /etc/passwd refused: an absolute path, outside the repository'
        ]
      }
    ]
  ])('%s', (_name, repository, expected) => {
    expect(onePlace(repository)).toEqual(expect.objectContaining(expected))
  })

  test('$ref/path is read from the GitOps repository when the ref source is it', () => {
    const { places, reads } = build({
      manifests: {
        'apps/web.yaml': multiSource(
          'https://github.com/Acme/gitops.git',
          '$values/envs/prod/web.yaml'
        )
      },
      files: { 'envs/prod/web.yaml': 'replicas: 5\n' }
    })
    expect(reads).toEqual(['envs/prod/web.yaml'])
    expect(places).toEqual([
      expect.objectContaining({
        title: 'Application web (spec.sources[1])',
        line: 12,
        valueFiles: [
          {
            name: 'valueFiles $values/envs/prod/web.yaml',
            text: 'replicas: 5\n'
          }
        ],
        notes: []
      })
    ])
  })

  test.each<[string, string, string, string]>([
    [
      'another repository',
      'https://github.com/acme/other',
      '$values/web.yaml',
      'valueFiles $values/web.yaml not resolved: source `ref: values` is https://github.com/acme/other, not the GitOps repository'
    ],
    [
      'an unknown ref',
      'https://github.com/acme/gitops',
      '$config/web.yaml',
      'valueFiles $config/web.yaml not resolved: no source has `ref: config`'
    ],
    [
      'a path out of the repository',
      'https://github.com/acme/gitops',
      '$values/../../etc/passwd',
      'valueFiles $values/../../etc/passwd refused: a path outside the repository'
    ],
    [
      'a missing file',
      'https://github.com/acme/gitops',
      '$values/nope.yaml',
      'valueFiles $values/nope.yaml not found in the repository (nope.yaml)'
    ]
  ])('$ref not used: %s', (_name, refRepo, valueFile, note) => {
    const { places, reads } = build({
      manifests: { 'apps/web.yaml': multiSource(refRepo, valueFile) }
    })
    expect(places[0].valueFiles).toEqual([])
    expect(places[0].notes).toEqual([note])
    expect(reads.every(path => !path.includes('..'))).toBe(true)
  })

  test('a symlinked $ref file is refused by the reader and said', () => {
    const { places } = build({
      manifests: {
        'apps/web.yaml': multiSource(
          'git@github.com:acme/gitops.git',
          '$values/link.yaml'
        )
      },
      symlinks: ['link.yaml']
    })
    expect(places[0].notes).toEqual([
      'valueFiles $values/link.yaml refused: link.yaml: link.yaml is a symbolic link'
    ])
  })

  test('fileParameters: $ref files become --set-file; chart files are said', () => {
    const manifest = multiSource(
      'https://github.com/acme/gitops',
      '$values/web.yaml'
    ).replace(
      '        valueFiles: [$values/web.yaml]',
      [
        '        fileParameters:',
        '          - {name: config, path: $values/config/app.conf}',
        '          - {name: banner, path: files/banner.txt}'
      ].join('\n')
    )
    const { places } = build({
      manifests: { 'apps/web.yaml': manifest },
      files: { 'config/app.conf': 'a=1\n' }
    })
    expect(places[0].setValues).toEqual([
      { path: 'config', value: 'a=1\n', forceString: false, fromFile: true }
    ])
    expect(places[0].notes).toEqual([
      'fileParameters banner (files/banner.txt) not resolved: a file inside the chart package is not read for --set-file'
    ])
  })

  test('the build environment: parameters and valueFiles paths at each version', () => {
    const place = onePlace({
      manifests: {
        'apps/web.yaml': application(
          [
            "valueFiles: [values-$ARGOCD_APP_NAMESPACE.yaml, '${ARGOCD_APP_NAME}.yaml']",
            'parameters:',
            '  - {name: image.tag, value: $ARGOCD_APP_SOURCE_TARGET_REVISION}',
            '  - {name: build, value: "${ARGOCD_APP_REVISION_SHORT}-$ARGOCD_APP_PROJECT_NAME"}',
            '  - {name: price, value: "$$5 $UNSET", forceString: true}'
          ],
          ['  project: shop']
        )
      }
    })
    const files = [
      {
        name: 'valueFiles values-$ARGOCD_APP_NAMESPACE.yaml',
        text: '',
        fromChart: 'values-shop.yaml'
      },
      {
        name: 'valueFiles ${ARGOCD_APP_NAME}.yaml',
        text: '',
        fromChart: 'web.yaml'
      }
    ]
    const sets = (version: string) => [
      { path: 'image.tag', value: version, forceString: false },
      { path: 'build', value: `${version}-shop`, forceString: false },
      { path: 'price', value: '$5 ', forceString: true }
    ]
    expect(place.valueFiles).toEqual(files)
    expect(place.setValues).toEqual(sets('1.5.0'))
    expect(place.atVersion).toEqual({
      '1.4.0': { valueFiles: files, setValues: sets('1.4.0') },
      '1.5.0': { valueFiles: files, setValues: sets('1.5.0') }
    })
    expect(place.notes).toEqual([
      "$UNSET: not in Argo CD's build environment, so substituted by nothing, as Argo CD does"
    ])
  })

  test('values that use no version-bound variable are the same at both versions', () => {
    const place = onePlace({
      manifests: {
        'apps/web.yaml': application([
          'parameters: [{name: app, value: $ARGOCD_APP_NAME}]'
        ])
      }
    })
    expect(place.setValues).toEqual([
      { path: 'app', value: 'web', forceString: false }
    ])
    expect(place.atVersion).toBeUndefined()
  })

  test('$ARGOCD_APP_NAME of an Application outside argocd: what was assumed is said', () => {
    const place = onePlace({
      manifests: {
        'apps/web.yaml': application([
          'parameters: [{name: app, value: $ARGOCD_APP_NAME}]'
        ]).replace('namespace: argocd}', 'namespace: team-a}')
      }
    })
    expect(place.setValues[0].value).toBe('web')
    expect(place.notes).toEqual([
      '$ARGOCD_APP_NAME taken as web: Argo CD gives team-a_web when the Application is not in its own namespace'
    ])
  })

  test('$ref paths are substituted after the ref is taken off', () => {
    const { places, reads } = build({
      manifests: {
        'apps/web.yaml': multiSource(
          'https://github.com/acme/gitops',
          '$values/envs/$ARGOCD_APP_NAME.yaml'
        )
      },
      files: { 'envs/web.yaml': 'replicas: 5\n' }
    })
    expect(reads).toEqual(['envs/web.yaml'])
    expect(places[0].valueFiles).toEqual([
      {
        name: 'valueFiles $values/envs/$ARGOCD_APP_NAME.yaml',
        text: 'replicas: 5\n'
      }
    ])
  })

  test('skipTests and skipSchemaValidation', () => {
    const place = onePlace({
      manifests: {
        'apps/web.yaml': application([
          'skipTests: true',
          'skipSchemaValidation: true'
        ])
      }
    })
    expect(place).toEqual(
      expect.objectContaining({ skipTests: true, skipSchemaValidation: true })
    )
    const plain = onePlace({ manifests: { 'apps/web.yaml': application([]) } })
    expect(plain.skipTests).toBeUndefined()
    expect(plain.skipSchemaValidation).toBeUndefined()
  })

  test('valueFiles globs go to the renderer; each file is used once', () => {
    const place = onePlace({
      manifests: {
        'apps/web.yaml': application([
          'ignoreMissingValueFiles: true',
          "valueFiles: ['values-*.yaml', values-prod.yaml, ./values-prod.yaml, 'envs/**/*.yaml']"
        ])
      }
    })
    expect(place.valueFiles).toEqual([
      {
        name: 'valueFiles values-*.yaml',
        text: '',
        fromChart: 'values-*.yaml',
        optional: true,
        glob: true
      },
      {
        name: 'valueFiles values-prod.yaml',
        text: '',
        fromChart: 'values-prod.yaml',
        optional: true
      },
      {
        name: 'valueFiles envs/**/*.yaml',
        text: '',
        fromChart: 'envs/**/*.yaml',
        optional: true,
        glob: true
      }
    ])
  })

  test('$ref globs: matches in byte order, a file listed by name keeps its place, each once', () => {
    const manifest = multiSource(
      'https://github.com/acme/gitops',
      '$values/web.yaml, $values/./web.yaml, $values/envs/*.yaml, $values/envs/b.yaml'
    )
    const { places } = build({
      manifests: { 'apps/web.yaml': manifest },
      files: {
        'web.yaml': 'a: 1\n',
        'envs/b.yaml': 'b: 1\n',
        'envs/a.yaml': 'a: 2\n',
        'envs/C.yaml': 'c: 1\n',
        'envs/deep/x.yaml': 'x: 1\n'
      },
      symlinks: ['envs/link.yaml']
    })
    expect(places[0].valueFiles.map(file => file.name)).toEqual([
      'valueFiles $values/web.yaml',
      'valueFiles $values/envs/*.yaml: envs/C.yaml',
      'valueFiles $values/envs/*.yaml: envs/a.yaml',
      'valueFiles $values/envs/b.yaml'
    ])
    expect(places[0].valueFiles[2].text).toBe('a: 2\n')
    expect(places[0].notes).toEqual([])
  })

  test.each<[string, string, boolean, string]>([
    [
      'no match',
      '$values/envs/*.yaml',
      false,
      'valueFiles $values/envs/*.yaml matched no files in the repository: Argo CD fails to render this source (ignoreMissingValueFiles would leave it out)'
    ],
    [
      'no match, ignoreMissingValueFiles',
      '$values/envs/*.yaml',
      true,
      'valueFiles $values/envs/*.yaml matched no files (left out as allowed)'
    ],
    [
      'a wildcard in a folder',
      '$values/*/web.yaml',
      false,
      'valueFiles $values/*/web.yaml not expanded: a wildcard in a folder (or **) is not expanded by the preview; only in the file name'
    ]
  ])('$ref glob not used: %s', (_name, valueFile, optional, note) => {
    let manifest = multiSource('https://github.com/acme/gitops', valueFile)
    if (optional)
      manifest = manifest.replace(
        '      helm:\n',
        '      helm:\n        ignoreMissingValueFiles: true\n'
      )
    const { places } = build({
      manifests: { 'apps/web.yaml': manifest },
      files: { 'web.yaml': 'a: 1\n' }
    })
    expect(places[0].valueFiles).toEqual([])
    expect(places[0].notes).toEqual([note])
  })

  test(`$ref globs read at most ${MAX_REF_GLOB_FILES} files per source`, () => {
    const half = MAX_REF_GLOB_FILES / 2 + 1
    const files = Object.fromEntries(
      ['a', 'b'].flatMap(folder =>
        Array.from({ length: half }, (_, i) => [
          `${folder}/v${i}.yaml`,
          'a: 1\n'
        ])
      )
    )
    const { places, reads } = build({
      manifests: {
        'apps/web.yaml': multiSource(
          'https://github.com/acme/gitops',
          '$values/a/*.yaml, $values/b/*.yaml'
        )
      },
      files
    })
    expect(reads).toHaveLength(half)
    expect(places[0].valueFiles).toHaveLength(half)
    expect(places[0].notes).toEqual([
      `valueFiles $values/b/*.yaml not expanded: the globs of this source would read more than ${MAX_REF_GLOB_FILES} files`
    ])
  })

  test('a $ref glob in another repository is not listed', () => {
    const { places } = build({
      manifests: {
        'apps/web.yaml': multiSource(
          'https://github.com/acme/other',
          '$values/*.yaml'
        )
      }
    })
    expect(places[0].notes).toEqual([
      'valueFiles $values/*.yaml not resolved: source `ref: values` is https://github.com/acme/other, not the GitOps repository'
    ])
  })

  test('a templated Application (app of apps) says its template fields are left out', () => {
    const manifest = application(['releaseName: {{ .Values.release }}'])
    const place = onePlace({
      manifests: { 'charts/apps/templates/web.yaml': manifest }
    })
    expect(place.notes).toEqual([
      'charts/apps/templates/web.yaml is a Helm template: fields written with template actions are left out'
    ])
  })
})
