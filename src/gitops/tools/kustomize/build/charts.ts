// Each environment's `helmCharts` entries of the chart: Kustomize inflates
// the entries of every kustomization a build includes (the generators of a
// base run when the base is built as a resource:
// api/internal/target/kusttarget.go, `KustTarget.accumulateTarget` calls
// `runGenerators`, and `accumulateDirectory` runs it for each folder
// included), and no patch reaches an entry's `version` (patches
// apply to resources, not to a generator's arguments). So the kustomization
// files a root's build includes hold its effective versions, as they are
// written. A move is claimed only where the bump changed those bytes. Pure.
import type { PinChange, PinCurrent, PinSkip } from '../../../edit.js'
import { KUSTOMIZE_KIND } from '../pins.js'
import type { BumpOutcome, EnvironmentChange } from './report.js'
import type { BuildRoot } from './tree.js'

type Located = EnvironmentChange & { file: string; line: number }

/** The pins of files outside gitops-paths, found only to name them. */
export type OutsidePins = readonly PinCurrent[]

/** How the Environments table names a `helmCharts` entry. */
export function entryName(path: string): string {
  return `helmCharts entry ${path.replace(/\.version$/, '')}`
}

/**
 * One row per `helmCharts` pin of the chart in each root's build; `outside`
 * holds those of kustomizations outside gitops-paths (never edited).
 */
export function helmChartEnvironments(
  roots: readonly BuildRoot[],
  bump: BumpOutcome,
  outside: OutsidePins
): EnvironmentChange[] {
  const rows: EnvironmentChange[] = []
  for (const { root, kustomizations } of roots) {
    const files = new Set(kustomizations)
    const ours = <T extends PinCurrent | PinChange>(list: readonly T[]): T[] =>
      list.filter(pin => pin.kind === KUSTOMIZE_KIND && files.has(pin.file))
    const environment = root || '.'
    const rowOf = (pin: PinCurrent | PinChange, from: string) => ({
      environment,
      resource: entryName(pin.path),
      file: pin.file,
      line: pin.line,
      from
    })
    const found: Located[] = [
      ...ours(bump.changes).map(pin => ({
        ...rowOf(pin, pin.from),
        to: pin.to
      })),
      ...ours(bump.current).map(pin => ({
        ...rowOf(pin, pin.value),
        why: `already ${pin.value}`
      })),
      ...ours<PinSkip>(bump.skipped).map(pin => ({
        ...rowOf(pin, pin.value),
        why: pin.reason
      })),
      ...ours(outside).map(pin => ({
        ...rowOf(pin, pin.value),
        why: `${pin.file} is outside gitops-paths`
      }))
    ]
    found.sort((a, b) =>
      a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1
    )
    rows.push(...found)
  }
  return rows
}
