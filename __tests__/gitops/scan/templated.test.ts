// Helm-templated manifests (an app-of-apps chart's templates/): literal pins
// are found and edited in the original bytes, templated values and keys set
// in two branches of a conditional are left alone with the reason, and files
// that are not templates read as before.
import { describe, expect, test } from 'vitest'
import { bumpFile, type BumpResult } from '../../../src/gitops/edit.js'
import { createScanContext } from '../../../src/gitops/scan/sources.js'
import { helmRepositories } from '../../../src/gitops/tools/flux/pins.js'
import { collectSources, findPins } from '../../../src/gitops/tools/index.js'
import { blankTemplates } from '../../../src/yaml/template-blanking.js'
import { parseYaml } from '../../../src/yaml/cursor.js'
import { CHART, lines } from './run-tool.js'

const FILE = 'apps/templates/webapp.yaml'

const bump = (text: string, file = FILE): BumpResult =>
  bumpFile(file, text, CHART, '1.3.0')

const application = (...source: string[]): string[] => [
  'apiVersion: argoproj.io/v1alpha1',
  'kind: Application',
  'metadata:',
  '  name: webapp',
  'spec:',
  '  source:',
  '    repoURL: oci://ghcr.io/acme/charts',
  '    chart: webapp',
  ...source
]

describe('a literal pin in a templated file is bumped in place', () => {
  test.each<[string, string[]]>([
    [
      'inside {{ if }} … {{ end }}',
      [
        '{{- if .Values.webapp.enabled }}',
        ...application('    targetRevision: 1.2.0'),
        '{{- end }}'
      ]
    ],
    [
      'with {{ .Values.x }} in other fields',
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'metadata:',
        '  name: {{ .Release.Name }}-webapp',
        '  namespace: {{ .Values.argocd.namespace | default "argocd" }}',
        'spec:',
        '  project: {{ .Values.project | quote }}',
        '  source:',
        '    repoURL: oci://ghcr.io/acme/charts',
        '    chart: webapp',
        '    targetRevision: 1.2.0',
        '  destination:',
        '    server: {{ .Values.server }}'
      ]
    ],
    [
      'after a {{- toYaml … | nindent }} line',
      [
        ...application('    targetRevision: 1.2.0'),
        '    helm:',
        '      {{- toYaml .Values.webapp.helm | nindent 6 }}',
        '  syncPolicy:',
        '    {{- toYaml .Values.syncPolicy | nindent 4 }}'
      ]
    ],
    [
      'around {{/* comments */}} and a multi-line action',
      [
        '{{/* The webapp,',
        '     pinned by the release workflow. */}}',
        '{{- $labels := dict',
        '      "team" "web" }}',
        ...application('    targetRevision: 1.2.0  {{- /* pin */}}')
      ]
    ],
    [
      'in a {{ range }} loop',
      [
        '{{- range .Values.clusters }}',
        '---',
        ...application('    targetRevision: 1.2.0'),
        '  destination:',
        '    name: {{ . }}',
        '{{- end }}'
      ]
    ],
    [
      'next to a block scalar holding a template',
      [
        ...application('    targetRevision: 1.2.0'),
        '    helm:',
        '      values: |',
        '        {{- if .Values.big }}',
        '        replicas: {{ .Values.replicas }}',
        '        {{- end }}'
      ]
    ]
  ])('%s', (_name, rows) => {
    const input = lines(...rows)
    const result = bump(input)
    expect(result.problems).toEqual([])
    expect(result.changes).toMatchObject([{ from: '1.2.0', to: '1.3.0' }])
    expect(result.text).toBe(
      input.replace('targetRevision: 1.2.0', 'targetRevision: 1.3.0')
    )
  })

  test('quotes, CRLF and a Flux OCIRepository', () => {
    const input = lines(
      '{{- if .Values.flux }}',
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: OCIRepository',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  url: oci://ghcr.io/acme/charts/webapp',
      '  ref:',
      "    tag: '1.2.0'",
      '{{- end }}'
    ).replace(/\n/g, '\r\n')
    const result = bump(input)
    expect(result.text).toBe(input.replace("tag: '1.2.0'", "tag: '1.3.0'"))
  })
})

