import { describe, expect, test } from 'vitest'
import {
  collectSources as collectSourcesWith,
  findPins as findPinsWith
} from '../../../src/gitops/scan/scan.js'
import {
  createScanContext,
  type SourceReader
} from '../../../src/gitops/scan/sources.js'
import type { PinTool } from '../../../src/gitops/scan/tool.js'
import type { ChartRef, Pin } from '../../../src/gitops/scan/types.js'
import { helmRepositories } from '../../../src/gitops/tools/flux/pins.js'
import { collectSources, findPins } from '../../../src/gitops/tools/index.js'

const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

const lines = (...rows: string[]): string => rows.join('\n') + '\n'

function argo(source: string[], kind = 'Application'): string {
  return lines(
    'apiVersion: argoproj.io/v1alpha1',
    `kind: ${kind}`,
    'spec:',
    '  source:',
    ...source.map(row => `    ${row}`)
  )
}

/** The pins of one file, with the source text each span covers. */
function scan(file: string, text: string, chart = CHART) {
  const result = findPins(file, text, chart)
  const spans = result.pins.map(pin => text.slice(pin.start, pin.end))
  return { ...result, spans }
}

describe('findPins: what is a pin', () => {
  test.each<[string, string, string, Partial<Pin>, string]>([
    [
      'Application, oci:// repoURL',
      'app.yaml',
      argo([
        'repoURL: oci://ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: 1.2.0'
      ]),
      {
        kind: 'argocd-application',
        path: 'spec.source.targetRevision',
        line: 7,
        column: 21
      },
      '1.2.0'
    ],
    [
      'Application, classic repoURL without scheme',
      'app.yml',
      argo([
        'chart: webapp',
        'repoURL: ghcr.io/acme/charts',
        "targetRevision: '1.2.0'"
      ]),
      { kind: 'argocd-application', quote: 'single' },
      "'1.2.0'"
    ],
    [
      'Application, native OCI source',
      'app.yaml',
      argo([
        'repoURL: oci://ghcr.io/acme/charts/webapp',
        'path: .',
        'targetRevision: "1.2.0"'
      ]),
      { kind: 'argocd-oci', quote: 'double', note: 'native OCI source' },
      '"1.2.0"'
    ],
    [
      'Flux OCIRepository tag',
      'repo.yaml',
      lines(
        'apiVersion: source.toolkit.fluxcd.io/v1beta2',
        'kind: OCIRepository',
        'spec:',
        '  url: oci://ghcr.io/acme/charts/webapp',
        '  ref: {tag: 1.2.0}'
      ),
      { kind: 'flux-ocirepository', path: 'spec.ref.tag', line: 5, column: 14 },
      '1.2.0'
    ],
    [
      'Kustomization helmCharts',
      'base/kustomization.yaml',
      lines(
        'helmCharts:',
        '  - name: webapp',
        '    repo: oci://ghcr.io/acme/charts',
        '    version: 1.2.0 # pin'
      ),
      { kind: 'kustomize-helmchart', path: 'helmCharts[0].version' },
      '1.2.0'
    ],
    [
      'Chart.yaml dependency',
      'charts/umbrella/Chart.yaml',
      lines(
        'apiVersion: v2',
        'name: umbrella',
        'version: 0.1.0',
        'dependencies:',
        '  - name: webapp',
        '    repository: oci://ghcr.io/acme/charts',
        '    version: 1.2.0'
      ),
      { kind: 'helm-dependency', path: 'dependencies[0].version', line: 7 },
      '1.2.0'
    ],
    [
      'a plain version that YAML reads as a number keeps its text',
      'app.yaml',
      argo([
        'repoURL: oci://ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: 1.10'
      ]),
      { current: '1.10' },
      '1.10'
    ],
    [
      'targetRevision with an anchor: the span is the value alone',
      'app.yaml',
      argo([
        'repoURL: oci://ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: &v !!str 1.2.0 # c'
      ]),
      { current: '1.2.0', quote: 'plain' },
      '1.2.0'
    ]
  ])('%s', (_name, file, text, expected, span) => {
    const result = scan(file, text)
    expect(result.problems).toEqual([])
    expect(result.pins).toHaveLength(1)
    expect(result.pins[0]).toMatchObject({ file, ...expected })
    expect(result.spans).toEqual([span])
  })

  test('a BOM counts in the offsets; lines stay 1-based', () => {
    const text =
      '\uFEFF' +
      argo([
        'repoURL: oci://ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: 1.2.0'
      ])
    const { pins, spans } = scan('app.yaml', text)
    expect(spans).toEqual(['1.2.0'])
    expect(pins[0]).toMatchObject({ line: 7, start: text.indexOf('1.2.0') })
  })

  test('registry host in the ChartRef and in files compares case-insensitively', () => {
    const text = argo([
      'repoURL: oci://Ghcr.IO/acme/charts/',
      'chart: webapp',
      'targetRevision: 1.2.0'
    ])
    const chart = { ...CHART, registry: 'GHCR.io/' }
    expect(scan('app.yaml', text, chart).pins).toHaveLength(1)
  })

  test('an aliased copy of a source yields one pin, at the anchor', () => {
    const text = lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  sources:',
      '    - &chart {repoURL: oci://ghcr.io/acme/charts, chart: webapp, targetRevision: 1.2.0}',
      '    - *chart'
    )
    const { pins } = scan('app.yaml', text)
    expect(pins).toHaveLength(1)
    expect(pins[0]).toMatchObject({ path: 'spec.sources[0].targetRevision' })
    expect(pins[0].blocked).toBeUndefined()
  })

  test('merge keys are read like Kubernetes does', () => {
    const text = lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'x-defaults: &defaults',
      '  repoURL: oci://ghcr.io/acme/charts',
      '  chart: webapp',
      '  targetRevision: 1.2.0',
      'spec:',
      '  sources:',
      '    - <<: *defaults',
      '      targetRevision: 1.2.1',
      '    - <<: *defaults'
    )
    const { pins } = scan('app.yaml', text)
    expect(pins.map(p => [p.path, p.current, p.blocked])).toEqual([
      [
        'spec.sources[1].targetRevision',
        '1.2.0',
        expect.stringMatching(/merge key/)
      ],
      ['spec.sources[0].targetRevision', '1.2.1', undefined]
    ])
  })
})

