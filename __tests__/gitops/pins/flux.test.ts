import { describe, expect, test } from 'vitest'
import { flux, readHelmRepository } from '../../../src/gitops/pins/flux.js'
import { matcherFor } from '../../../src/gitops/pins/match.js'
import type { HelmRepositorySource } from '../../../src/gitops/pins/types.js'
import { CHART, documentsOf, lines, runTool } from './run-tool.js'

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
  namespace: 'apps'
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

  test('no spec.ref is a problem: Flux follows latest', () => {
    expect(runTool(flux, ociRepository()).problems).toEqual([
      {
        file: 'file.yaml',
        line: 4,
        message:
          'spec.ref is not set, so Flux follows the `latest` tag; set spec.ref.tag to pin it.'
      }
    ])
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
    const anywhere = { file: 'repos.yaml', line: 1, name: 'charts' }
    const text = helmRelease('name: charts', 'namespace: elsewhere')
    expect(runTool(flux, text, [anywhere]).pins).toHaveLength(1)
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
      name: 'charts'
    })
  })

  test.each([
    ['of type default', repository('default', 'oci://ghcr.io/acme/charts')],
    ['of another repository', repository('oci', 'oci://ghcr.io/acme/other')],
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