describe('a templated version is left alone, as a template', () => {
  test.each([
    ['{{ .Values.version }}', '{{ .Values.version }}'],
    ['"{{ .Values.version }}"', '{{ .Values.version }}'],
    ['{{ .Values.version | quote }}', '{{ .Values.version | quote }}'],
    ['1.2.{{ .Values.patch }}', '1.2.{{ .Values.patch }}'],
    [
      '{{ .Values.version | default "1.2.0" }}',
      '{{ .Values.version | default "1.2.0" }}'
    ]
  ])('targetRevision: %s', (written, value) => {
    const input = lines(
      '{{- if .Values.webapp.enabled }}',
      ...application(`    targetRevision: ${written}`),
      '{{- end }}'
    )
    const result = bump(input)
    expect(result.text).toBe(input)
    expect(result.skipped).toEqual([
      expect.objectContaining({
        line: 10,
        value,
        reason: `'${value}' is a template expression; whatever renders it sets the version`
      })
    ])
  })

  test('a value written on the line after its key', () => {
    const input = lines(
      ...application('    targetRevision:', '      {{ .Values.version }}')
    )
    const result = bump(input)
    expect(result.skipped).toMatchObject([{ value: '{{ .Values.version }}' }])
    expect(result.text).toBe(input)
  })

  test('a templated chart or repository is not known to be this chart', () => {
    for (const field of ['chart', 'repoURL']) {
      const rows = application('    targetRevision: 1.2.0').map(row =>
        row.startsWith(`    ${field}:`)
          ? `    ${field}: {{ .Values.${field} }}`
          : row
      )
      const result = bump(lines('{{- if true }}', ...rows, '{{- end }}'))
      expect(result).toMatchObject({ changes: [], skipped: [], problems: [] })
    }
  })
})

describe('a key set in two branches of a conditional is ambiguous', () => {
  const reason = (key: string, line: number): string =>
    `'${key}' is set again at line ${line} in the same mapping, as the branches of a template conditional ({{ if }} … {{ else }}) do; which value applies depends on how the chart is rendered, so it is left alone`

  test.each<[string, string[], string, number]>([
    [
      'the version',
      application(
        '    {{- if .Values.canary }}',
        '    targetRevision: 1.3.0-rc.1',
        '    {{- else }}',
        '    targetRevision: 1.2.0',
        '    {{- end }}'
      ),
      'targetRevision',
      12
    ],
    [
      'the chart',
      [
        ...application('    targetRevision: 1.2.0').filter(
          row => !row.includes('chart: webapp')
        ),
        '    {{- if .Values.legacy }}',
        '    chart: webapp-legacy',
        '    {{- else }}',
        '    chart: webapp',
        '    {{- end }}'
      ],
      'chart',
      12
    ],
    [
      'the whole source',
      [
        ...application('    targetRevision: 1.2.0').slice(0, 5),
        '  {{- if .Values.oci }}',
        '  source:',
        '    repoURL: oci://ghcr.io/acme/charts',
        '    chart: webapp',
        '    targetRevision: 1.2.0',
        '  {{- else }}',
        '  source:',
        '    repoURL: https://charts.acme.example',
        '    chart: webapp',
        '    targetRevision: 1.2.0',
        '  {{- end }}'
      ],
      'source',
      12
    ]
  ])('%s', (_name, rows, key, line) => {
    const input = lines(...rows)
    const result = bump(input)
    expect(result.text).toBe(input)
    expect(result.changes).toEqual([])
    // The branch read first names another chart: no pin, but a problem.
    if (key === 'chart')
      expect(result.problems).toEqual([
        {
          file: FILE,
          line,
          message: `'chart' is set again here in a mapping that may pin the chart, as the branches of a template conditional ({{ if }} … {{ else }}) do; which value applies depends on how the chart is rendered, so nothing in it is bumped.`
        }
      ])
    else expect(result.skipped).toMatchObject([{ reason: reason(key, line) }])
  })

  test('a list item in each branch is two pins, each bumped', () => {
    const input = lines(
      ...application('    targetRevision: 1.2.0').slice(0, 5),
      '  sources:',
      '  {{- if .Values.canary }}',
      '    - repoURL: oci://ghcr.io/acme/charts',
      '      chart: webapp',
      '      targetRevision: 1.2.0-rc.1',
      '  {{- else }}',
      '    - repoURL: oci://ghcr.io/acme/charts',
      '      chart: webapp',
      '      targetRevision: 1.2.0',
      '  {{- end }}'
    )
    const result = bump(input)
    expect(result.changes.map(c => c.from)).toEqual(['1.2.0-rc.1', '1.2.0'])
  })

  test('a HelmRepository whose url differs between branches vouches for no HelmRelease', () => {
    const repository = lines(
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: HelmRepository',
      'metadata:',
      '  name: acme',
      'spec:',
      '  type: oci',
      '  {{- if .Values.mirror }}',
      '  url: oci://mirror.example/acme/charts',
      '  {{- else }}',
      '  url: oci://ghcr.io/acme/charts',
      '  {{- end }}'
    )
    const release = lines(
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata:',
      '  name: webapp',
      'spec:',
      '  chart:',
      '    spec:',
      '      chart: webapp',
      '      version: 1.2.0',
      '      sourceRef:',
      '        kind: HelmRepository',
      '        name: acme'
    )
    const context = createScanContext()
    collectSources('templates/repo.yaml', repository, CHART, context)
    expect(context.sources.of(helmRepositories)).toEqual([])
    expect(findPins('release.yaml', release, CHART, context).pins).toEqual([])
  })
})