describe('findPins: what is left alone', () => {
  test.each([
    [
      'a ref: source (blocked)',
      argo([
        'repoURL: oci://ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: 1.2.0',
        'ref: chart'
      ]),
      /has `ref:`/
    ],
    [
      'an alias as the value (blocked)',
      lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'metadata: {labels: {v: &v 1.2.0}}',
        'spec:',
        '  source: {repoURL: oci://ghcr.io/acme/charts, chart: webapp, targetRevision: *v}'
      ),
      /alias \*v/
    ],
    [
      'a block scalar (blocked)',
      argo([
        'repoURL: oci://ghcr.io/acme/charts',
        'chart: webapp',
        'targetRevision: |',
        '  1.2.0'
      ]),
      /block scalar/
    ]
  ])('%s', (_name, text, reason) => {
    const { pins } = scan('app.yaml', text)
    expect(pins).toHaveLength(1)
    expect(pins[0].blocked).toMatch(reason)
  })

  test.each([
    [
      'another chart at the same registry',
      'chart: webapp-api',
      'repoURL: oci://ghcr.io/acme/charts'
    ],
    [
      'the same chart at another registry',
      'chart: webapp',
      'repoURL: oci://quay.io/acme/charts'
    ],
    [
      'the same chart under another repository',
      'chart: webapp',
      'repoURL: ghcr.io/acme/charts/sub'
    ],
    [
      'an HTTPS Helm repository',
      'chart: webapp',
      'repoURL: https://ghcr.io/acme/charts'
    ],
    [
      'a host that only starts like the registry',
      'chart: webapp',
      'repoURL: ghcr.io.example/acme/charts'
    ],
    [
      'a native source without oci://',
      'path: .',
      'repoURL: ghcr.io/acme/charts/webapp'
    ],
    [
      'a native source of another chart',
      'path: .',
      'repoURL: oci://ghcr.io/acme/charts/webapp2'
    ],
    [
      'a git source',
      'path: webapp',
      'repoURL: https://github.com/acme/charts.git'
    ]
  ])('%s', (_name, first, second) => {
    const text = argo([first, second, 'targetRevision: 1.2.0'])
    expect(scan('app.yaml', text)).toEqual({
      pins: [],
      problems: [],
      spans: []
    })
  })

  test.each([
    ['a Markdown file', 'README.md'],
    ['a JSON file', 'app.json'],
    ['a Helm values file named like a chart', 'values.yaml']
  ])('helmCharts/dependencies outside their files: %s', (_name, file) => {
    const text = lines(
      'dependencies:',
      '  - {name: webapp, repository: oci://ghcr.io/acme/charts, version: 1.2.0}',
      'helmCharts:',
      '  - {name: webapp, repo: oci://ghcr.io/acme/charts, version: 1.2.0}'
    )
    expect(scan(file, text).pins).toEqual([])
  })

  test('a Flux Kustomization in kustomization.yaml is not a kustomize config', () => {
    const text = lines(
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'helmCharts:',
      '  - {name: webapp, repo: oci://ghcr.io/acme/charts, version: 1.2.0}'
    )
    expect(scan('kustomization.yaml', text).pins).toEqual([])
  })

  test('an Application in a Chart.yaml is not scanned as one', () => {
    const text = argo([
      'repoURL: oci://ghcr.io/acme/charts',
      'chart: webapp',
      'targetRevision: 1.2.0'
    ])
    expect(scan('Chart.yaml', text).pins).toEqual([])
  })

  test('a version that is a mapping is a problem, not a pin', () => {
    const text = argo([
      'repoURL: oci://ghcr.io/acme/charts',
      'chart: webapp',
      'targetRevision: {major: 1}'
    ])
    expect(scan('app.yaml', text)).toMatchObject({
      pins: [],
      problems: [
        {
          line: 5,
          message: expect.stringMatching(/not a single version value/)
        }
      ]
    })
  })
})

