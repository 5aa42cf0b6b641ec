// What one render of a place came to, and what the two renders of a place
// (old vs new) came to together: the input of the report.
import { diffResources, type ResourceDiff } from './diff.js'
import type { Resource } from './manifests.js'
import type { RenderPlace } from './place.js'

/** `helm template` of a place at one version did not give resources. */
export interface RenderFailure {
  error: string
  /** The values file (its `ValuesFile.name`) that the error is about. */
  valuesFile?: string
  /** Set when Helm was not run (or was stopped) for a reason of the preview's: the place is not rendered. */
  skip?: string
  /** The registry answered that it has no such version (404): nothing was pulled. */
  notInRegistry?: boolean
  notes?: string[]
}

/** One render of a place: its resources, or why there are none. */
export type RenderResult =
  | { resources: Resource[]; duplicates: string[]; notes?: string[] }
  | RenderFailure

/** Which versions of a place do not render. */
export type FailedSide = 'old' | 'new' | 'both'

/** One version's failure to render, as the report shows it. */
export interface VersionFailure {
  version: string
  error: string
  valuesFile?: string
}

export type PlaceOutcome =
  | { status: 'skipped'; place: RenderPlace; reason: string }
  | {
      status: 'failed'
      place: RenderPlace
      /** Which versions did not render: the new version is the one to warn about. */
      side: FailedSide
      /** The new version when it failed (`new`, `both`), else the old one: `error` is its. */
      version: string
      error: string
      valuesFile?: string
      /** With `both`: the old version's failure (the fields above are the new one's). */
      old?: VersionFailure
    }
  | {
      status: 'rendered'
      place: RenderPlace
      diff: ResourceDiff
      /** Resources rendered twice (`Kind ns/name`), at either version. */
      duplicates: string[]
      /** The values the place sets that the new version no longer reads (unread-values.ts). */
      unread?: UnreadValues
      /**
       * The old version is not in the registry (deleted, or pinned from
       * another registry): every resource of the new one is shown as added.
       */
      oldNotInRegistry?: { old: string; new: string; chartRef: string }
    }

/**
 * Compares two renders. A failure says which versions fail: the new one's
 * error first, the old one's with it when both fail. An old version the
 * registry does not have is no failure: the new one's resources are added.
 */
export function compareRenders(
  place: RenderPlace,
  versions: { old: string; new: string },
  before: RenderResult,
  after: RenderResult
): PlaceOutcome {
  if ('error' in after && 'error' in before)
    return {
      ...failed(place, 'both', versions.new, after),
      old: versionFailure(versions.old, before)
    }
  if ('error' in after) return failed(place, 'new', versions.new, after)
  if ('error' in before && before.notInRegistry)
    return {
      status: 'rendered',
      place,
      diff: diffResources([], after.resources),
      duplicates: after.duplicates,
      oldNotInRegistry: { ...versions, chartRef: place.chartRef }
    }
  if ('error' in before) return failed(place, 'old', versions.old, before)
  const duplicates = [...new Set([...before.duplicates, ...after.duplicates])]
  const diff = diffResources(before.resources, after.resources)
  return { status: 'rendered', place, diff, duplicates }
}

function failed(
  place: RenderPlace,
  side: FailedSide,
  version: string,
  result: RenderFailure
): Extract<PlaceOutcome, { status: 'failed' }> {
  return { status: 'failed', place, side, ...versionFailure(version, result) }
}

/** What the report shows of a failure (not why Helm was not run, nor notes). */
function versionFailure(
  version: string,
  result: RenderFailure
): VersionFailure {
  const { error, valuesFile } = result
  return valuesFile === undefined
    ? { version, error }
    : { version, error, valuesFile }
}

/** A key the place sets that a version does not read. */
export interface UnreadKey {
  /** `image.tag`, or the `--set` path. */
  path: string
  /** Where the place sets it: a values file's name, or `--set`. */
  from: string
}

/** What the "values that no longer apply" check found for one place (render/unread-values.ts). */
export interface UnreadValues {
  /** The versions compared. */
  versions: { old: string; new: string }
  /** Read by the old version, not by the new one. */
  noLongerRead: UnreadKey[]
  /** Read by neither version, and declared by neither. */
  neverRead: UnreadKey[]
  /** What was not checked, and why: said with the lists. */
  cuts: string[]
  /** Renders spent, for the benchmark and the tests. */
  renders: number
}
