// Flux: an OCIRepository pins the chart's own OCI URL with `spec.ref`; a
// HelmRelease pins `spec.chart.spec.version` of a chart served by a
// HelmRepository (type oci), which may be defined in another file. That is
// why the scan has a first pass: it collects those HelmRepositories.
import {
  namesChart,
  pointsAtChart,
  pointsAtRepository,
  type ChartMatcher
} from './match.js'
import { apiGroup, type DocumentScan, type PinTool } from './tool.js'
import type { HelmRepositorySource } from './types.js'
import type { MapCursor } from './yaml-cursor.js'

/** A file holding no HelmRepository is not parsed by the first pass. */
export const HELM_REPOSITORY_MARKER = 'HelmRepository'

/** A HelmRelease may find the registry in another file's HelmRepository. */
export const HELM_RELEASE_MARKER = 'HelmRelease'

export const flux: PinTool = {
  markers: ['OCIRepository', HELM_RELEASE_MARKER],
  scan(scan, root, { apiVersion, kind }) {
    const group = apiGroup(apiVersion)
    if (group === 'source.toolkit.fluxcd.io' && kind === 'OCIRepository') {
      scanOciRepository(scan, root)
    } else if (group === 'helm.toolkit.fluxcd.io' && kind === 'HelmRelease') {
      scanHelmRelease(scan, root)
    }
  }
}

/** The HelmRepository a document defines, if it serves the chart's repository. */
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
  if (!spec || !name || spec.string('type') !== 'oci') return undefined
  if (!pointsAtRepository(matcher, spec.string('url'))) return undefined
  const namespace = metadata?.string('namespace')
  return {
    file: root.document.file,
    line: root.line,
    name,
    ...(namespace === undefined ? {} : { namespace })
  }
}

function scanOciRepository(scan: DocumentScan, root: MapCursor): void {
  const spec = root.child('spec')
  if (!spec || !pointsAtChart(scan.matcher, spec.string('url'))) return
  const ref = spec.child('ref')
  if (!ref) {
    scan.findings.addProblem(
      spec,
      'spec.ref is not set, so Flux follows the `latest` tag; set spec.ref.tag to pin it.'
    )
    return
  }
  // Flux's precedence: digest, then semver, then tag.
  if (ref.has('digest')) {
    scanDigestRef(scan, ref)
  } else if (ref.has('semver')) {
    scan.findings.addPin(ref, 'semver', 'flux-ocirepository', {
      blocked: 'Flux resolves spec.ref.semver itself'
    })
  } else {
    // `tag: 1.2.3@sha256:…` is Flux's older way of writing tag and digest
    // (not pulled by the digest since Flux 2.2); it is kept in its form.
    scan.findings.addPin(ref, 'tag', 'flux-ocirepository', {
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
    scan.findings.addPin(ref, 'tag', 'flux-ocirepository', {
      digestKey: 'digest'
    })
    return
  }
  const blocked = ref.has('semver')
    ? 'Flux pins spec.ref.digest, which wins over spec.ref.semver; it is left alone'
    : 'Flux pins spec.ref.digest with no spec.ref.tag, so no version says which release it is; add spec.ref.tag to have releases move both'
  scan.findings.addPin(ref, 'digest', 'flux-ocirepository', { blocked })
}

function scanHelmRelease(scan: DocumentScan, root: MapCursor): void {
  const chartSpec = root.child('spec')?.child('chart')?.child('spec')
  const sourceRef = chartSpec?.child('sourceRef')
  if (!chartSpec || !sourceRef) return
  if (!namesChart(scan.matcher, chartSpec.string('chart'))) return
  if (sourceRef.string('kind') !== 'HelmRepository') return
  const metadata = root.child('metadata')
  const namespace =
    sourceRef.string('namespace') ?? metadata?.string('namespace')
  const name = sourceRef.string('name')
  const repository = findRepository(scan.repositories, name, namespace)
  if (!repository) return
  const where =
    repository.file === root.document.file
      ? `line ${repository.line}`
      : `${repository.file}:${repository.line}`
  scan.findings.addPin(chartSpec, 'version', 'flux-helmrelease', {
    note: `HelmRepository ${repository.name} (${where})`
  })
}

function findRepository(
  repositories: readonly HelmRepositorySource[],
  name: string | undefined,
  namespace: string | undefined
): HelmRepositorySource | undefined {
  // An unset namespace is filled in at apply time (kustomize, flux
  // targetNamespace), so it matches any namespace.
  return repositories.find(
    repository =>
      repository.name === name &&
      (!repository.namespace ||
        !namespace ||
        repository.namespace === namespace)
  )
}