describe('findPins: files that do not parse', () => {
  const broken = lines(
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'spec: [webapp, oci://ghcr.io/acme/charts'
  )

  test('are reported with their line when they may pin the chart', () => {
    expect(scan('app.yaml', broken)).toEqual({
      pins: [],
      spans: [],
      problems: [
        {
          file: 'app.yaml',
          line: 4,
          message: expect.stringMatching(
            /^YAML does not parse \(.+\); the file is left unchanged\.$/
          ),
          notRead: true
        }
      ]
    })
  })

  test.each([
    ['the chart name is missing', broken.replace(/webapp/g, 'other')],
    ['the registry is missing', broken.replace('ghcr.io', 'quay.io')],
    ['no kind that can pin is named', broken.replace('argoproj.io', 'apps')]
  ])('are not even parsed when %s (cheap pre-filter)', (_name, text) => {
    expect(scan('app.yaml', text).problems).toEqual([])
  })
})

describe('Flux HelmRelease and HelmRepository', () => {
  const repository = (name: string, extra: string[] = []) =>
    lines(
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: HelmRepository',
      'metadata:',
      `  name: ${name}`,
      ...extra,
      'spec:',
      '  type: oci',
      '  url: oci://ghcr.io/acme/charts'
    )

  const release = (sourceRef: string[], namespace?: string) =>
    lines(
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata:',
      '  name: webapp',
      ...(namespace ? [`  namespace: ${namespace}`] : []),
      'spec:',
      '  chart:',
      '    spec:',
      '      chart: webapp',
      '      version: 1.2.0',
      '      sourceRef:',
      '        kind: HelmRepository',
      ...sourceRef.map(row => `        ${row}`)
    )

  function releasePins(repositoryText: string, releaseText: string): Pin[] {
    const context = createScanContext()
    collectSources('infra/repos.yaml', repositoryText, CHART, context)
    return findPins('apps/webapp.yaml', releaseText, CHART, context).pins
  }

  test.each([
    // [case, HelmRepository namespace, sourceRef rows, HelmRelease namespace, matches]
    [
      'same namespace through sourceRef',
      'flux-system',
      ['namespace: flux-system'],
      undefined,
      true
    ],
    ['same namespace as the release', 'flux-system', [], 'flux-system', true],
    [
      'repository namespace unset',
      undefined,
      ['namespace: apps'],
      undefined,
      true
    ],
    [
      'different namespace',
      'flux-system',
      ['namespace: apps'],
      undefined,
      false
    ],
    ['release namespace differs', 'flux-system', [], 'apps', false]
  ] as const)(
    '%s',
    (_name, repoNamespace, sourceRef, releaseNamespace, matches) => {
      const pins = releasePins(
        repository(
          'acme',
          repoNamespace ? [`  namespace: ${repoNamespace}`] : []
        ),
        release(['name: acme', ...sourceRef], releaseNamespace)
      )
      expect(pins.length).toBe(matches ? 1 : 0)
    }
  )

  test('the pin says which HelmRepository matched, and where', () => {
    const pins = releasePins(repository('acme'), release(['name: acme']))
    expect(pins).toMatchObject([
      {
        kind: 'flux-helmrelease',
        path: 'spec.chart.spec.version',
        current: '1.2.0',
        note: 'HelmRepository acme (infra/repos.yaml:1)'
      }
    ])
  })

  test('without the first pass a HelmRepository in another file is unknown', () => {
    expect(
      findPins('apps/webapp.yaml', release(['name: acme']), CHART).pins
    ).toEqual([])
  })

  test('a HelmRepository in the same file needs no first pass', () => {
    const text = repository('acme') + '---\n' + release(['name: acme'])
    expect(findPins('apps/webapp.yaml', text, CHART).pins).toMatchObject([
      { note: 'HelmRepository acme (line 1)' }
    ])
  })

  test('a HelmRepository not of type oci is collected, marked as served over HTTP', () => {
    const context = createScanContext()
    const text = repository('acme').replace('  type: oci\n', '')
    collectSources('repos.yaml', text, CHART, context)
    expect(context.sources.of(helmRepositories)).toMatchObject([
      { servedOverHttp: true }
    ])
  })

  test.each([
    [
      'another repository path',
      (t: string) => t.replace('acme/charts', 'acme/other')
    ],
    ['another registry', (t: string) => t.replace('ghcr.io', 'quay.io')]
  ])('a HelmRepository %s is not collected', (_name, change) => {
    const context = createScanContext()
    collectSources('repos.yaml', change(repository('acme')), CHART, context)
    expect(context.sources.of(helmRepositories)).toEqual([])
  })

  test('a HelmRelease of another chart is not a pin', () => {
    const pins = releasePins(
      repository('acme'),
      release(['name: acme']).replace('chart: webapp', 'chart: webapp-api')
    )
    expect(pins).toEqual([])
  })

  test('each file is parsed once: the first pass hands its parse to findPins', () => {
    const text = repository('acme') + '---\n' + release(['name: acme'])
    const context = createScanContext()
    collectSources('apps/webapp.yaml', text, CHART, context)
    const cached = context.parsed.get('apps/webapp.yaml')
    expect(cached?.text).toBe(text)
    expect(
      findPins('apps/webapp.yaml', text, CHART, context).pins
    ).toHaveLength(1)
    expect(context.parsed.has('apps/webapp.yaml')).toBe(false)
  })

  test('a cached parse of an older text is not reused', () => {
    const text = repository('acme') + '---\n' + release(['name: acme'])
    const context = createScanContext()
    collectSources('apps/webapp.yaml', text, CHART, context)
    const edited = text.replace('1.2.0', '1.2.5')
    expect(
      findPins('apps/webapp.yaml', edited, CHART, context).pins
    ).toMatchObject([{ current: '1.2.5' }])
  })
})

