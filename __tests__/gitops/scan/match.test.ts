import { describe, expect, test } from 'vitest'
import {
  chartNameUnder,
  joinsToChart,
  matcherFor,
  mentionsRegistry,
  namesChart,
  pointsAtChart,
  pointsAtRepository
} from '../../../src/gitops/scan/match.js'
import { CHART } from './run-tool.js'

describe('matcherFor', () => {
  test('normalises the registry and repository once per chart', () => {
    const chart = {
      name: 'webapp',
      registry: ' GHCR.io/ ',
      repository: '/acme/charts/'
    }
    const matcher = matcherFor(chart)
    expect(matcher).toMatchObject({
      host: 'ghcr.io',
      repositoryPath: 'acme/charts',
      chartPath: 'acme/charts/webapp'
    })
    expect(matcherFor(chart)).toBe(matcher)
  })

  test('the https default port is not part of the registry', () => {
    const matcher = matcherFor({ ...CHART, registry: 'GHCR.io:443/' })
    expect(matcher.host).toBe('ghcr.io')
    expect(mentionsRegistry(matcher, 'repoURL: ghcr.io/acme')).toBe(true)
    expect(pointsAtChart(matcher, 'oci://ghcr.io/acme/charts/webapp')).toBe(
      true
    )
  })

  test('a chart at the registry root', () => {
    const matcher = matcherFor({ ...CHART, repository: '' })
    expect(matcher.chartPath).toBe('webapp')
    expect(pointsAtChart(matcher, 'oci://ghcr.io/webapp')).toBe(true)
    expect(pointsAtRepository(matcher, 'oci://ghcr.io')).toBe(true)
  })
})

describe('references', () => {
  const matcher = matcherFor(CHART)

  test.each<[string | undefined, boolean, boolean, boolean]>([
    // url, repository (scheme required), repository (scheme optional), chart
    ['oci://ghcr.io/acme/charts', true, true, false],
    ['OCI://GHCR.IO/acme/charts//', true, true, false],
    [' oci://ghcr.io/acme/charts ', true, true, false],
    ['ghcr.io/acme/charts', false, true, false],
    ['https://ghcr.io/acme/charts', false, false, false],
    ['oci://ghcr.io/Acme/charts', false, false, false],
    ['oci://ghcr.io/acme/charts/webapp', false, false, true],
    ['ghcr.io/acme/charts/webapp', false, false, false],
    ['oci://ghcr.io.evil/acme/charts', false, false, false],
    ['oci://ghcr.io:443/acme/charts', true, true, false],
    ['ghcr.io:443/acme/charts/', false, true, false],
    ['oci://ghcr.io:443/acme/charts/webapp/', false, false, true],
    ['oci://ghcr.io:4430/acme/charts', false, false, false],
    ['oci://ghcr.io:80/acme/charts', false, false, false],
    [undefined, false, false, false]
  ])('%s', (url, repository, schemeOptional, chart) => {
    expect(pointsAtRepository(matcher, url)).toBe(repository)
    expect(pointsAtRepository(matcher, url, { schemeOptional: true })).toBe(
      schemeOptional
    )
    expect(pointsAtChart(matcher, url)).toBe(chart)
  })

  test('names and mentions', () => {
    expect(namesChart(matcher, 'webapp')).toBe(true)
    expect(namesChart(matcher, 'WebApp')).toBe(false)
    expect(namesChart(matcher, undefined)).toBe(false)
    expect(mentionsRegistry(matcher, 'url: oci://GHCR.IO/x')).toBe(true)
    expect(mentionsRegistry(matcher, 'url: oci://ghcr-io/x')).toBe(false)
  })
})

describe('split paths: the chart name under a url', () => {
  const matcher = matcherFor(CHART)

  test.each<[string | undefined, string | undefined]>([
    ['oci://ghcr.io', 'acme/charts/webapp'],
    ['oci://ghcr.io/', 'acme/charts/webapp'],
    ['oci://ghcr.io:443/acme', 'charts/webapp'],
    ['oci://ghcr.io/acme/charts', 'webapp'],
    ['oci://ghcr.io/acme/charts/webapp', undefined],
    ['oci://ghcr.io/acme/chart', undefined],
    ['oci://ghcr.io/acm', undefined],
    ['oci://ghcr.io//acme', undefined],
    ['oci://quay.io/acme', undefined],
    ['ghcr.io/acme', undefined],
    [undefined, undefined]
  ])('%s: %s', (url, name) => {
    expect(chartNameUnder(matcher, url)).toBe(name)
  })

  test('Argo CD reads the url without a scheme', () => {
    expect(chartNameUnder(matcher, 'ghcr.io/acme')).toBeUndefined()
    expect(
      chartNameUnder(matcher, 'ghcr.io/acme', { schemeOptional: true })
    ).toBe('charts/webapp')
  })

  test.each<[string, string | undefined, boolean]>([
    ['oci://ghcr.io/acme', 'charts/webapp', true],
    ['oci://ghcr.io/acme', 'charts/webapp/', false],
    ['oci://ghcr.io/acme', '/charts/webapp', false],
    ['oci://ghcr.io/acme', 'charts/webapp2', false],
    ['oci://ghcr.io/acme', 'chart/swebapp', false],
    ['oci://ghcr.io/acme', undefined, false]
  ])('joinsToChart(%s, %s) is %s', (url, name, joins) => {
    expect(joinsToChart(matcher, url, name)).toBe(joins)
  })
})
