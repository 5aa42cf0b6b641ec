// Flux: an OCIRepository pins the chart's own OCI URL with `spec.ref`; a
// HelmRelease pins `spec.chart.spec.version` of a chart served by a
// HelmRepository (type oci), which may be defined in another file. That is
// why Flux gives the scan a source reader: its first pass collects those
// HelmRepositories. Flux pulls `<url>/<chart>`, so the chart's path may be
// split between the two.
import type { MapCursor } from '../../../yaml/cursor.js'
import {
  chartNameUnder,
  pointsAtChart,
  type ChartMatcher
} from '../../scan/match.js'
import type { SourceReader } from '../../scan/sources.js'
import { apiGroup, type DocumentScan, type PinTool } from '../../scan/tool.js'

/** The pins Flux holds, by what holds them. */
export const FLUX_KINDS = {
  ociRepository: 'flux-ocirepository',
  helmRelease: 'flux-helmrelease'
} as const

/** A Flux HelmRepository whose `oci://` url holds the chart's path. */
export interface HelmRepositorySource {
  file: string
  line: number
  name: string
  namespace?: string
  /** The `chart` a HelmRelease names to mean the chart (`charts/web` under `oci://ghcr.io/acme`). */
  chart: string
  /**
   * Set when the repository is not `type: oci`: Flux then serves it as an
   * HTTP Helm repository, so its HelmReleases are not OCI pins.
   */
  servedOverHttp?: true
}

/** A HelmRelease may find the registry in another file's HelmRepository. */
const HELM_RELEASE_MARKER = 'HelmRelease'

/** The HelmRepositories of the repository, read by the scan's first pass. */
export const helmRepositories: SourceReader<HelmRepositorySource> = {
  // A file holding no HelmRepository is not parsed by the first pass.
  markers: ['HelmRepository'],
  namedBy: [HELM_RELEASE_MARKER],
  read: readHelmRepository
}

export const flux: PinTool = {
  role: 'manifests',
  markers: ['OCIRepository', HELM_RELEASE_MARKER],
  sources: helmRepositories,
  scan(scan, root, { apiVersion, kind }) {
    const group = apiGroup(apiVersion)
    if (group === 'source.toolkit.fluxcd.io' && kind === 'OCIRepository') {
      scanOciRepository(scan, root)
    } else if (group === 'helm.toolkit.fluxcd.io' && kind === 'HelmRelease') {
      scanHelmRelease(scan, root)
    }
  }
}

/**
 * The HelmRepository a document defines, if its `oci://` url holds the
 * chart's path. One without `type: oci` is kept too, marked, so that its
 * HelmReleases can be reported instead of silently missed.
 */
export function readHelmRepository(
  matcher: ChartMatcher,
  root: MapCursor
): HelmRepositorySource | undefined {
  if (root.string('kind') !== 'HelmRepository') return undefined
  const apiVersion = root.string('apiVersion') ?? ''
  if (!apiVersion.startsWith('source.toolkit.fluxcd.io/')) return undefined
  const spec = root.child('spec')
  const metadata = root.child('metadata')
  const name = metadata?.string('name')
  if (!spec || !name) return undefined
  const chart = chartNameUnder(matcher, spec.string('url'))
  if (chart === undefined) return undefined
  const namespace = metadata?.string('namespace')
  return {
    file: root.document.file,
    line: root.line,
    name,
    ...(namespace === undefined ? {} : { namespace }),
    chart,
    ...(spec.string('type') === 'oci' ? {} : { servedOverHttp: true })
  }
}

function scanOciRepository(scan: DocumentScan, root: MapCursor): void {
  const spec = root.child('spec')
  if (!spec || !pointsAtChart(scan.matcher, spec.string('url'))) return
  const ref = spec.child('ref')
  if (!ref) {
    scan.findings.addProblem(spec, missingRefMessage(spec))
    return
  }
  // Flux's precedence: digest, then semver, then tag.
  if (ref.has('digest')) {
    scanDigestRef(scan, ref)
  } else if (ref.has('semver')) {
    scan.findings.addPin(ref, 'semver', FLUX_KINDS.ociRepository, {
      blocked: 'Flux resolves spec.ref.semver itself'
    })
  } else {
    // `tag: 1.2.3@sha256:…` is Flux's older way of writing tag and digest
    // (not pulled by the digest since Flux 2.2); it is kept in its form.
    scan.findings.addPin(ref, 'tag', FLUX_KINDS.ociRepository, {
      digestSuffix: true
    })
  }
}

