import { describe, expect, test } from 'vitest'
import type { RenderPlace } from '../../../../src/render/place.js'
import {
  CHART_REF,
  build,
  lines,
  onePlace,
  type Repository
} from '../../places/build.js'

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
          { name: 'valuesFile values.yaml', text: 'replicas: 1\n' },
          { name: 'valuesInline', text: 'replicas: 2\n' },
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
      { valueFiles: [{ name: 'valuesInline', text: 'replicas: 2\n' }] }
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

describe('Kustomize helmCharts places: Helm hooks', () => {
  test.each<[string, string[], RenderPlace['hooks']]>([
    // helm template prints test hooks and Kustomize keeps them: applied.
    ['by default test hooks are kept', [], undefined],
    [
      'skipTests: left out as helm --skip-tests leaves them out',
      ['skipTests: true'],
      { which: 'skip-tests', why: 'skipTests: true (helm --skip-tests)' }
    ],
    [
      'skipHooks: every hook left out, as helm --no-hooks',
      ['skipHooks: true', 'skipTests: true'],
      { which: 'no-hooks', why: 'skipHooks: true (helm --no-hooks)' }
    ]
  ])('%s', (_name, entry, hooks) => {
    const manifests = { 'shop/kustomization.yaml': kustomization(entry) }
    expect(onePlace({ manifests }).hooks).toEqual(hooks)
  })
})
