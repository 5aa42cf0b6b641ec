// What each tool's extractor (argocd.ts, flux.ts, kustomize.ts, helm.ts)
// offers the scan, and what it is given. As in Renovate's managers, a tool
// names the words a file must contain before it is parsed for that tool:
// most files of a GitOps repository fail that cheap test.
import type { Findings } from './findings.js'
import type { ChartMatcher } from './match.js'
import type { HelmRepositorySource } from './types.js'
import type { MapCursor } from '../../yaml/cursor.js'

/** The top-level `apiVersion` and `kind` of a document, read once. */
export interface ResourceHeader {
  readonly apiVersion: string | undefined
  readonly kind: string | undefined
}

/** The scan of one file, as a tool sees it. */
export interface DocumentScan {
  readonly matcher: ChartMatcher
  readonly findings: Findings
  /** HelmRepositories of this file first, then those of the first pass. */
  readonly repositories: readonly HelmRepositorySource[]
}

export interface PinTool {
  /** A file holding none of these words holds no pin for this tool. */
  readonly markers: readonly string[]
  /** Records the pins of the chart in one document (`root` is its mapping). */
  scan(scan: DocumentScan, root: MapCursor, header: ResourceHeader): void
}

/**
 * The API group of an `apiVersion` such as `argoproj.io/v1alpha1`; without a
 * `/` (`v1`) it is Kubernetes' core group, ''.
 */
export function apiGroup(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined) return undefined
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? '' : apiVersion.slice(0, slash)
}
