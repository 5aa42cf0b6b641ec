// What the bump did to each environment's effective version: moved (from →
// to, and the file and line that set it), or not, with why. A move is
// claimed only where the bump changed the very bytes that set the
// environment's version. Pure.
import type { PinChange, PinCurrent, PinSkip } from '../../../edit.js'
import type { EnvironmentPin } from './plan.js'
import { VERSION_PATHS } from './resource.js'
import type { PinKind } from '../../../scan/types.js'
import type { PlainMap } from '../../../places/plain.js'

/** One environment's HelmRelease or Application of the chart after the bump. */
export interface EnvironmentChange {
  environment: string
  resource: string
  /** The kind of pin and the path of its version, when a resource holds it. */
  kind?: PinKind
  path?: string
  /** The file and line that set its effective version, when one does. */
  file?: string
  line?: number
  /** The effective version before the bump, when one is set. */
  from?: string
  /** Set only when the bump moved it. */
  to?: string
  /** Why it did not move. */
  why?: string
  /** The resource as the environment applies it, for the preview. */
  effective?: PlainMap
}

/** The outcome of the bump, as `bumpRepository` gathers it. */
export interface BumpOutcome {
  changes: readonly PinChange[]
  current: readonly PinCurrent[]
  skipped: readonly PinSkip[]
}

const at = (file: string, line: number): string => `${file}\0${line}`

/** Each environment's change; `edited` holds the files the bump may edit (gitops-paths). */
export function environmentChanges(
  pins: readonly EnvironmentPin[],
  bump: BumpOutcome,
  edited: ReadonlySet<string>
): EnvironmentChange[] {
  const ofVersion = <T extends { file: string; line: number; path: string }>(
    list: readonly T[]
  ): Map<string, T> =>
    new Map(
      list
        .filter(item => VERSION_PATHS.has(item.path))
        .map(item => [at(item.file, item.line), item])
    )
  const changes = ofVersion(bump.changes)
  const current = ofVersion(bump.current)
  const skipped = ofVersion(bump.skipped)
  return pins.map(pin => {
    const row: EnvironmentChange = {
      environment: pin.environment,
      resource: pin.resource,
      kind: pin.kind,
      path: pin.path,
      effective: pin.effective
    }
    const version = pin.version
    if (version) {
      row.file = version.file
      row.line = version.line
      row.from = version.value
    }
    if (pin.otherChart) return { ...row, why: pin.otherChart }
    if (!version)
      return {
        ...row,
        why: `no version is set, in ${pin.definedIn.file} or in a patch; set ${pin.path} to an exact version`
      }
    if (!version.span)
      return { ...row, why: 'it is set in an inline patch; edit it by hand' }
    if (!edited.has(version.file))
      return { ...row, why: `${version.file} is outside gitops-paths` }
    const k = at(version.file, version.line)
    const change = changes.get(k)
    if (change) return { ...row, to: change.to }
    const same = current.get(k)
    if (same) return { ...row, why: `already ${same.value}` }
    const skip = skipped.get(k)
    return { ...row, why: skip ? skip.reason : 'left alone' }
  })
}

/** The log's line for one environment: `Environment: apps/staging: HelmRelease podinfo 1.0.0 -> 1.1.0 (file line 9).` */
export function environmentLine(row: EnvironmentChange): string {
  const where = row.file ? ` (${row.file} line ${row.line})` : ''
  const what =
    row.to !== undefined
      ? `${row.from} -> ${row.to}`
      : `${row.from ?? 'no version'}, not moved: ${row.why}`
  return `Environment ${row.environment}: ${row.resource} ${what}${where}.`
}
