// Argo CD: an Application's `spec.source` and `spec.sources`, and an
// ApplicationSet's `spec.template.spec`. A source pins the chart with
// `targetRevision`, Helm-style (Argo CD pulls `oci://<repoURL>/<chart>`, so
// the chart's path may be split anywhere between the two) or natively
// (`repoURL` is the chart's own OCI URL, no `chart`).
import type { MapCursor } from '../../../yaml/cursor.js'
import {
  joinsToChart,
  pointsAtChart,
  type ChartMatcher
} from '../../scan/match.js'
import { apiGroup, type DocumentScan, type PinTool } from '../../scan/tool.js'

/** The pins Argo CD holds, by what holds them. */
export const ARGOCD_KINDS = {
  /** An Application's Helm-style source. */
  application: 'argocd-application',
  /** An ApplicationSet's template's source. */
  applicationSet: 'argocd-applicationset',
  /** An Application's native OCI source (`repoURL` is the chart). */
  oci: 'argocd-oci'
} as const

type ArgoKind = (typeof ARGOCD_KINDS)[keyof typeof ARGOCD_KINDS]

export const argoCd: PinTool = {
  role: 'manifests',
  markers: ['argoproj.io'],
  scan(scan, root, { apiVersion, kind }) {
    if (apiGroup(apiVersion) !== 'argoproj.io') return
    const spec = root.child('spec')
    if (!spec) return
    if (kind === 'Application')
      scanSources(scan, spec, ARGOCD_KINDS.application)
    if (kind !== 'ApplicationSet') return
    // templatePatch is a Go-template string: its text is not a pin.
    const templateSpec = spec.child('template')?.child('spec')
    if (templateSpec)
      scanSources(scan, templateSpec, ARGOCD_KINDS.applicationSet)
  }
}

function scanSources(
  scan: DocumentScan,
  spec: MapCursor,
  kind: ArgoKind
): void {
  const single = spec.child('source')
  if (single) scanSource(scan, single, kind)
  for (const source of spec.children('sources')) scanSource(scan, source, kind)
}

function scanSource(
  scan: DocumentScan,
  source: MapCursor,
  kind: ArgoKind
): void {
  const reference = referenceOf(scan.matcher, source)
  if (!reference) return
  const native = reference === 'native'
  const pinKind =
    native && kind === ARGOCD_KINDS.application ? ARGOCD_KINDS.oci : kind
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
): SourceReference | undefined {
  return sourceReference(
    matcher,
    source.string('repoURL'),
    source.string('chart'),
    source.has('chart')
  )
}

/** How an Argo CD source names a chart: `repoURL` + `chart`, or `repoURL` alone. */
export type SourceReference = 'helm-style' | 'native'

/**
 * How a source with these `repoURL` and `chart` refers to the chart, if it
 * does (`hasChart`: the source has a `chart` key at all). The scan and the
 * Kustomize overlays (a patched Application) decide it here alike.
 */
export function sourceReference(
  matcher: ChartMatcher,
  repoURL: string | undefined,
  chart: string | undefined,
  hasChart: boolean
): SourceReference | undefined {
  // Argo CD reads a Helm repository without the oci:// scheme as OCI too.
  const helmStyle = joinsToChart(matcher, repoURL, chart, {
    schemeOptional: true
  })
  const native = !hasChart && pointsAtChart(matcher, repoURL)
  if (native) return 'native'
  return helmStyle ? 'helm-style' : undefined
}