describe('the scan with the tools it is given', () => {
  // A tool the scan has never heard of: Widgets pin the chart with
  // `spec.version`, directly or through a WidgetSource of another file.
  const widgetSources: SourceReader<{ name: string }> = {
    markers: ['WidgetSource'],
    namedBy: ['Widget'],
    read: (matcher, root) => {
      const url = root.child('spec')?.string('url') ?? ''
      const name = root.child('metadata')?.string('name')
      return root.string('kind') === 'WidgetSource' &&
        url.includes(matcher.host) &&
        name
        ? { name }
        : undefined
    }
  }
  const widgets: PinTool = {
    role: 'manifests',
    markers: ['Widget'],
    sources: widgetSources,
    scan(scan, root, { kind }) {
      if (kind !== 'Widget') return
      const spec = root.child('spec')
      const source = spec?.string('source')
      const known = scan.sources
        .of(widgetSources)
        .some(({ name }) => name === source)
      if (spec && known) scan.findings.addPin(spec, 'version', 'widget-pin')
    }
  }
  const widget = lines(
    'kind: Widget',
    'spec:',
    '  chart: webapp',
    '  source: shop',
    '  version: 1.2.0'
  )
  const widgetSource = lines(
    'kind: WidgetSource',
    'metadata: {name: shop}',
    'spec: {url: oci://ghcr.io/acme/charts}'
  )

  test('no tool: nothing is a pin, not even an Argo CD Application', () => {
    const application = argo([
      'repoURL: oci://ghcr.io/acme/charts',
      'chart: webapp',
      'targetRevision: 1.2.0'
    ])
    expect(findPins('app.yaml', application, CHART).pins).toHaveLength(1)
    expect(findPinsWith([], 'app.yaml', application, CHART)).toEqual({
      pins: [],
      problems: []
    })
  })

  test("a new tool's pins, through a source its first pass found in another file", () => {
    const context = createScanContext()
    collectSourcesWith([widgets], 'sources.yaml', widgetSource, CHART, context)
    expect(context.sources.of(widgetSources)).toEqual([{ name: 'shop' }])
    // The widget's file names no registry: its source does.
    expect(
      findPinsWith([widgets], 'widget.yaml', widget, CHART, context).pins
    ).toMatchObject([
      { kind: 'widget-pin', path: 'spec.version', current: '1.2.0' }
    ])
    expect(findPinsWith([widgets], 'widget.yaml', widget, CHART).pins).toEqual(
      []
    )
    // The tools that know nothing of widgets find nothing there.
    expect(findPins('widget.yaml', widget, CHART, context).pins).toEqual([])
  })
})
