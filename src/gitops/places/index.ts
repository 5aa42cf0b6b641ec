// From the pins a GitOps bump moved to the places the chart is rendered at:
// for each pin, how its consumer runs Helm, read from the manifest that holds
// the pin by the tool that found it (the tools are given: gitops/tools gives
// all of them). Pure: the step passes the repository's texts and a safe file
// reader. The places, in render's words, go to the preview (render/).
import type {
  PlaceChange,
  ReadRepoFile,
  RenderPlace
} from '../../render/place.js'
import type { PinKind } from '../scan/types.js'
import {
  skippedPlace,
  type BumpedPin,
  type PinPlace,
  type PlaceContext,
  type PlaceTool
} from './context.js'
import { RepositoryDocuments } from './documents.js'

/**
 * Places built, and so rendered, per run at most; past it they are listed,
 * skipped. The preview's time budget (render/budget.ts) bounds their renders
 * together, and the body's fit (fit.ts) what of them the pull request shows.
 */
export const MAX_PLACES = 100

export interface RenderPlacesOptions {
  /** The GitOps repository's files, by path, as scanned for pins. */
  texts: ReadonlyMap<string, string>
  /** Reads any file of the clone (values files); refuses symlinks. */
  readRepoFile: ReadRepoFile
  /** The regular files directly in a folder of the clone; none when not given. */
  listRepoFolder?: (folder: string) => string[]
  /** `oci://<registry>/<repository>/<name>` of the chart released. */
  chartRef: string
  /**
   * The GitOps repository's URLs (`https://github.com/acme/gitops`, with or
   * without `.git`): an Argo CD `ref` source naming one is read from the clone.
   */
  repositoryUrls: readonly string[]
}

/** A bumped pin and the versions it moves between: `PinChange` has these fields. */
export interface MovedPin extends BumpedPin {
  from: string
  to: string
}

/**
 * What the preview renders for a pull request: each pin's places with the
 * pin's versions, in the pins' order.
 */
export function placeChanges(
  tools: readonly PlaceTool[],
  pins: readonly MovedPin[],
  options: RenderPlacesOptions
): PlaceChange[] {
  const byPin = placesByPin(tools, pins, options)
  return pins.flatMap((pin, index) =>
    byPin[index].map(place => ({
      place,
      versions: { old: pin.from, new: pin.to }
    }))
  )
}

/** One place per bumped pin (several for an OCIRepository or an ApplicationSet). */
export function renderPlaces(
  tools: readonly PlaceTool[],
  pins: readonly BumpedPin[],
  options: RenderPlacesOptions
): RenderPlace[] {
  return placesByPin(tools, pins, options).flat()
}

/**
 * The places of each pin, in the pins' order: one parse of each file serves
 * every pin (a caller that needs each pin's own versions zips them).
 */
export function placesByPin(
  tools: readonly PlaceTool[],
  pins: readonly BumpedPin[],
  options: RenderPlacesOptions
): RenderPlace[][] {
  const toolOf = toolsByKind(tools)
  const context: PlaceContext = {
    documents: new RepositoryDocuments(options.texts),
    readRepoFile: options.readRepoFile,
    listRepoFolder: options.listRepoFolder ?? (() => []),
    chartRef: options.chartRef,
    repositoryUrls: options.repositoryUrls
  }
  let count = 0
  return pins.map(pin => {
    const places =
      count >= MAX_PLACES
        ? [tooMany(pin, context.chartRef)]
        : placesOfPin(toolOf(pin.kind), pin, context)
    count += places.length
    return places
  })
}

/** The tool that found each kind of pin; a kind no tool owns is a bug. */
function toolsByKind(
  tools: readonly PlaceTool[]
): (kind: PinKind) => PlaceTool {
  const byKind = new Map(
    tools.flatMap(tool => tool.kinds.map(kind => [kind, tool] as const))
  )
  return kind => {
    const tool = byKind.get(kind)
    if (!tool) throw new Error(`no GitOps tool renders a pin of kind ${kind}`)
    return tool
  }
}

function placesOfPin(
  tool: PlaceTool,
  pin: BumpedPin,
  context: PlaceContext
): RenderPlace[] {
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
  return tool.places(pin, manifest, at, context)
}

function tooMany(pin: BumpedPin, chartRef: string): RenderPlace {
  return skippedPlace(
    pin,
    `${pin.file} (${pin.path})`,
    chartRef,
    `not rendered: more than ${MAX_PLACES} places in one pull request`
  )
}
