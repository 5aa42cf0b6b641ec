import { describe, expect, test } from 'vitest'
import type { RenderPlace } from '../../../../src/render/place.js'
import {
  CHART_REF,
  build,
  lines,
  onePlace,
  type Repository
} from '../../places/build.js'
import { valuesText } from '../../../../src/gitops/tools/kustomize/values.js'

const kustomization = (entry: string[]): string =>
  lines(
    'helmCharts:',
    '  - name: webapp',
    '    repo: oci://ghcr.io/acme/charts',
    '    version: 1.4.0',
    ...entry.map(row => `    ${row}`)
  )

describe('Kustomize helmCharts places', () => {
  test.each<[string, Repository, Partial<RenderPlace>]>([
    [
      'defaults: no CRDs, Helm release-name said',
      { manifests: { 'shop/kustomization.yaml': kustomization([]) } },
      {
        file: 'shop/kustomization.yaml',
        line: 4,
        title: 'kustomization helmCharts webapp (helmCharts[0])',
        chartRef: CHART_REF,
        releaseName: 'release-name',
        includeCrds: false,
        valueFiles: [
          { name: 'the chart values.yaml', text: '', fromChart: 'values.yaml' }
        ],
        notes: [
          'releaseName not set: Kustomize has Helm generate one; rendered as release-name'
        ]
      }
    ],
    [
      'every field; values: valuesFile, valuesInline, additionalValuesFiles',
      {
        manifests: {
          'shop/kustomization.yaml': kustomization([
            'releaseName: web',
            'namespace: shop',
            'includeCRDs: true',
            'kubeVersion: 1.30.0',
            'apiVersions: [v1]',
            'valuesFile: values.yaml',
            'valuesInline: {replicas: 2}',
            'additionalValuesFiles: [../common/values.yaml]'
          ])
        },
        files: {
          'shop/values.yaml': 'replicas: 1\n',
          'common/values.yaml': 'team: shop\n'
        }
      },
      {
        releaseName: 'web',
        namespace: 'shop',
        includeCrds: true,
        kubeVersion: '1.30.0',
        apiVersions: ['v1'],
        valueFiles: [
          {
            name: 'valuesFile values.yaml merged with valuesInline (override)',
            text: valuesText({ replicas: 2 })
          },
          {
            name: 'additionalValuesFiles ../common/values.yaml',
            text: 'team: shop\n'
          }
        ],
        notes: []
      }
    ],
    [
      'valuesMerge: replace drops the file',
      {
        manifests: {
          'kustomization.yaml': kustomization([
            'releaseName: web',
            'valuesFile: values.yaml',
            'valuesMerge: replace',
            'valuesInline: {replicas: 2}'
          ])
        },
        files: { 'values.yaml': 'replicas: 1\n' }
      },
      {
        valueFiles: [
          { name: 'valuesInline', text: valuesText({ replicas: 2 }) }
        ]
      }
    ],
    [
      'a path out of the repository or absolute is refused, never read',
      {
        manifests: {
          'shop/kustomization.yaml': kustomization([
            'releaseName: web',
            'valuesFile: ../../etc/passwd',
            'additionalValuesFiles: [/etc/passwd, https://example.com/v.yaml]'
          ])
        }
      },
      {
        valueFiles: [],
        notes: [
          'valuesFile ../../etc/passwd refused: a path outside the repository',
          'additionalValuesFiles /etc/passwd refused: an absolute path, outside the repository',
          'additionalValuesFiles https://example.com/v.yaml refused: a remote URL, not read'
        ]
      }
    ],
    [
      'a symlink out is refused by the reader',
      {
        manifests: {
          'kustomization.yaml': kustomization([
            'releaseName: web',
            'valuesFile: link.yaml'
          ])
        },
        symlinks: ['link.yaml']
      },
      {
        valueFiles: [],
        notes: [
          'valuesFile link.yaml refused: link.yaml: link.yaml is a symbolic link'
        ]
      }
    ]
  ])('%s', (_name, repository, expected) => {
    expect(onePlace(repository)).toEqual(expect.objectContaining(expected))
  })

  test('nothing outside the clone is asked for', () => {
    const { reads } = build({
      manifests: {
        'shop/kustomization.yaml': kustomization([
          'valuesFile: ../../etc/passwd',
          'additionalValuesFiles: [/etc/passwd, ok.yaml]'
        ])
      }
    })
    expect(reads).toEqual(['shop/ok.yaml'])
  })
})

