// What building a render place needs, what a tool is asked for (the places
// of one of its pins), and the two shapes every tool's place starts from:
// one to render, one skipped with the reason. Places are described in
// render's words (render/place.ts: types only).
import type { ReadRepoFile, RenderPlace } from '../../render/place.js'
import type { PinKind } from '../scan/types.js'
import type { ManifestDocument, RepositoryDocuments } from './documents.js'

/** A bumped pin: `PinChange` (gitops/edit.ts) has these fields. */
export interface BumpedPin {
  file: string
  /** 1-based line of the version. */
  line: number
  /** YAML path of the version, e.g. `spec.sources[1].targetRevision`. */
  path: string
  kind: PinKind
  /** The versions it moves between, when known (the preview knows them). */
  from?: string
  to?: string
}

/** How a tool renders the chart at its pins, as the places see it. */
export interface PlaceTool {
  /** The pin kinds it finds (`flux-helmrelease`): each pin goes to its tool. */
  readonly kinds: readonly PinKind[]
  /** The places of one pin, read from the manifest document that holds it. */
  places(
    pin: BumpedPin,
    manifest: ManifestDocument,
    at: PinPlace,
    context: PlaceContext
  ): RenderPlace[]
}

export interface PlaceContext {
  readonly documents: RepositoryDocuments
  readonly readRepoFile: ReadRepoFile
  /** The regular files directly in a folder of the GitOps repository (no symlink). */
  readonly listRepoFolder: (folder: string) => readonly string[]
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
