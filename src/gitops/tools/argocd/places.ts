// Argo CD: the places of a pin. An Application's source is rendered as the
// Application says (application.ts); an ApplicationSet's template is read
// as written, its `{{ }}` being its own placeholders rather than Helm's, and
// becomes one Application per element of its list generators
// (applicationset.ts). Argo CD applies no Helm test hook (see ARGOCD_HOOKS).
import type { HookFilter, RenderPlace } from '../../../render/place.js'
import {
  skippedPlace,
  type BumpedPin,
  type PinPlace,
  type PlaceContext,
  type PlaceTool
} from '../../places/context.js'
import { templatedNote, type ManifestDocument } from '../../places/documents.js'
import { mapAt, parentPath, stringAt } from '../../places/plain.js'
import { applicationPlace } from './application.js'
import { applicationSetPlaces } from './applicationset.js'
import { ARGOCD_KINDS } from './pins.js'
import type { PinVersions } from './versions.js'

/**
 * Argo CD maps `helm.sh/hook` onto its sync hooks for pre-/post-install and
 * -upgrade only; a resource with the annotation is a hook all the same, so a
 * test hook has no phase and is never applied (gitops-engine/pkg/sync/hook/
 * hook.go IsHook and Types, hook/helm/type.go; docs/user-guide/helm.md,
 * "Helm Hooks": test-success and test-failure "Not supported").
 */
const ARGOCD_HOOKS: HookFilter = {
  which: 'tests',
  why: 'Argo CD does not run them'
}

export const argoCdPlaces: PlaceTool = {
  kinds: Object.values(ARGOCD_KINDS),
  places: (pin, manifest, at, context) =>
    (pin.kind === ARGOCD_KINDS.applicationSet
      ? applicationSet(pin, manifest, at, context)
      : [
          withTemplatedNote(
            argoApplication(pin, manifest, at, context),
            manifest
          )
        ]
    ).map(place => ({ ...place, hooks: ARGOCD_HOOKS }))
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
  return applicationPlace(
    manifest.value,
    sourcePath,
    at,
    title,
    context,
    pinVersions(pin)
  )
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
    context,
    pinVersions(pin)
  )
}

/** The pin's versions, when the caller knows them (the preview does). */
function pinVersions(pin: BumpedPin): PinVersions | undefined {
  return pin.from !== undefined && pin.to !== undefined
    ? { from: pin.from, to: pin.to }
    : undefined
}

function withTemplatedNote(
  place: RenderPlace,
  manifest: ManifestDocument
): RenderPlace {
  place.notes.push(...templatedNote(manifest))
  return place
}
