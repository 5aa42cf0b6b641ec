import { describe, expect, test } from 'vitest'
import { matcherFor } from '../../../../src/gitops/scan/match.js'
import {
  flux,
  readHelmRepository,
  type HelmRepositorySource
} from '../../../../src/gitops/tools/flux/pins.js'
import { CHART, documentsOf, lines, runTool } from '../../scan/run-tool.js'

const ociRepository = (...ref: string[]): string =>
  lines(
    'apiVersion: source.toolkit.fluxcd.io/v1beta2',
    'kind: OCIRepository',
    'spec:',
    '  url: oci://ghcr.io/acme/charts/webapp',
    ...ref
  )

const helmRelease = (...sourceRef: string[]): string =>
  lines(
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    '  namespace: apps',
    'spec:',
    '  chart:',
    '    spec:',
    '      chart: webapp',
    '      version: 1.0.0',
    '      sourceRef:',
    '        kind: HelmRepository',
    ...sourceRef.map(row => `        ${row}`)
  )

const REPOSITORY: HelmRepositorySource = {
  file: 'repos.yaml',
  line: 1,
  name: 'charts',
  namespace: 'apps',
  chart: 'webapp'
}

describe('flux: OCIRepository', () => {
  test('spec.ref.tag is the pin', () => {
    const { pins, spans } = runTool(
      flux,
      ociRepository('  ref:', '    tag: 1.0.0')
    )
    expect(pins).toEqual([
      expect.objectContaining({
        kind: 'flux-ocirepository',
        path: 'spec.ref.tag'
      })
    ])
    expect(spans).toEqual(['1.0.0'])
  })

  test('spec.ref.semver wins over the tag and is left alone', () => {
    const text = ociRepository('  ref:', '    tag: 1.0.0', '    semver: x')
    const { pins } = runTool(flux, text)
    expect(pins).toEqual([
      expect.objectContaining({
        path: 'spec.ref.semver',
        blocked: 'Flux resolves spec.ref.semver itself'
      })
    ])
  })

  const NOT_SET =
    'spec.ref is not set, so Flux follows the `latest` tag; set spec.ref.tag to pin it.'
  const NOT_A_MAPPING =
    'spec.ref is not a mapping (Flux reads `tag`, `semver` or `digest` under it), so there is no version to bump; set spec.ref.tag to pin it.'

  test.each([
    ['no spec.ref', [], NOT_SET],
    ['an empty spec.ref', ['  ref:'], NOT_SET],
    ['spec.ref: null', ['  ref: null'], NOT_SET],
    ['spec.ref: "not-a-map"', ['  ref: "not-a-map"'], NOT_A_MAPPING],
    ['spec.ref: 1.0.0', ['  ref: 1.0.0'], NOT_A_MAPPING],
    ['spec.ref as a list', ['  ref: [1.0.0]'], NOT_A_MAPPING]
  ])('%s is a problem, not a pin', (_name, ref, message) => {
    const { pins, problems } = runTool(flux, ociRepository(...ref))
    expect(pins).toEqual([])
    expect(problems).toEqual([{ file: 'file.yaml', line: 4, message }])
  })

  test.each([
    'oci://ghcr.io:443/acme/charts/webapp',
    'oci://GHCR.IO:443/acme/charts/webapp/'
  ])('the url %s is the chart: default port, trailing slash', url => {
    const text = ociRepository('  ref:', '    tag: 1.0.0').replace(
      'oci://ghcr.io/acme/charts/webapp',
      url
    )
    expect(runTool(flux, text).spans).toEqual(['1.0.0'])
  })
})

describe('flux: OCIRepository digest pins', () => {
  const DIGEST = 'sha256:' + 'ab'.repeat(32)

  test('spec.ref.tag with spec.ref.digest: one pin, two spans', () => {
    const text = ociRepository(
      '  ref:',
      "    digest: '" + DIGEST + "' # pinned",
      '    tag: "1.0.0"'
    )
    const { pins, spans } = runTool(flux, text)
    expect(spans).toEqual(['"1.0.0"'])
    expect(pins).toEqual([
      expect.objectContaining({
        path: 'spec.ref.tag',
        current: '1.0.0',
        digest: {
          form: 'field',
          field: expect.objectContaining({
            path: 'spec.ref.digest',
            line: 6,
            current: DIGEST,
            quote: 'single'
          }) as unknown
        }
      })
    ])
    const [pin] = pins
    const field = pin.digest?.form === 'field' ? pin.digest.field : undefined
    expect(field && text.slice(field.start, field.end)).toBe(`'${DIGEST}'`)
    expect(pin.blocked).toBeUndefined()
  })

  test('a tag with its digest in one scalar is a pin whose digest is a suffix', () => {
    const text = ociRepository('  ref:', `    tag: 1.0.0@${DIGEST}`)
    const { pins, spans } = runTool(flux, text)
    expect(spans).toEqual([`1.0.0@${DIGEST}`])
    expect(pins).toEqual([
      expect.objectContaining({
        path: 'spec.ref.tag',
        digest: { form: 'suffix' }
      })
    ])
  })

  test.each([
    [
      'a digest alone',
      ['    digest: ' + DIGEST],
      'spec.ref.digest',
      /^Flux pins spec\.ref\.digest with no spec\.ref\.tag.*add spec\.ref\.tag/
    ],
    [
      'a digest with a semver range',
      ['    semver: ^1.0.0', '    digest: ' + DIGEST],
      'spec.ref.digest',
      /^Flux pins spec\.ref\.digest, which wins over spec\.ref\.semver/
    ],
    [
      'a digest that is a mapping',
      ['    tag: 1.0.0', '    digest: {sha: x}'],
      'spec.ref.tag',
      /^spec\.ref\.digest is not a single value/
    ],
    [
      'a digest through an alias',
      ['    tag: 1.0.0', '    digest: *d'],
      'spec.ref.tag',
      /^spec\.ref\.digest: the value is the alias \*d/
    ]
  ])('%s is left alone', (_name, ref, path, blocked) => {
    const text = ociRepository('  ref:', ...ref).replace(
      'kind: OCIRepository',
      `kind: OCIRepository\nx: &d ${DIGEST}`
    )
    const { pins } = runTool(flux, text)
    expect(pins).toEqual([
      expect.objectContaining({ path, blocked: expect.stringMatching(blocked) })
    ])
  })
})

