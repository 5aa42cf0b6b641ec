import { describe, expect, test } from 'vitest'
import { build, lines } from '../../places/build.js'

const applicationSet = (spec: string[]): string =>
  lines(
    'apiVersion: argoproj.io/v1alpha1',
    'kind: ApplicationSet',
    'metadata: {name: shops}',
    'spec:',
    ...spec.map(row => `  ${row}`),
    '  template:',
    "    metadata: {name: '{{ .shop }}-web'}",
    '    spec:',
    "      destination: {namespace: '{{ .shop }}'}",
    '      source:',
    '        repoURL: oci://ghcr.io/acme/charts',
    '        chart: webapp',
    '        targetRevision: 1.4.0',
    '        helm:',
    "          parameters: [{name: region, value: '{{ .region }}'}]"
  )

const LIST = [
  'goTemplate: true',
  'generators:',
  '  - list:',
  '      elements:',
  '        - {shop: eu, region: eu-west-1}',
  '        - {shop: us, region: 42}'
]

describe('Argo CD ApplicationSet places', () => {
  test('a literal list generator: one place per element, placeholders filled', () => {
    const { places } = build({
      manifests: { 'appsets/shops.yaml': applicationSet(LIST) }
    })
    expect(places).toEqual([
      expect.objectContaining({
        title: 'ApplicationSet shops (spec.source), element 1',
        releaseName: 'eu-web',
        namespace: 'eu',
        setValues: [{ path: 'region', value: 'eu-west-1', forceString: false }]
      }),
      expect.objectContaining({
        title: 'ApplicationSet shops (spec.source), element 2',
        releaseName: 'us-web',
        namespace: 'us',
        setValues: [{ path: 'region', value: '42', forceString: false }]
      })
    ])
    expect(places.every(place => place.skipped === undefined)).toBe(true)
  })

  test.each<[string, string[], string]>([
    [
      'a git generator',
      ['generators: [{git: {repoURL: https://github.com/acme/gitops}}]'],
      'not rendered: generated per element (git generator)'
    ],
    [
      'a list generator with elementsYaml',
      ['generators: [{list: {elementsYaml: "{{ .x }}"}}]'],
      'not rendered: generated per element (a list generator with elementsYaml or its own template)'
    ],
    [
      'templatePatch',
      [...LIST, 'templatePatch: "spec: {}"'],
      'not rendered: generated per element (templatePatch is not applied here)'
    ],
    [
      'a placeholder without the element field',
      ['goTemplate: true', 'generators: [{list: {elements: [{shop: eu}]}}]'],
      'not rendered: element 1: {{ .region }} is not a plain field of the element'
    ],
    [
      'fasttemplate placeholders in a goTemplate set',
      ['generators: [{list: {elements: [{shop: eu, region: x}]}}]'],
      'not rendered: element 1: {{ .shop }} is not a plain field of the element'
    ]
  ])('skipped: %s', (_name, spec, reason) => {
    const { places } = build({
      manifests: { 'appsets/shops.yaml': applicationSet(spec) }
    })
    expect(places.map(place => place.skipped)).toEqual([reason])
  })

  test('fasttemplate {{key}} placeholders (goTemplate unset)', () => {
    const manifest = applicationSet([
      'generators: [{list: {elements: [{shop: eu, region: eu-west-1}]}}]'
    ]).replaceAll('{{ .', '{{')
    const { places } = build({ manifests: { 'a.yaml': manifest } })
    expect(places[0]).toEqual(
      expect.objectContaining({ releaseName: 'eu-web', namespace: 'eu' })
    )
  })
})
