// Does a reference name our chart? The chart lives at
// `oci://<registry>/<repository>/<name>`, and tools point at it in one of two
// ways: Helm-style, a repository URL plus a chart name (Argo CD `chart:`,
// Flux HelmRepository, Kustomize helmCharts, Chart.yaml dependencies), or
// natively, the chart's own OCI URL (Argo CD without `chart:`, Flux
// OCIRepository).
import type { ChartRef } from './types.js'

/** The chart's coordinates, normalised once for all the files of a run. */
export interface ChartMatcher {
  readonly chart: ChartRef
  /** host[:port], lowercased, without trailing slashes. */
  readonly host: string
  /** The host anywhere in a text, in any case: the cheap test before parsing. */
  readonly hostPattern: RegExp
  /** `<repository>`: where Helm-style references point. */
  readonly repositoryPath: string
  /** `<repository>/<name>`: where native OCI references point. */
  readonly chartPath: string
}

// Every file of a repository is tested against the same chart: build its
// matcher once.
const matchers = new WeakMap<ChartRef, ChartMatcher>()

export function matcherFor(chart: ChartRef): ChartMatcher {
  let matcher = matchers.get(chart)
  if (!matcher) {
    matcher = buildMatcher(chart)
    matchers.set(chart, matcher)
  }
  return matcher
}

function buildMatcher(chart: ChartRef): ChartMatcher {
  const host = chart.registry.trim().replace(/\/+$/, '').toLowerCase()
  const repositoryPath = chart.repository.trim().replace(/^\/+|\/+$/g, '')
  const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return {
    chart,
    host,
    hostPattern: new RegExp(escaped, 'i'),
    repositoryPath,
    chartPath: repositoryPath ? `${repositoryPath}/${chart.name}` : chart.name
  }
}

/** The text names the chart's registry somewhere (it may still pin nothing). */
export function mentionsRegistry(matcher: ChartMatcher, text: string): boolean {
  return matcher.hostPattern.test(text)
}

/** `name` is the chart's name, exactly. */
export function namesChart(
  matcher: ChartMatcher,
  name: string | undefined
): boolean {
  return name === matcher.chart.name
}

/**
 * `url` is the chart's repository, `oci://<registry>/<repository>`. Argo CD
 * alone also reads it without the scheme (`schemeOptional`).
 */
export function pointsAtRepository(
  matcher: ChartMatcher,
  url: string | undefined,
  { schemeOptional = false } = {}
): boolean {
  return pointsAt(matcher, url, matcher.repositoryPath, !schemeOptional)
}

/** `url` is the chart itself, `oci://<registry>/<repository>/<name>`. */
export function pointsAtChart(
  matcher: ChartMatcher,
  url: string | undefined
): boolean {
  return pointsAt(matcher, url, matcher.chartPath, true)
}

function pointsAt(
  matcher: ChartMatcher,
  url: string | undefined,
  path: string,
  requireScheme: boolean
): boolean {
  if (url === undefined) return false
  const location = ociLocation(url, requireScheme)
  return location?.host === matcher.host && location.path === path
}

/** Host (lowercased) and path of an OCI reference; undefined for other schemes. */
function ociLocation(
  url: string,
  requireScheme: boolean
): { host: string; path: string } | undefined {
  let rest = url.trim()
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)
  if (scheme) {
    if (scheme[1].toLowerCase() !== 'oci') return undefined
    rest = rest.slice(scheme[0].length)
  } else if (requireScheme) {
    return undefined
  }
  rest = rest.replace(/\/+$/, '')
  const slash = rest.indexOf('/')
  if (slash < 0) return { host: rest.toLowerCase(), path: '' }
  return {
    host: rest.slice(0, slash).toLowerCase(),
    path: rest.slice(slash + 1)
  }
}
