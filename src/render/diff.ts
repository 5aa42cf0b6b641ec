// Old vs new resources of one place: what was added, removed and changed,
// with the manifest of each resource added or removed (a reviewer opens it
// to see what it creates) and the diff of each changed one. What is kept of
// them is bounded per resource and per place, whatever the chart renders: a
// 24 MB render must not become a 50 MB diff held in memory, of which the
// pull request shows 60 KB and the job summary 1 MB. The diffs are kept
// first; the manifests from what room is left.
import { resourceKey } from './manifests.js'
import { redactOne, redactPair } from './redact.js'
import type { Resource } from './manifests.js'
import { DEFAULT_DIFF_LIMITS, unifiedDiff } from './unified-diff.js'

/** Characters of one resource's diff kept (a pull request body holds 65,536). */
export const MAX_RESOURCE_DIFF_CHARS = 50_000
/** Characters of all the diffs of one place kept. */
export const MAX_PLACE_DIFF_CHARS = 400_000
/** Characters of one added or removed resource's manifest kept. */
export const MAX_MANIFEST_CHARS = 20_000

export interface ResourceId {
  kind: string
  namespace: string
  name: string
  /** The `helm.sh/hook` annotation of a Helm hook, shown with its name. */
  hook?: string
}

export interface ChangedResource extends ResourceId {
  /** `@@` hunks with 3 lines of context; Secret values already redacted; cut past the bounds. */
  diff: string
  /** The diff was too large to compute line by line: every line shows as replaced. */
  replacedWhole: boolean
  /** Lines of the diff not kept in `diff` (all of them when `diff` is empty). */
  omittedLines: number
}

/** A resource on one side only: its manifest, as it would be applied or deleted. */
export interface ShownResource extends ResourceId {
  /** Its YAML, Secret values redacted (redact.ts), cut at a line past the bounds. */
  manifest: string
  /** Lines of the manifest not kept in `manifest` (all of them when it is empty). */
  omittedLines: number
}

export interface ResourceDiff {
  added: ShownResource[]
  removed: ShownResource[]
  changed: ChangedResource[]
}

/**
 * Added, removed and changed resources, each list ordered by kind,
 * namespace, name; each diff kept up to MAX_RESOURCE_DIFF_CHARS, all of them
 * up to `maxPlaceChars`, in the order Helm rendered them.
 */
export function diffResources(
  oldResources: readonly Resource[],
  newResources: readonly Resource[],
  maxPlaceChars = MAX_PLACE_DIFF_CHARS
): ResourceDiff {
  const oldByKey = new Map(oldResources.map(r => [resourceKey(r), r]))
  const newByKey = new Map(newResources.map(r => [resourceKey(r), r]))
  const added = newResources.filter(r => !oldByKey.has(resourceKey(r)))
  const removed = oldResources.filter(r => !newByKey.has(resourceKey(r)))
  const changed: ChangedResource[] = []
  let room = maxPlaceChars
  for (const after of newResources) {
    const before = oldByKey.get(resourceKey(after))
    if (!before || before.text === after.text) continue
    const texts = comparableTexts(before, after)
    const maxChars = Math.min(MAX_RESOURCE_DIFF_CHARS, room)
    const diff = unifiedDiff(texts.oldText, texts.newText, 3, {
      ...DEFAULT_DIFF_LIMITS,
      maxChars
    })
    // A Secret whose only change was reformatting may compare equal once redacted.
    if (diff.text || diff.omittedLines) {
      const { text, replacedWhole, omittedLines } = diff
      changed.push({ ...idOf(after), diff: text, replacedWhole, omittedLines })
      room -= text.length
    }
  }
  const kept = { chars: room }
  return {
    changed: changed.sort(byId),
    added: shown(added, 'added', kept),
    removed: shown(removed, 'removed', kept)
  }
}

/**
 * The resources of one side in kind, namespace, name order, each with its
 * manifest while `kept.chars` lasts: redacted before it is cut, so that a
 * cut never leaves a Secret unreadable to the redaction.
 */
function shown(
  resources: readonly Resource[],
  side: 'added' | 'removed',
  kept: { chars: number }
): ShownResource[] {
  return [...resources].sort(byId).map(resource => {
    const room = Math.min(MAX_MANIFEST_CHARS, kept.chars)
    if (room <= 0)
      return {
        ...idOf(resource),
        manifest: '',
        omittedLines: lineCount(resource.text)
      }
    const whole = redactOne(resource.text, side)
    const manifest = cutAtLine(whole, room)
    kept.chars -= manifest.length
    const omittedLines = lineCount(whole) - lineCount(manifest)
    return { ...idOf(resource), manifest, omittedLines }
  })
}

/** The first lines of `text` within `max` characters (none when the first is longer). */
export function cutAtLine(text: string, max: number): string {
  if (text.length <= max) return text
  const end = text.lastIndexOf('\n', max - 1)
  return end < 0 ? '' : text.slice(0, end + 1)
}

/** Lines of a text, the last one counted without its line break. */
function lineCount(text: string): number {
  if (text === '') return 0
  const breaks = text.split('\n').length - 1
  return text.endsWith('\n') ? breaks : breaks + 1
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
    name: resource.name,
    ...(resource.hook === undefined ? {} : { hook: resource.hook })
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
