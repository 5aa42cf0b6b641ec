// Argo CD: an Application's `spec.source` and `spec.sources`, and an
// ApplicationSet's `spec.template.spec`. A source pins the chart with
// `targetRevision`, Helm-style (Argo CD pulls `oci://<repoURL>/<chart>`, so
// the chart's path may be split anywhere between the two) or natively
// (`repoURL` is the chart's own OCI URL, no `chart`).
import { joinsToChart, pointsAtChart, type ChartMatcher } from './match.js'
import { apiGroup, type DocumentScan, type PinTool } from './tool.js'
import type { PinKind } from './types.js'
import type { MapCursor } from '../../yaml/cursor.js'

export const argoCd: PinTool = {
  markers: ['argoproj.io'],
  scan(scan, root, { apiVersion, kind }) {
    if (apiGroup(apiVersion) !== 'argoproj.io') return
    const spec = root.child('spec')
    if (!spec) return
    if (kind === 'Application') scanSources(scan, spec, 'argocd-application')
    if (kind !== 'ApplicationSet') return
    // templatePatch is a Go-template string: its text is not a pin.
    const templateSpec = spec.child('template')?.child('spec')
    if (templateSpec) scanSources(scan, templateSpec, 'argocd-applicationset')
  }
}

function scanSources(scan: DocumentScan, spec: MapCursor, kind: PinKind): void {
  const single = spec.child('source')
  if (single) scanSource(scan, single, kind)
  for (const source of spec.children('sources')) scanSource(scan, source, kind)
}

function scanSource(
  scan: DocumentScan,
  source: MapCursor,
  kind: PinKind
): void {
  const reference = referenceOf(scan.matcher, source)
  if (!reference) return
  const native = reference === 'native'
  const pinKind = native && kind === 'argocd-application' ? 'argocd-oci' : kind
  if (source.has('ref')) {
    scan.findings.addPin(source, 'targetRevision', pinKind, {
      blocked:
        'the source has `ref:`, so other sources read files from it; it is left alone'
    })
    return
  }
  // Argo CD documents a native OCI source's targetRevision as a tag or a
  // digest, and resolves it with ORAS, which reads `1.2.3@sha256:…` as the
  // digest; a Helm-style source's goes to Helm as `--version`: no digest.
  const detail = native ? { note: 'native OCI source', digestSuffix: true } : {}
  scan.findings.addPin(source, 'targetRevision', pinKind, detail)
}

/** How the source refers to the chart, if it does. */
function referenceOf(
  matcher: ChartMatcher,
  source: MapCursor
): 'helm-style' | 'native' | undefined {
  const repoURL = source.string('repoURL')
  const chart = source.string('chart')
  // Argo CD reads a Helm repository without the oci:// scheme as OCI too.
  const helmStyle = joinsToChart(matcher, repoURL, chart, {
    schemeOptional: true
  })
  const native = !source.has('chart') && pointsAtChart(matcher, repoURL)
  if (native) return 'native'
  return helmStyle ? 'helm-style' : undefined
}
