// The GitOps tools the action knows, and the one file that names them all:
// each tool's folder holds how it pins a chart (pins.ts: the files it reads,
// how a pin is found) and how it renders the chart at a pin (places.ts), with
// a README.md that cites the tool's own source for every rule. The scan and
// the places are shared machinery that know no tool: they are given this
// list here, for the rest of the GitOps code to use.
import type { PlaceChange, RenderPlace } from '../../render/place.js'
import type { BumpedPin, PlaceTool } from '../places/context.js'
import {
  placeChanges as placeChangesWith,
  placesByPin as placesByPinWith,
  renderPlaces as renderPlacesWith,
  type MovedPin,
  type RenderPlacesOptions
} from '../places/index.js'
import {
  collectSources as collectSourcesWith,
  findPins as findPinsWith
} from '../scan/scan.js'
import { mayMatter as mayMatterWith } from '../scan/prefilter.js'
import type { ScanContext } from '../scan/sources.js'
import type { PinTool } from '../scan/tool.js'
import type { ChartRef, ScanResult } from '../scan/types.js'
import { argoCd } from './argocd/pins.js'
import { argoCdPlaces } from './argocd/places.js'
import { flux } from './flux/pins.js'
import { fluxPlaces } from './flux/places.js'
import { helmDependencies } from './helm/pins.js'
import { umbrellaPlaces } from './helm/places.js'
import { kustomize } from './kustomize/pins.js'
import { mayNameRoot } from './kustomize/build/named-roots.js'
import { kustomizePlaces } from './kustomize/places.js'

/** One GitOps tool: how it pins a chart, and how it renders it at a pin. */
export interface GitopsTool {
  /** Its folder under gitops/tools/. */
  readonly name: string
  readonly pins: PinTool
  readonly places: PlaceTool
  /** Its name when it renders with a Helm of its own (said in the preview). */
  readonly ownHelm?: string
}

/** Every tool, in the order the scan asks them about a document. */
export const TOOLS: readonly GitopsTool[] = [
  { name: 'argocd', pins: argoCd, places: argoCdPlaces, ownHelm: 'Argo CD' },
  { name: 'flux', pins: flux, places: fluxPlaces, ownHelm: 'Flux' },
  {
    name: 'kustomize',
    pins: kustomize,
    places: kustomizePlaces,
    ownHelm: 'kustomize'
  },
  { name: 'helm', pins: helmDependencies, places: umbrellaPlaces }
]

/** The tools as the scan takes them. */
export const PIN_TOOLS: readonly PinTool[] = TOOLS.map(tool => tool.pins)

const PLACE_TOOLS: readonly PlaceTool[] = TOOLS.map(withOwnHelm)

/** The tool's places marked with the tool whose Helm renders them. */
function withOwnHelm(tool: GitopsTool): PlaceTool {
  const helmOf = tool.ownHelm
  if (!helmOf) return tool.places
  return {
    kinds: tool.places.kinds,
    places: (...args) =>
      tool.places.places(...args).map(place => ({ ...place, helmOf }))
  }
}

/**
 * The pre-filter of the clone's texts, for every tool (see scan/prefilter.ts):
 * also every text that may name a Kustomize build's root (a Flux
 * Kustomization, an Argo CD Application), which the builds read first.
 */
export function mayMatter(
  chart: ChartRef
): (file: string, text: string) => boolean {
  const mayPin = mayMatterWith(PIN_TOOLS, chart)
  return (file, text) => mayPin(file, text) || mayNameRoot(text)
}

/** The scan's first pass over one file, with every tool (see scan/scan.ts). */
export function collectSources(
  file: string,
  text: string,
  chart: ChartRef,
  context: ScanContext
): void {
  collectSourcesWith(PIN_TOOLS, file, text, chart, context)
}

/** Every pin of `chart` in one file, with every tool (see scan/scan.ts). */
export function findPins(
  file: string,
  text: string,
  chart: ChartRef,
  context?: ScanContext
): ScanResult {
  return findPinsWith(PIN_TOOLS, file, text, chart, context)
}

/** The places of each pin, by the tool that found it (see places/index.ts). */
export function placesByPin(
  pins: readonly BumpedPin[],
  options: RenderPlacesOptions
): RenderPlace[][] {
  return placesByPinWith(PLACE_TOOLS, pins, options)
}

/** All the places of the pins, in their order (see places/index.ts). */
export function renderPlaces(
  pins: readonly BumpedPin[],
  options: RenderPlacesOptions
): RenderPlace[] {
  return renderPlacesWith(PLACE_TOOLS, pins, options)
}

/** What the preview renders for a pull request (see places/index.ts). */
export function placeChanges(
  pins: readonly MovedPin[],
  options: RenderPlacesOptions
): PlaceChange[] {
  return placeChangesWith(PLACE_TOOLS, pins, options)
}
