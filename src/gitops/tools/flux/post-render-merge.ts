// A Kustomize patch applied to one resource of Helm's output, as
// helm-controller's post-renderer has kustomize apply it (kustomize api
// v0.21.1, kyaml v0.21.1, the versions helm-controller v1.6 pins), or why it
// cannot be applied exactly. Strategic merge: kyaml's merge2.Merge
// (kyaml/yaml/merge2/merge2.go) with `ListIncreaseDirection: Prepend`
// (api/filters/patchstrategicmerge/patchstrategicmerge.go `Filter.Filter`);
// without an OpenAPI schema (a custom resource) every list is replaced
// (schema.IsAssociative: no inference), which `strategicMerge` of
// kustomize/build/merge.ts does; a built-in kind's lists merge by their
// `patchMergeKey` (kyaml/yaml/walk/associative_sequence.go
// `walkAssociativeSequence`: the patch's elements first, in its order, each
// merged with the resource's element of the same key, then the resource's
// others), known here for the pod spec's lists only: any other list of a
// built-in kind is refused. JSON 6902 (RFC 6902, evanphx/json-patch as
// api/filters/patchjson6902 runs it): an operation whose path is missing
// fails kustomize's build, so it is refused here. Pure.
import { isPlainMap, type PlainMap } from '../../places/plain.js'
import {
  jsonPatch,
  strategicMerge,
  type PlainOp
} from '../kustomize/build/merge.js'

/** A merged value, `undefined` when the patch deletes it, or a refusal. */
export type Merged = { value: PlainMap | undefined } | { refused: string }

/**
 * Groups whose kinds kyaml has an OpenAPI schema for (Kubernetes' own: no
 * dot, or ending in `.k8s.io`): their lists merge by key.
 */
export function hasBuiltinSchema(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/')
  const group = slash < 0 ? '' : apiVersion.slice(0, slash)
  return !group.includes('.') || group.endsWith('.k8s.io')
}

/** Where a kind holds its pod spec (kyaml's schema: PodSpec). */
const POD_SPEC: ReadonlyMap<string, string> = new Map([
  ['Pod', 'spec'],
  ['PodTemplate', 'template.spec'],
  ['Deployment', 'spec.template.spec'],
  ['StatefulSet', 'spec.template.spec'],
  ['DaemonSet', 'spec.template.spec'],
  ['ReplicaSet', 'spec.template.spec'],
  ['ReplicationController', 'spec.template.spec'],
  ['Job', 'spec.template.spec'],
  ['CronJob', 'spec.jobTemplate.spec.template.spec']
])

/** The pod spec's lists and their `patchMergeKey` (k8s.io/api core/v1 types.go). */
const POD_LISTS: ReadonlyMap<string, string> = new Map([
  ['containers', 'name'],
  ['initContainers', 'name'],
  ['ephemeralContainers', 'name'],
  ['volumes', 'name'],
  ['imagePullSecrets', 'name'],
  ['containers[].env', 'name'],
  ['containers[].volumeMounts', 'mountPath'],
  ['initContainers[].env', 'name'],
  ['initContainers[].volumeMounts', 'mountPath']
])

/** Lists without a merge strategy (atomic): replaced whole. */
const POD_ATOMIC: ReadonlySet<string> = new Set(
  ['containers', 'initContainers'].flatMap(list => [
    `${list}[].args`,
    `${list}[].command`,
    `${list}[].envFrom`
  ])
)

/** `base` with the strategic-merge `patch` applied, as kyaml merges it. */
export function mergeResource(base: PlainMap, patch: PlainMap): Merged {
  const apiVersion = typeof base.apiVersion === 'string' ? base.apiVersion : ''
  if (!hasBuiltinSchema(apiVersion))
    return { value: strategicMerge(base, patch) }
  const kind = typeof base.kind === 'string' ? base.kind : ''
  return mergeMap(base, patch, '', POD_SPEC.get(kind))
}

function mergeMap(
  base: PlainMap,
  patch: PlainMap,
  path: string,
  podSpec: string | undefined
): Merged {
  const directive = patch.$patch
  if (directive === 'delete') return { value: undefined }
  if (directive === 'replace') return { value: strategicMerge({}, patch) }
  if (directive !== undefined)
    return { refused: `$patch: ${String(directive)} is not one kustomize has` }
  const result: PlainMap = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$'))
      return { refused: `the directive ${key} is not applied by this action` }
    const at = path ? `${path}.${key}` : key
    if (value === null) {
      delete result[key]
      continue
    }
    const merged = mergeValue(result[key], value, at, podSpec)
    if ('refused' in merged) return merged
    if (merged.value === undefined) delete result[key]
    else setOwn(result, key, merged.value)
  }
  return { value: result }
}

