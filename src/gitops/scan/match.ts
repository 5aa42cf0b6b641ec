// Does a reference name our chart? The chart lives at
// `oci://<registry>/<repository>/<name>`, and tools point at it in one of two
// ways: Helm-style, a repository URL plus a chart name (Argo CD `chart:`,
// Flux HelmRepository, Kustomize helmCharts, Chart.yaml dependencies), or
// natively, the chart's own OCI URL (Argo CD without `chart:`, Flux
// OCIRepository). The tools pull `oci://<url>/<chart name>`, so the chart's
// path may be split anywhere between the two (`oci://ghcr.io/acme` +
// `charts/web`): Argo CD, Flux and Kustomize references match on the joined
// path.
import type { ChartRef } from './types.js'

/** The chart's coordinates, normalised once for all the files of a run. */
export interface ChartMatcher {
  readonly chart: ChartRef
  /** host[:port], lowercased, without trailing slashes or the port 443. */
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
  const host = normalHost(chart.registry.trim().replace(/\/+$/, ''))
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

/**
 * The chart name a tool must be given with `url` to pull the chart: the rest
 * of the chart's path below `url` (`charts/web` under `oci://ghcr.io/acme`),
 * or undefined when `url` is not a whole-segment prefix of it. Argo CD alone
 * also reads `url` without the scheme (`schemeOptional`).
 */
export function chartNameUnder(
  matcher: ChartMatcher,
  url: string | undefined,
  { schemeOptional = false } = {}
): string | undefined {
  if (url === undefined) return undefined
  const location = ociLocation(url, !schemeOptional)
  if (location?.host !== matcher.host) return undefined
  if (location.path === '') return matcher.chartPath
  const prefix = `${location.path}/`
  return matcher.chartPath.startsWith(prefix)
    ? matcher.chartPath.slice(prefix.length)
    : undefined
}

/** `<url>/<name>` is the chart, wherever its path is split between the two. */
export function joinsToChart(
  matcher: ChartMatcher,
  url: string | undefined,
  name: string | undefined,
  options: { schemeOptional?: boolean } = {}
): boolean {
  return name !== undefined && chartNameUnder(matcher, url, options) === name
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
  if (slash < 0) return { host: normalHost(rest), path: '' }
  return {
    host: normalHost(rest.slice(0, slash)),
    path: rest.slice(slash + 1)
  }
}

/**
 * host[:port] as compared: lowercased, and without `:443`, the https default
 * port every tool here pulls from, so `ghcr.io:443` is `ghcr.io`.
 */
function normalHost(host: string): string {
  const lower = host.toLowerCase()
  return lower.endsWith(':443') ? lower.slice(0, -':443'.length) : lower
}