// The rules of issue #25, each as Kustomize's source has it (README.md).
describe('Kustomize helmCharts places: the inflation generator rules', () => {
  const chartValues = lines(
    'replicas: 1',
    'image:',
    '  tag: "1.0"',
    '  pullPolicy: Always'
  )
  /** What Helm gets as the first values file, given the chart's values.yaml. */
  const firstValues = (entry: string[]): unknown => {
    const place = onePlace({
      manifests: { 'kustomization.yaml': kustomization(entry) }
    })
    const [file] = place.valueFiles
    expect(file.fromChart).toBe('values.yaml')
    const made = file.derive ? file.derive(chartValues) : { text: chartValues }
    return 'text' in made ? JSON.parse(made.text) : made
  }

  test.each<[string, string[], unknown]>([
    [
      'valuesMerge: merge without valuesFile: the chart values.yaml wins over inline',
      [
        'releaseName: web',
        'valuesMerge: merge',
        'valuesInline: {replicas: 3, extra: true}'
      ],
      {
        replicas: 1,
        extra: true,
        image: { tag: '1.0', pullPolicy: 'Always' }
      }
    ],
    [
      'valuesMerge: override (the default): inline wins, the rest of the chart values kept',
      ['releaseName: web', 'valuesInline: {image: {tag: "2.0"}}'],
      { replicas: 1, image: { tag: '2.0', pullPolicy: 'Always' } }
    ],
    [
      'a null in valuesInline drops the key from the merged file',
      ['releaseName: web', 'valuesInline: {image: {pullPolicy: null}}'],
      { replicas: 1, image: { tag: '1.0' } }
    ],
    [
      'valuesInline is read as YAML 1.1, as Kustomize reads it: a plain on is true',
      [
        'releaseName: web',
        'valuesInline: {enabled: on, legacy: "no", mode: 0755}'
      ],
      {
        replicas: 1,
        image: { tag: '1.0', pullPolicy: 'Always' },
        enabled: true,
        legacy: 'no',
        mode: 493
      }
    ],
    [
      'a kind mismatch fails the render as Kustomize fails the build',
      ['releaseName: web', 'valuesInline: {image: nginx}'],
      {
        error:
          'Kustomize cannot merge valuesInline into it (merge2): at image, valuesInline has a single value and the file a mapping'
      }
    ]
  ])('%s', (_name, entry, expected) => {
    expect(firstValues(entry)).toEqual(expected)
  })

  test.each<[string, string[], Partial<RenderPlace>]>([
    [
      'skipTests is --skip-tests, skipHooks is --no-hooks',
      ['releaseName: web', 'skipTests: true', 'skipHooks: true'],
      { skipTests: true, noHooks: true, notes: [] }
    ],
    [
      'nameTemplate without template actions names the release',
      ['nameTemplate: shop-web'],
      { releaseName: 'shop-web', notes: [] }
    ],
    [
      'a nameTemplate with actions is not run: said',
      ['nameTemplate: "{{ randAlpha 5 }}"'],
      {
        releaseName: 'release-name',
        notes: [
          'nameTemplate holds template actions, which the preview does not run; rendered as release-name',
          'kustomization.yaml is a Helm template: fields written with template actions are left out'
        ]
      }
    ],
    [
      'releaseName and nameTemplate together: Helm refuses, so does the preview',
      ['releaseName: web', 'nameTemplate: other'],
      {
        skipped:
          'Kustomize cannot render it: releaseName and nameTemplate are both set (Helm: "cannot set --name-template and also specify a name"); keep one'
      }
    ],
    [
      'an unknown valuesMerge is refused as Kustomize refuses it',
      ['releaseName: web', 'valuesMerge: deep', 'valuesInline: {a: 1}'],
      {
        skipped:
          'Kustomize cannot render it: valuesMerge "deep" must be one of merge, override, replace'
      }
    ]
  ])('%s', (_name, entry, expected) => {
    const place = onePlace({
      manifests: { 'kustomization.yaml': kustomization(entry) }
    })
    expect(place).toEqual(expect.objectContaining(expected))
  })

  test.each<[string, string[], string | undefined]>([
    ['the kustomization namespace is the release namespace', [], 'shop'],
    ['the entry namespace wins', ['namespace: web'], 'web']
  ])('%s', (_name, entry, namespace) => {
    const text = `namespace: shop\n${kustomization(['releaseName: web', ...entry])}`
    const place = onePlace({ manifests: { 'kustomization.yaml': text } })
    expect(place.namespace).toBe(namespace)
  })

  test('valuesFile merged with valuesInline: a null drops the file key', () => {
    const place = onePlace({
      manifests: {
        'kustomization.yaml': kustomization([
          'releaseName: web',
          'valuesFile: values.yaml',
          'valuesInline: {replicas: 3, image: {pullPolicy: null}}'
        ])
      },
      files: { 'values.yaml': chartValues }
    })
    expect(place.valueFiles).toEqual([
      {
        name: 'valuesFile values.yaml merged with valuesInline (override)',
        text: valuesText({ replicas: 3, image: { tag: '1.0' } })
      }
    ])
  })
})
