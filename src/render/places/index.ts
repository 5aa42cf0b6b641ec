// From the pins a GitOps bump moved to the places the chart is rendered at:
// for each pin, how its consumer (Argo CD, Flux, Kustomize, an umbrella
// chart) runs Helm, read from the manifest that holds the pin. Pure: the
// step passes the repository's texts and a safe file reader.
import type { PinKind } from '../../gitops/pins/types.js'
import type { ReadRepoFile, RenderPlace } from '../place.js'
import { applicationPlace } from './argocd.js'
import { applicationSetPlaces } from './applicationset.js'
import { skippedPlace, type PinPlace, type PlaceContext } from './context.js'
import {
  RepositoryDocuments,
  templatedNote,
  type ManifestDocument
} from './documents.js'
import { helmReleasePlace, ociRepositoryPlaces } from './flux.js'
import { kustomizePlace } from './kustomize.js'
import { mapAt, parentPath, stringAt } from './plain.js'
import { umbrellaPlace } from './umbrella.js'

/** Places built per run at most; past it they are listed, skipped. */
export const MAX_PLACES = 100

/** A bumped pin: `PinChange` (gitops/edit.ts) has these fields. */
export interface BumpedPin {
  file: string
  /** 1-based line of the version. */
  line: number
  /** YAML path of the version, e.g. `spec.sources[1].targetRevision`. */
  path: string
  kind: PinKind
}

export interface RenderPlacesOptions {
  /** The GitOps repository's files, by path, as scanned for pins. */
  texts: ReadonlyMap<string, string>
  /** Reads any file of the clone (values files); refuses symlinks. */
  readRepoFile: ReadRepoFile
  /** `oci://<registry>/<repository>/<name>` of the chart released. */
  chartRef: string
  /**
   * The GitOps repository's URLs (`https://github.com/acme/gitops`, with or
   * without `.git`): an Argo CD `ref` source naming one is read from the clone.
   */
  repositoryUrls: readonly string[]
}

/** One place per bumped pin (several for an OCIRepository or an ApplicationSet). */
export function renderPlaces(
  pins: readonly BumpedPin[],
  options: RenderPlacesOptions
): RenderPlace[] {
  return placesByPin(pins, options).flat()
}

/**
 * The places of each pin, in the pins' order: one parse of each file serves
 * every pin (a caller that needs each pin's own versions zips them).
 */
export function placesByPin(
  pins: readonly BumpedPin[],
  options: RenderPlacesOptions
): RenderPlace[][] {
  const context: PlaceContext = {
    documents: new RepositoryDocuments(options.texts),
    readRepoFile: options.readRepoFile,
    chartRef: options.chartRef,
    repositoryUrls: options.repositoryUrls
  }
  let count = 0
  return pins.map(pin => {
    const places =
      count >= MAX_PLACES
        ? [tooMany(pin, context.chartRef)]
        : placesOfPin(pin, context)
    count += places.length
    return places
  })
}

function placesOfPin(pin: BumpedPin, context: PlaceContext): RenderPlace[] {
  const at: PinPlace = { file: pin.file, line: pin.line }
  const manifest = context.documents.at(pin.file, pin.line)
  if ('unreadable' in manifest)
    return [
      skippedPlace(
        at,
        `${pin.file} (${pin.path})`,
        context.chartRef,
        `not rendered: ${manifest.unreadable}`
      )
    ]
  return placesOfManifest(pin, manifest, at, context)
}

function placesOfManifest(
  pin: BumpedPin,
  manifest: ManifestDocument,
  at: PinPlace,
  context: PlaceContext
): RenderPlace[] {
  switch (pin.kind) {
    case 'argocd-application':
    case 'argocd-oci':
      return [
        withTemplatedNote(argoApplication(pin, manifest, at, context), manifest)
      ]
    case 'argocd-applicationset':
      return applicationSet(pin, manifest, at, context)
    case 'flux-helmrelease':
      return [helmReleasePlace(manifest, at, context)]
    case 'flux-ocirepository':
      return ociRepositoryPlaces(manifest, at, context)
    case 'kustomize-helmchart':
      return [kustomizePlace(manifest, pin.path, at, context)]
    case 'helm-dependency':
      return [umbrellaPlace(manifest, pin.path, at, context)]
  }
}

function argoApplication(
  pin: BumpedPin,
  manifest: ManifestDocument,
  at: PinPlace,
  context: PlaceContext
): RenderPlace {
  const sourcePath = parentPath(pin.path)
  const name = stringAt(mapAt(manifest.value, 'metadata'), 'name') ?? ''
  const title = `Application ${name} (${sourcePath})`
  return applicationPlace(manifest.value, sourcePath, at, title, context)
}

function applicationSet(
  pin: BumpedPin,
  manifest: ManifestDocument,
  at: PinPlace,
  context: PlaceContext
): RenderPlace[] {
  const asWritten = context.documents.asWritten(manifest)
  if ('unreadable' in asWritten)
    return [
      skippedPlace(
        at,
        `ApplicationSet (${parentPath(pin.path)})`,
        context.chartRef,
        `not rendered: ${asWritten.unreadable}`
      )
    ]
  return applicationSetPlaces(
    asWritten.value,
    parentPath(pin.path),
    at,
    context
  )
}

function withTemplatedNote(
  place: RenderPlace,
  manifest: ManifestDocument
): RenderPlace {
  place.notes.push(...templatedNote(manifest))
  return place
}

function tooMany(pin: BumpedPin, chartRef: string): RenderPlace {
  return skippedPlace(
    pin,
    `${pin.file} (${pin.path})`,
    chartRef,
    `not rendered: more than ${MAX_PLACES} places in one pull request`
  )
}