/** A key named `__proto__` is data, never the prototype. */
function setOwn(map: PlainMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true
  })
}

type MergedValue = { value: unknown } | { refused: string }

function mergeValue(
  current: unknown,
  value: unknown,
  path: string,
  podSpec: string | undefined
): MergedValue {
  if (isPlainMap(value)) {
    if (current !== undefined && current !== null && !isPlainMap(current))
      return { refused: `${path} is not a mapping in the resource` }
    return mergeMap(isPlainMap(current) ? current : {}, value, path, podSpec)
  }
  if (!Array.isArray(value)) {
    if (isPlainMap(current) || Array.isArray(current))
      return { refused: `${path} is not a scalar in the resource` }
    return { value }
  }
  if (current !== undefined && current !== null && !Array.isArray(current))
    return { refused: `${path} is not a list in the resource` }
  const rule = listRule(path, podSpec)
  if (rule === 'atomic') return { value: structuredClone(value) }
  if (rule === undefined)
    return {
      refused: `the list ${path} has a merge strategy this action does not know`
    }
  return mergeList(
    Array.isArray(current) ? current : [],
    value,
    path,
    rule,
    podSpec
  )
}

/** The pod spec list's merge key, `atomic`, or undefined (not known). */
function listRule(
  path: string,
  podSpec: string | undefined
): string | 'atomic' | undefined {
  if (podSpec === undefined || !path.startsWith(`${podSpec}.`)) return undefined
  const inPod = path.slice(podSpec.length + 1)
  if (POD_ATOMIC.has(inPod)) return 'atomic'
  return POD_LISTS.get(inPod)
}

/**
 * kyaml's associative list with Prepend: the patch's elements (merged with
 * the resource's of the same key) in the patch's order, then the rest.
 */
function mergeList(
  base: readonly unknown[],
  patch: readonly unknown[],
  path: string,
  key: string,
  podSpec: string | undefined
): MergedValue {
  const keyOf = (item: unknown): string | undefined =>
    isPlainMap(item) && typeof item[key] === 'string' ? item[key] : undefined
  if (base.some(item => keyOf(item) === undefined))
    return { refused: `an element of ${path} has no ${key}` }
  const result: unknown[] = []
  const done = new Set<string>()
  for (const item of patch) {
    const id = keyOf(item)
    if (id === undefined || !isPlainMap(item) || done.has(id))
      return { refused: `an element of the patch's ${path} has no ${key}` }
    done.add(id)
    const index = base.findIndex(entry => keyOf(entry) === id)
    const current = index < 0 ? {} : base[index]
    const merged = mergeMap(
      isPlainMap(current) ? current : {},
      item,
      `${path}[]`,
      podSpec
    )
    if ('refused' in merged) return merged
    if (merged.value !== undefined) result.push(merged.value)
  }
  for (const item of base) if (!done.has(keyOf(item) ?? '')) result.push(item)
  return { value: result }
}

/** The operations JSON 6902 applies to `base`, each checked to apply. */
export function patchResource(base: PlainMap, ops: readonly PlainOp[]): Merged {
  let current = base
  for (const op of ops) {
    const missing = missingPath(current, op)
    if (missing)
      return {
        refused: `the JSON patch's ${op.op} of ${op.path} does not apply: ${missing}`
      }
    current = jsonPatch(current, [op])
  }
  return { value: current }
}

/** Why evanphx/json-patch would fail the operation, or undefined. */
function missingPath(root: PlainMap, op: PlainOp): string | undefined {
  const keys = op.path
    .split('/')
    .slice(1)
    .map(part => part.replaceAll('~1', '/').replaceAll('~0', '~'))
  if (keys.length === 0) return 'the whole resource is not patched here'
  // Never a way to the prototype: only own fields and list indexes.
  if (keys.includes('__proto__')) return 'a __proto__ field is not patched'
  let parent: unknown = root
  for (const key of keys.slice(0, -1)) {
    parent = Array.isArray(parent)
      ? /^\d+$/.test(key)
        ? (parent[Number(key)] as unknown)
        : undefined
      : isPlainMap(parent) && Object.hasOwn(parent, key)
        ? parent[key]
        : undefined
    if (parent === undefined || parent === null)
      return `the resource has no ${key}`
  }
  const last = keys[keys.length - 1]
  if (Array.isArray(parent)) {
    const end = op.op === 'add' && last === '-'
    const limit = op.op === 'add' ? parent.length : parent.length - 1
    if (!end && (!/^\d+$/.test(last) || Number(last) > limit))
      return `no element ${last} in the list`
    return undefined
  }
  if (!isPlainMap(parent)) return 'its parent is not a mapping or list'
  if (op.op !== 'add' && !Object.hasOwn(parent, last))
    return `the resource has no ${last}`
  return undefined
}
