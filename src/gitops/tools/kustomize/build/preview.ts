// The preview of an overlay layout: one place per environment whose
// effective version moved, rendered from the HelmRelease or Application as
// that environment applies it (base and patches merged: values, release name, namespace…),
// instead of one place per edited file (a patch alone holds only part of
// the values; a base alone, none of the environment's). Each environment is
// handed to the preview as a file of its own, written from the merged
// resource, that no commit holds, and rendered by its tool's places (Flux's
// or Argo CD's) as a resource of the repository would be. Pure.
import { stringify } from 'yaml'
import type { PinChange } from '../../../edit.js'
import type { EnvironmentChange } from './report.js'

/** What the preview is handed: the changes to render and the texts they are read from. */
export interface PreviewInput {
  changes: PinChange[]
  texts: Map<string, string>
}

/** The name the preview shows for an environment's build (never a file of the repository). */
export function buildName(row: EnvironmentChange): string {
  return `${row.environment} (Kustomize build: ${row.resource})`
}

/**
 * The changes with each moved environment as its own place; the edits that
 * moved them (patch or base) are not rendered alone.
 */
export function environmentPreview(
  changes: readonly PinChange[],
  environments: readonly EnvironmentChange[],
  texts: ReadonlyMap<string, string>
): PreviewInput {
  const moved = environments.filter(
    row =>
      row.to !== undefined &&
      row.effective &&
      row.file !== undefined &&
      row.kind !== undefined &&
      row.path !== undefined
  )
  const writers = new Set(
    moved.map(row => `${row.file}\0${row.line}\0${row.path}`)
  )
  const result: PreviewInput = {
    changes: changes.filter(
      change => !writers.has(`${change.file}\0${change.line}\0${change.path}`)
    ),
    texts: new Map(texts)
  }
  for (const row of moved) {
    const file = buildName(row)
    result.texts.set(file, stringify(row.effective))
    result.changes.push({
      file,
      line: 1,
      path: row.path ?? '',
      kind: row.kind ?? '',
      from: row.from ?? '',
      to: row.to ?? ''
    })
  }
  return result
}
