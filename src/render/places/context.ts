// What building a render place needs, and the two shapes every tool's place
// starts from: one to render, one skipped with the reason.
import type { ReadRepoFile, RenderPlace } from '../place.js'
import type { RepositoryDocuments } from './documents.js'

export interface PlaceContext {
  readonly documents: RepositoryDocuments
  readonly readRepoFile: ReadRepoFile
  /** `oci://<registry>/<repository>/<name>` of the chart released. */
  readonly chartRef: string
  /** The GitOps repository's URLs, as an Argo CD `ref` source may name it. */
  readonly repositoryUrls: readonly string[]
}

/** Where the bumped version is written. */
export interface PinPlace {
  readonly file: string
  readonly line: number
}

/** A place with nothing set yet: Helm's defaults. */
export function emptyPlace(
  at: PinPlace,
  title: string,
  chartRef: string,
  releaseName: string
): RenderPlace {
  return {
    file: at.file,
    line: at.line,
    title,
    chartRef,
    releaseName,
    valueFiles: [],
    setValues: [],
    includeCrds: true,
    apiVersions: [],
    notes: []
  }
}

export function skippedPlace(
  at: PinPlace,
  title: string,
  chartRef: string,
  reason: string
): RenderPlace {
  return { ...emptyPlace(at, title, chartRef, ''), skipped: reason }
}