/**
 * `spec.ref.digest` wins in Flux: with a `tag` beside it (and no semver),
 * the tag says which version the digest is, so both move together.
 */
function scanDigestRef(scan: DocumentScan, ref: MapCursor): void {
  if (ref.has('tag') && !ref.has('semver')) {
    scan.findings.addPin(ref, 'tag', FLUX_KINDS.ociRepository, {
      digestKey: 'digest'
    })
    return
  }
  const blocked = ref.has('semver')
    ? 'Flux pins spec.ref.digest, which wins over spec.ref.semver; it is left alone'
    : 'Flux pins spec.ref.digest with no spec.ref.tag, so no version says which release it is; add spec.ref.tag to have releases move both'
  scan.findings.addPin(ref, 'digest', FLUX_KINDS.ociRepository, { blocked })
}

function scanHelmRelease(scan: DocumentScan, root: MapCursor): void {
  const chartSpec = root.child('spec')?.child('chart')?.child('spec')
  const sourceRef = chartSpec?.child('sourceRef')
  if (!chartSpec || !sourceRef) return
  if (sourceRef.string('kind') !== 'HelmRepository') return
  const metadata = root.child('metadata')
  const repository = findRepository(scan.sources.of(helmRepositories), {
    name: sourceRef.string('name'),
    namespace: sourceRef.string('namespace') ?? metadata?.string('namespace'),
    chart: chartSpec.string('chart')
  })
  if (!repository) return
  const where =
    repository.file === root.document.file
      ? `line ${repository.line}`
      : `${repository.file}:${repository.line}`
  if (repository.servedOverHttp) {
    scan.findings.addProblem(
      chartSpec,
      servedOverHttpMessage(repository, where)
    )
    return
  }
  scan.findings.addPin(chartSpec, 'version', FLUX_KINDS.helmRelease, {
    note: `HelmRepository ${repository.name} (${where})`
  })
}

/** What a HelmRelease's `sourceRef` and `chart` ask for. */
export interface ReleaseSource {
  name: string | undefined
  namespace: string | undefined
  chart: string | undefined
}

/** The HelmRepository of the chart that a HelmRelease names, if one serves it (also used by Kustomize builds). */
export function findRepository(
  repositories: readonly HelmRepositorySource[],
  { name, namespace, chart }: ReleaseSource
): HelmRepositorySource | undefined {
  // An unset namespace is filled in at apply time (kustomize, flux
  // targetNamespace), so it matches any namespace.
  return repositories.find(
    repository =>
      repository.name === name &&
      repository.chart === chart &&
      (!repository.namespace ||
        !namespace ||
        repository.namespace === namespace)
  )
}

/** `ref: "not-a-map"` is there, but not as Flux can read it. */
function missingRefMessage(spec: MapCursor): string {
  const found = spec.field('ref')
  const span = found && spec.document.spanOf(found.value)
  // `ref:`, `ref: ~` and `ref: null` are as good as unset.
  const unset = !found || (span?.quote === 'plain' && span.current === '')
  return unset
    ? 'spec.ref is not set, so Flux follows the `latest` tag; set spec.ref.tag to pin it.'
    : 'spec.ref is not a mapping (Flux reads `tag`, `semver` or `digest` under it), so there is no version to bump; set spec.ref.tag to pin it.'
}

function servedOverHttpMessage(
  repository: HelmRepositorySource,
  where: string
): string {
  return (
    `HelmRepository ${repository.name} (${where}) has an oci:// url but not \`type: oci\`, ` +
    'so Flux serves it as an HTTP Helm repository and this HelmRelease is not an OCI pin of the chart; ' +
    'it is left alone: add `type: oci` to the HelmRepository to have releases bump it.'
  )
}