describe('what is not a Helm template reads as before', () => {
  test('a file without `{{` is parsed as written, its errors as before', () => {
    const parsed = parseYaml('a.yaml', lines('a: 1', 'a: 2'))
    expect(parsed.template).toBeUndefined()
    expect(parsed.problem?.message).toMatch(
      /^YAML does not parse \(Map keys must be unique\); /
    )
  })

  test('a ConfigMap holding a Go template in a block scalar, next to a pin', () => {
    const input = lines(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: alerts',
      'data:',
      '  slack.tmpl: |',
      '    {{ define "slack.title" }}',
      '              {{ .Status }}',
      '    {{ end }}',
      '---',
      ...application('    targetRevision: 1.2.0')
    )
    const result = bump(input, 'apps/webapp.yaml')
    expect(result.problems).toEqual([])
    expect(result.text).toBe(
      input.replace('targetRevision: 1.2.0', 'targetRevision: 1.3.0')
    )
  })

  test('blanking never costs a file that parses as written', () => {
    // A block scalar as an explicit key is not told from YAML around it:
    // blanked, its first line would be a long empty line, which YAML refuses.
    const input = lines(
      ...application('    targetRevision: 1.2.0'),
      '  extra:',
      '    ? |',
      '      {{ .x }}',
      '      b',
      '    : value'
    )
    expect(blankTemplates(input)).toBeDefined()
    expect(parseYaml(FILE, input).problem).toBeUndefined()
    expect(bump(input).changes).toHaveLength(1)
  })

  test('an action Go would not close leaves the file as it was', () => {
    const input = lines(
      '# {{ not closed',
      ...application('    targetRevision: 1.2.0')
    )
    expect(parseYaml(FILE, input).template).toBeUndefined()
    expect(bump(input).changes).toHaveLength(1)
  })

  test('a templated file that does not parse, even blanked, is named with why', () => {
    const input = lines(
      '{{- if .Values.webapp.enabled }}',
      ...application('    targetRevision: 1.2.0'),
      '  destination: [in-cluster',
      '{{- end }}'
    )
    const result = bump(input)
    expect(result.text).toBe(input)
    expect(result.problems).toEqual([
      {
        file: FILE,
        line: 13,
        message: expect.stringMatching(
          /^YAML does not parse \(.+\), even with its template actions set aside; the file is left unchanged\.$/
        ) as string,
        notRead: true
      }
    ])
  })
})
