// A patch applied to the followed fields of the resources it targets, with
// the semantics that decide them. Strategic merge
// (api/filters/patchstrategicmerge/patchstrategicmerge.go, `Filter.Filter`,
// over kyaml's walker): mappings merge key by key, a key set to null is
// deleted, `$patch: delete` deletes the mapping (the whole resource at its
// root), `$patch: replace` replaces it with the patch's. JSON 6902
// (api/filters/patchjson6902/patchjson6902.go, `Filter.run`, RFC 6902):
// `add` and `replace` set a value (a mapping replaces all under it),
// `remove` deletes it; `move` and `copy` on a followed field are said, not
// followed. An Application's `spec.sources` (several sources) is not
// followed: a patch of it is said. Pure.
import { isScalar } from 'yaml'
import type { MapCursor, YamlDocument } from '../../../../yaml/cursor.js'
import type { PatchEntry } from './kustomization.js'
import {
  TRACKED_PATHS,
  isApplication,
  plainOf,
  resourceName,
  writtenAt,
  writtenFields,
  type BuiltResource,
  type InlinePlace,
  type TrackedPath
} from './resource.js'
import { resourceById, selectTargets } from './select.js'
import { jsonPatch, strategicMerge, type PlainOp } from './merge.js'
import { isPlainMap, type PlainMap } from '../../../places/plain.js'

/** A patch's documents, read from its file or inline text. */
export interface LoadedPatch {
  entry: PatchEntry
  /** The kustomization, to name an inline patch. */
  kustomization: string
  documents: YamlDocument[]
}

/** The resources after the patch, and what could not be followed. */
export interface PatchOutcome {
  resources: BuiltResource[]
  notes: string[]
}

/** Applies one patch entry to the resources (copies changed; deleted ones gone). */
export function applyPatch(
  resources: readonly BuiltResource[],
  patch: LoadedPatch
): PatchOutcome {
  const first = patch.documents[0]?.root()
  const ops = patch.documents[0] && jsonOps(patch.documents[0])
  if (patch.entry.field === 'patchesJson6902' || (!first && ops)) {
    return applyJson(resources, patch, ops ?? [])
  }
  let current = [...resources]
  const notes: string[] = []
  for (const document of patch.documents) {
    const root = document.root()
    if (!root) continue
    const targets = patch.entry.target
      ? selectTargets(current, patch.entry.target)
      : resourceById(current, idOf(root))
    if (typeof targets === 'string') {
      notes.push(`${where(patch)}: its target is not followed: ${targets}`)
      continue
    }
    if (root.child('spec')?.has('sources'))
      notes.push(...multiSource(targets, patch))
    current = current.flatMap(resource =>
      targets.includes(resource) ? merged(resource, root, patch) : [resource]
    )
  }
  return { resources: current, notes }
}

/**
 * What a patch of `spec.sources` leaves unknown: the list has no merge key
 * (a custom resource's list is replaced whole, or patched by index), and the
 * version each source of an environment installs is not followed.
 */
function multiSource(
  targets: readonly BuiltResource[],
  patch: LoadedPatch
): string[] {
  return targets
    .filter(target => isApplication(target.apiVersion, target.kind))
    .map(
      target =>
        `${where(patch)}: it patches spec.sources of ${resourceName(target)}; an Application with several sources is not followed through overlays, so only the versions written in its own file are bumped: check each environment's by hand`
    )
}

function where(patch: LoadedPatch): string {
  return `${patch.kustomization} line ${patch.entry.line}`
}

function idOf(root: MapCursor): {
  apiVersion: string
  kind: string
  name: string
  namespace: string
} {
  const metadata = root.child('metadata')
  return {
    apiVersion: root.string('apiVersion') ?? '',
    kind: root.string('kind') ?? '',
    name: metadata?.string('name') ?? '',
    namespace: metadata?.string('namespace') ?? ''
  }
}

function inlineIn(patch: LoadedPatch): InlinePlace | undefined {
  return patch.entry.source.from === 'inline'
    ? { file: patch.kustomization, line: patch.entry.line }
    : undefined
}

/** The resource with a strategic-merge patch applied; [] when it deletes it. */
function merged(
  resource: BuiltResource,
  patch: MapCursor,
  loaded: LoadedPatch
): BuiltResource[] {
  if (directive(patch) === 'delete') return []
  const value = mergedValue(resource, plainOf(patch))
  const fields = { ...resource.fields }
  const written = writtenFields(patch, inlineIn(loaded))
  for (const path of TRACKED_PATHS) {
    const keys = path.split('.')
    const cleared = clearedBy(patch, keys)
    if (cleared) delete fields[path]
    if (written[path]) fields[path] = written[path]
    else if (setsNull(patch, keys)) delete fields[path]
  }
  return [{ ...resource, fields, value }]
}

