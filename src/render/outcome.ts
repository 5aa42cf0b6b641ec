// What one place's render came to, old vs new: the input of the report.
import { diffResources, type ResourceDiff } from './diff.js'
import type { RenderResult } from './render.js'
import type { RenderPlace } from './types.js'

export type PlaceOutcome =
  | { status: 'skipped'; place: RenderPlace; reason: string }
  | {
      status: 'failed'
      place: RenderPlace
      /** Which side did not render: the new version is the one to warn about. */
      side: 'old' | 'new'
      version: string
      error: string
      valuesFile?: string
    }
  | {
      status: 'rendered'
      place: RenderPlace
      diff: ResourceDiff
      /** Resources rendered twice (`Kind ns/name`), at either version. */
      duplicates: string[]
    }

/** Compares two renders; a failure of the new version wins over one of the old. */
export function compareRenders(
  place: RenderPlace,
  versions: { old: string; new: string },
  before: RenderResult,
  after: RenderResult
): PlaceOutcome {
  if ('error' in after) return failed(place, 'new', versions.new, after)
  if ('error' in before) return failed(place, 'old', versions.old, before)
  const duplicates = [...new Set([...before.duplicates, ...after.duplicates])]
  const diff = diffResources(before.resources, after.resources)
  return { status: 'rendered', place, diff, duplicates }
}

function failed(
  place: RenderPlace,
  side: 'old' | 'new',
  version: string,
  result: { error: string; valuesFile?: string }
): PlaceOutcome {
  return { status: 'failed', place, side, version, ...result }
}
