// Old vs new resources of one place: what was added, removed and changed.
import { resourceKey } from './manifests.js'
import { redactPair } from './redact.js'
import type { Resource } from './types.js'
import { unifiedDiff } from './unified-diff.js'

export interface ResourceId {
  kind: string
  namespace: string
  name: string
}

export interface ChangedResource extends ResourceId {
  /** `@@` hunks with 3 lines of context; Secret values already redacted. */
  diff: string
  /** The diff was too large to compute line by line: every line shows as replaced. */
  replacedWhole: boolean
}

export interface ResourceDiff {
  added: ResourceId[]
  removed: ResourceId[]
  changed: ChangedResource[]
}

/** Added, removed and changed resources, each list ordered by kind, namespace, name. */
export function diffResources(
  oldResources: readonly Resource[],
  newResources: readonly Resource[]
): ResourceDiff {
  const oldByKey = new Map(oldResources.map(r => [resourceKey(r), r]))
  const newByKey = new Map(newResources.map(r => [resourceKey(r), r]))
  const added = newResources.filter(r => !oldByKey.has(resourceKey(r)))
  const removed = oldResources.filter(r => !newByKey.has(resourceKey(r)))
  const changed: ChangedResource[] = []
  for (const after of newResources) {
    const before = oldByKey.get(resourceKey(after))
    if (!before || before.text === after.text) continue
    const texts = comparableTexts(before, after)
    const diff = unifiedDiff(texts.oldText, texts.newText)
    // A Secret whose only change was reformatting may compare equal once redacted.
    if (diff.text) {
      const { text, replacedWhole } = diff
      changed.push({ ...idOf(after), diff: text, replacedWhole })
    }
  }
  return {
    added: added.map(idOf).sort(byId),
    removed: removed.map(idOf).sort(byId),
    changed: changed.sort(byId)
  }
}

/** True when nothing was added, removed or changed. */
export function isUnchanged(diff: ResourceDiff): boolean {
  return (
    diff.added.length === 0 &&
    diff.removed.length === 0 &&
    diff.changed.length === 0
  )
}

/** Both texts with every Secret in them redacted, whatever the resource was named (redact.ts). */
function comparableTexts(
  before: Resource,
  after: Resource
): { oldText: string; newText: string } {
  return redactPair(before.text, after.text)
}

function idOf(resource: ResourceId): ResourceId {
  return {
    kind: resource.kind,
    namespace: resource.namespace,
    name: resource.name
  }
}

/** Code-unit order, not locale order: the same on every runner. */
function byId(a: ResourceId, b: ResourceId): number {
  return (
    compare(a.kind, b.kind) ||
    compare(a.namespace, b.namespace) ||
    compare(a.name, b.name)
  )
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