/** The plain resource merged with a patch; its name and namespace kept. */
function mergedValue(resource: BuiltResource, patch: PlainMap): PlainMap {
  const merged = strategicMerge(resource.value, patch) ?? {}
  const metadata = isPlainMap(resource.value.metadata)
    ? resource.value.metadata
    : {}
  return {
    ...merged,
    metadata: {
      ...(isPlainMap(merged.metadata) ? merged.metadata : {}),
      name: metadata.name,
      ...(metadata.namespace === undefined
        ? {}
        : { namespace: metadata.namespace })
    }
  }
}

function directive(map: MapCursor): string | undefined {
  return map.string('$patch')
}

/** A mapping on the way to `keys` says `$patch: replace` or `delete`. */
function clearedBy(patch: MapCursor, keys: readonly string[]): boolean {
  let at: MapCursor | undefined = patch
  for (const key of keys.slice(0, -1)) {
    at = at?.child(key)
    if (!at) return false
    const found = directive(at)
    if (found === 'replace' || found === 'delete') return true
  }
  return false
}

/** `version: null` (or `~`, or nothing) deletes the field in a strategic merge. */
function setsNull(patch: MapCursor, keys: readonly string[]): boolean {
  let at: MapCursor | undefined = patch
  for (const key of keys.slice(0, -1)) at = at?.child(key)
  const field = at?.field(keys[keys.length - 1])
  if (!at || !field) return false
  const node = at.document.deref(field.value)
  return node === null || (isScalar(node) && node.value === null)
}

/** One JSON 6902 operation: where it is, in the patch's document. */
interface JsonOp {
  op: string
  path: string
  map: MapCursor
}

/** The operations of a JSON 6902 patch (a list of mappings), or undefined. */
function jsonOps(document: YamlDocument): JsonOp[] | undefined {
  if (!document.isList()) return undefined
  return document.listItems().flatMap(map => {
    const op = map.string('op')
    const path = map.string('path')
    return op !== undefined && path !== undefined ? [{ op, path, map }] : []
  })
}

function applyJson(
  resources: readonly BuiltResource[],
  patch: LoadedPatch,
  ops: readonly JsonOp[]
): PatchOutcome {
  const notes: string[] = []
  const targets = patch.entry.target
    ? selectTargets(resources, patch.entry.target)
    : []
  if (typeof targets === 'string') {
    notes.push(`${where(patch)}: its target is not followed: ${targets}`)
    return { resources: [...resources], notes }
  }
  if (
    ops.some(
      op => op.path === '/spec/sources' || op.path.startsWith('/spec/sources/')
    )
  )
    notes.push(...multiSource(targets, patch))
  const result = resources.map(resource => {
    if (!targets.includes(resource)) return resource
    const fields = { ...resource.fields }
    for (const op of ops) applyOp(fields, op, patch, notes)
    return {
      ...resource,
      fields,
      value: jsonPatch(resource.value, plainOps(patch))
    }
  })
  return { resources: result, notes }
}

/** The operations of the patch as plain values. */
function plainOps(patch: LoadedPatch): PlainOp[] {
  const list = patch.documents[0]?.plain()
  if (!Array.isArray(list)) return []
  return list.flatMap((op: unknown) =>
    isPlainMap(op) && typeof op.op === 'string' && typeof op.path === 'string'
      ? [{ op: op.op, path: op.path, value: op.value }]
      : []
  )
}

/** `/spec/chart/spec/version` as the followed field's dotted path. */
function dotted(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map(part => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.')
}

function applyOp(
  fields: Partial<Record<TrackedPath, Written>>,
  { op, path, map }: JsonOp,
  patch: LoadedPatch,
  notes: string[]
): void {
  const at = dotted(path)
  const under = TRACKED_PATHS.filter(
    tracked => tracked === at || tracked.startsWith(`${at}.`)
  )
  if (under.length === 0) return
  if (op === 'move' || op === 'copy') {
    notes.push(
      `${where(patch)}: a JSON patch '${op}' of ${path} is not followed; the version it leaves is not known here`
    )
    for (const tracked of under) delete fields[tracked]
    return
  }
  if (op !== 'add' && op !== 'replace' && op !== 'remove') return
  for (const tracked of under) delete fields[tracked]
  if (op === 'remove') return
  const inline = inlineIn(patch)
  for (const tracked of under) {
    const rest = tracked.slice(at.length).split('.').filter(Boolean)
    const written = writtenAt(map, ['value', ...rest], inline)
    if (written) fields[tracked] = written
  }
}

type Written = NonNullable<BuiltResource['fields'][TrackedPath]>