describe('flux: HelmRelease', () => {
  test('a release of a known HelmRepository pins its version', () => {
    const { pins } = runTool(flux, helmRelease('name: charts'), [REPOSITORY])
    expect(pins).toEqual([
      expect.objectContaining({
        kind: 'flux-helmrelease',
        path: 'spec.chart.spec.version',
        note: 'HelmRepository charts (repos.yaml:1)'
      })
    ])
  })

  test.each<[string, string[], HelmRepositorySource[]]>([
    ['an unknown repository', ['name: other'], [REPOSITORY]],
    [
      'a repository in another namespace',
      ['name: charts', 'namespace: flux-system'],
      [REPOSITORY]
    ],
    ['no repositories at all', ['name: charts'], []]
  ])('is not a pin with %s', (_name, sourceRef, repositories) => {
    expect(runTool(flux, helmRelease(...sourceRef), repositories).pins).toEqual(
      []
    )
  })

  test('a repository without a namespace matches any namespace', () => {
    const anywhere = {
      file: 'repos.yaml',
      line: 1,
      name: 'charts',
      chart: 'webapp'
    }
    const text = helmRelease('name: charts', 'namespace: elsewhere')
    expect(runTool(flux, text, [anywhere]).pins).toHaveLength(1)
  })

  // The HelmRepository's url is oci://ghcr.io/acme: Flux pulls <url>/<chart>.
  const ACME = { ...REPOSITORY, chart: 'charts/webapp' }

  test.each([
    ['charts/webapp', [ACME], 1],
    ['webapp', [ACME], 0],
    ['charts/webapp', [REPOSITORY], 0],
    ['acme/charts/webapp', [ACME], 0],
    ['charts/webapp-api', [ACME], 0]
  ])('a split path: chart %s', (chart, repositories, found) => {
    const text = helmRelease('name: charts').replace(
      'chart: webapp',
      `chart: ${chart}`
    )
    expect(runTool(flux, text, repositories).pins).toHaveLength(found)
  })

  test('a release of a HelmRepository without type oci is a problem naming it', () => {
    const overHttp: HelmRepositorySource = {
      ...REPOSITORY,
      servedOverHttp: true
    }
    const { pins, problems } = runTool(flux, helmRelease('name: charts'), [
      overHttp
    ])
    expect(pins).toEqual([])
    expect(problems).toEqual([
      {
        file: 'file.yaml',
        line: 8,
        message:
          'HelmRepository charts (repos.yaml:1) has an oci:// url but not `type: oci`, so Flux serves it as an HTTP Helm repository and this HelmRelease is not an OCI pin of the chart; it is left alone: add `type: oci` to the HelmRepository to have releases bump it.'
      }
    ])
  })
})

describe('readHelmRepository', () => {
  const repository = (type: string, url: string): string =>
    lines(
      '# the chart repository',
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: HelmRepository',
      'metadata:',
      '  name: charts',
      'spec:',
      `  type: ${type}`,
      `  url: ${url}`
    )

  const read = (text: string) => {
    const root = documentsOf(text, 'repos.yaml')[0].root()
    return root && readHelmRepository(matcherFor(CHART), root)
  }

  test('an oci HelmRepository of the chart repository is recorded', () => {
    expect(read(repository('oci', 'oci://GHCR.io/acme/charts/'))).toEqual({
      file: 'repos.yaml',
      line: 2,
      name: 'charts',
      chart: 'webapp'
    })
  })

  test.each([
    ['oci://ghcr.io/acme/charts', 'webapp'],
    ['oci://ghcr.io:443/acme/charts/', 'webapp'],
    ['oci://ghcr.io/acme', 'charts/webapp'],
    ['oci://ghcr.io/acme/', 'charts/webapp'],
    ['oci://ghcr.io', 'acme/charts/webapp'],
    ['oci://GHCR.IO:443/', 'acme/charts/webapp']
  ])('the url %s serves the chart as %s', (url, chart) => {
    expect(read(repository('oci', url))).toMatchObject({ chart })
  })

  test.each(['default', '""'])(
    'a HelmRepository of type %s is recorded as served over HTTP',
    type => {
      expect(read(repository(type, 'oci://ghcr.io/acme/charts'))).toMatchObject(
        { chart: 'webapp', servedOverHttp: true }
      )
    }
  )

  test.each([
    ['of another repository', repository('oci', 'oci://ghcr.io/acme/other')],
    ['of a look-alike path', repository('oci', 'oci://ghcr.io/acme/chart')],
    [
      'of the chart itself',
      repository('oci', 'oci://ghcr.io/acme/charts/webapp')
    ],
    ['of another port', repository('oci', 'oci://ghcr.io:5000/acme/charts')],
    ['over https', repository('oci', 'https://ghcr.io/acme/charts')],
    [
      'of another API group',
      repository('oci', 'oci://ghcr.io/acme/charts').replace(
        'source.toolkit.fluxcd.io',
        'example.com'
      )
    ]
  ])('a HelmRepository %s is not', (_name, text) => {
    expect(read(text)).toBeUndefined()
  })
})
