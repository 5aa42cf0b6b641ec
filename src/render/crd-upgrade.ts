// The CRDs of a chart's `crds/` folder after an upgrade that applies them
// by a policy, Flux's `upgrade.crds` (helm-controller internal/action
// crds.go `applyCRDs`): Skip applies none, Create creates the new ones and
// leaves existing ones as they are, CreateReplace creates and replaces; no
// policy deletes one. Helm's own upgrade never touches that folder. The new
// render's `crds/` resources are replaced by what the cluster holds after
// the upgrade, so that the diff shows only what is applied, and a note says
// what the chart changes that is not. Pure: no I/O.
import { describeResource, resourceKey, type Resource } from './manifests.js'
import type { RenderResult } from './outcome.js'
import type { CrdUpgradePolicy } from './place.js'

/** Notes name this many CRDs at most. */
const MAX_NAMED = 5

/** `after` with its `crds/` resources as the upgrade leaves them. */
export function crdsAfterUpgrade(
  policy: CrdUpgradePolicy | undefined,
  before: RenderResult,
  after: RenderResult
): RenderResult {
  if (!policy || 'error' in before || 'error' in after) return after
  const old = before.resources.filter(isFromCrdsFolder)
  const chart = after.resources.filter(isFromCrdsFolder)
  const oldKeys = new Map(old.map(r => [resourceKey(r), r]))
  const newKeys = new Set(chart.map(resourceKey))
  const created = chart.filter(r => !oldKeys.has(resourceKey(r)))
  const kept = old.filter(r => !newKeys.has(resourceKey(r)))
  const applied =
    policy === 'Skip'
      ? old
      : policy === 'Create'
        ? [...old, ...created]
        : [...chart, ...kept]
  const notes = [...(after.notes ?? [])]
  const left = notApplied(policy, chart, oldKeys)
  if (left.length > 0) notes.push(leftNote(policy, left))
  if (policy !== 'Skip' && kept.length > 0)
    notes.push(
      `${named(kept)}: gone from the chart's crds/ folder, not deleted on upgrade (spec.upgrade.crds: ${policy})`
    )
  const others = after.resources.filter(r => !isFromCrdsFolder(r))
  return { ...after, resources: [...applied, ...others], notes }
}

function isFromCrdsFolder(resource: Resource): boolean {
  return resource.crdsFolder === true
}

/** The chart's CRDs the policy does not apply: new or changed ones. */
function notApplied(
  policy: CrdUpgradePolicy,
  chart: readonly Resource[],
  old: ReadonlyMap<string, Resource>
): Resource[] {
  if (policy === 'CreateReplace') return []
  return chart.filter(resource => {
    const before = old.get(resourceKey(resource))
    if (!before) return policy === 'Skip'
    return before.text !== resource.text
  })
}

function leftNote(policy: CrdUpgradePolicy, left: Resource[]): string {
  const what =
    policy === 'Skip'
      ? 'Flux applies no CRD of the crds/ folder on upgrade'
      : 'Flux creates new CRDs of the crds/ folder on upgrade but does not update existing ones'
  return `${named(left)}: changed or added by the chart, not applied and not shown: ${what} (spec.upgrade.crds: ${policy})`
}

function named(resources: readonly Resource[]): string {
  const names = resources.slice(0, MAX_NAMED).map(r => describeResource(r))
  const more = resources.length - names.length
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ')
}
