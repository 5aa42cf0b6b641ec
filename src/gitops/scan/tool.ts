// What a GitOps tool offers the scan (gitops/tools/<tool>/pins.ts), and what
// it is given. As in Renovate's managers, a tool names the kind of file it
// reads and the words such a file must contain before it is parsed for that
// tool: most files of a GitOps repository fail that cheap test. The scan
// knows no tool by name: it is handed the list (gitops/tools/index.ts).
import type { MapCursor } from '../../yaml/cursor.js'
import type { Findings } from './findings.js'
import type { ChartMatcher } from './match.js'
import type { SourceReader, SourceTable } from './sources.js'

/** A Chart.yaml, a kustomization, or any other YAML file (manifests). */
export type FileRole = 'chart' | 'kustomization' | 'manifests'

/** The top-level `apiVersion` and `kind` of a document, read once. */
export interface ResourceHeader {
  readonly apiVersion: string | undefined
  readonly kind: string | undefined
}

/** The scan of one file, as a tool sees it. */
export interface DocumentScan {
  readonly matcher: ChartMatcher
  readonly findings: Findings
  /** What the tools' source readers found: this file's first, then the repository's. */
  readonly sources: SourceTable
}

/** How a tool pins a chart: the files it reads, and the pins it finds in them. */
export interface PinTool {
  /** The kind of file that holds its pins. */
  readonly role: FileRole
  /** A file holding none of these words holds no pin for this tool. */
  readonly markers: readonly string[]
  /** The resources its pins may name in other files, read by a first pass. */
  readonly sources?: SourceReader<unknown>
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
