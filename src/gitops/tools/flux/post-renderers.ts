// A HelmRelease's `spec.postRenderers`, read the way helm-controller hands
// them to kustomize (internal/postrender/kustomize.go `Kustomize.Run`: the
// `patches` in order, then the `images`; the older `patchesStrategicMerge`
// and `patchesJson6902` of API v2beta1/v2beta2, which helm-controller
// v1.0.0 removed from v2, in kustomize's transformer order:
// api/internal/target/kusttarget_configplugin.go). A patch is strategic
// merge or JSON 6902 as kustomize's PatchTransformerPlugin.Config decides
// (api/internal/builtins/PatchTransformer.go). A post-renderer this action
// cannot apply exactly (an unknown field, a patch that does not parse, a
// selector pattern refused, too much) is left out whole and said.
import { parseAllDocuments } from 'yaml'
import { isPlainMap, type PlainMap } from '../../places/plain.js'
import {
  SELECTOR_KEYS,
  type Selector
} from '../kustomize/build/kustomization.js'
import type { PlainOp } from '../kustomize/build/merge.js'
import { selectTargets } from '../kustomize/build/select.js'
import { imageNameRefusal, type ImageRule } from './images.js'

/** One patch of a post-renderer. */
export type PostRenderPatch =
  | { type: 'strategic'; documents: PlainMap[]; target?: Selector }
  | { type: 'json6902'; ops: PlainOp[]; target: Selector }

/** One `spec.postRenderers[i].kustomize`, ready to apply. */
export interface PostRenderer {
  /** `spec.postRenderers[0]`, for notes. */
  label: string
  patches: PostRenderPatch[]
  images: ImageRule[]
}

/** What the HelmRelease asks, and what could not be taken. */
export interface PostRenderPlan {
  renderers: PostRenderer[]
  /** Helm hooks go through the post-renderers (`postRenderStrategy`). */
  hooks: boolean
  notes: string[]
}

const MAX_RENDERERS = 20
const MAX_PATCHES = 50
const MAX_IMAGES = 50
const MAX_PATCH_CHARS = 64 * 1024
const MAX_OPS = 100

/** API versions whose Kustomize still has the two older patch fields. */
const OLD_APIS = new Set([
  'helm.toolkit.fluxcd.io/v2beta1',
  'helm.toolkit.fluxcd.io/v2beta2'
])

/** Reads `spec.postRenderers` and `spec.postRenderStrategy`. */
export function readPostRenderers(
  apiVersion: string,
  spec: unknown
): PostRenderPlan {
  const plan: PostRenderPlan = { renderers: [], hooks: true, notes: [] }
  const written = isPlainMap(spec) ? spec.postRenderers : undefined
  if (written === undefined || written === null) return plan
  const strategy = isPlainMap(spec) ? spec.postRenderStrategy : undefined
  // helm-controller internal/action/post_render.go `toHelmPostRenderStrategy`:
  // unset is `combined` (Helm 4's default); the CRD refuses other values.
  if (strategy === 'nohooks') plan.hooks = false
  else if (![undefined, 'combined', 'separate'].includes(strategy as string))
    return refusedAll(
      plan,
      `spec.postRenderStrategy ${String(strategy)} is not nohooks, combined or separate`
    )
  if (!Array.isArray(written))
    return refusedAll(plan, 'spec.postRenderers is not a list')
  if (written.length > MAX_RENDERERS)
    return refusedAll(plan, `more than ${MAX_RENDERERS} post-renderers`)
  for (const [index, item] of written.entries()) {
    const label = `spec.postRenderers[${index}]`
    const read = readRenderer(apiVersion, item, label)
    if (typeof read === 'string')
      plan.notes.push(
        `${label} not applied: ${read}; the preview shows the output without it`
      )
    else if (read) plan.renderers.push(read)
  }
  return plan
}

function refusedAll(plan: PostRenderPlan, why: string): PostRenderPlan {
  plan.notes.push(
    `spec.postRenderers not applied: ${why}; the preview shows the chart's output without them`
  )
  return plan
}

/** One post-renderer, undefined when it has no `kustomize`, or why not. */
function readRenderer(
  apiVersion: string,
  item: unknown,
  label: string
): PostRenderer | undefined | string {
  if (!isPlainMap(item)) return 'it is not a mapping'
  const unknown = unknownKey(item, ['kustomize'])
  if (unknown) return `its field ${unknown} is not one Flux has`
  const kustomize = item.kustomize
  if (kustomize === undefined || kustomize === null) return undefined
  if (!isPlainMap(kustomize)) return 'kustomize is not a mapping'
  const old = OLD_APIS.has(apiVersion)
  const fields = ['patches', 'images']
  if (old) fields.push('patchesStrategicMerge', 'patchesJson6902')
  const field = unknownKey(kustomize, fields)
  if (field)
    return field === 'patchesStrategicMerge' || field === 'patchesJson6902'
      ? `kustomize.${field} is not in ${apiVersion || 'this API version'} (helm-controller v1.0.0 removed it from v2): use kustomize.patches`
      : `kustomize.${field} is not a field Flux has`
  const patches = readAllPatches(kustomize)
  if (typeof patches === 'string') return patches
  const images = readImages(kustomize.images)
  if (typeof images === 'string') return images
  return { label, patches, images }
}

/** In kustomize's order: patchesStrategicMerge, patches, patchesJson6902. */
function readAllPatches(kustomize: PlainMap): PostRenderPatch[] | string {
  const lists = [
    listOf(kustomize, 'patchesStrategicMerge'),
    listOf(kustomize, 'patches'),
    listOf(kustomize, 'patchesJson6902')
  ]
  const found = lists.find(list => typeof list === 'string')
  if (typeof found === 'string') return found
  const [strategic, patches, json] = lists as unknown[][]
  if (strategic.length + patches.length + json.length > MAX_PATCHES)
    return `more than ${MAX_PATCHES} patches`
  const all: (PostRenderPatch | string)[] = [
    ...strategic.map(oldStrategic),
    ...patches.map(readPatch),
    ...json.map(oldJson)
  ]
  const refused = all.find(patch => typeof patch === 'string')
  if (typeof refused === 'string') return refused
  if (all.some(patch => hasProtoKey(patch, 0)))
    return 'a patch has a __proto__ key, which this action does not apply'
  return all as PostRenderPatch[]
}

/** Bounds the search of a patch for `__proto__` keys. */
const MAX_DEPTH = 100

/** A key that JavaScript would read as the prototype, at any depth. */
function hasProtoKey(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return true
  if (Array.isArray(value))
    return value.some(item => hasProtoKey(item, depth + 1))
  if (!isPlainMap(value)) return false
  return Object.entries(value).some(
    ([key, item]) => key === '__proto__' || hasProtoKey(item, depth + 1)
  )
}

function listOf(map: PlainMap, key: string): unknown[] | string {
  const value = map[key]
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : `kustomize.${key} is not a list`
}

/** fluxcd/pkg apis/kustomize `Patch`: `patch` text, optional `target`. */
function readPatch(item: unknown): PostRenderPatch | string {
  if (!isPlainMap(item)) return 'a patch is not a mapping'
  const unknown = unknownKey(item, ['patch', 'target'])
  if (unknown) return `a patch's field ${unknown} is not one Flux has`
  if (typeof item.patch !== 'string' || item.patch.trim() === '')
    return 'a patch has no patch text'
  const target = readSelector(item.target)
  if (typeof target === 'string') return target
  return parsePatch(item.patch, target)
}

/** An older `patchesStrategicMerge` entry: the patch itself, as YAML. */
function oldStrategic(item: unknown): PostRenderPatch | string {
  if (!isPlainMap(item)) return 'a patchesStrategicMerge entry is not a mapping'
  return { type: 'strategic', documents: [item] }
}

/** An older `patchesJson6902` entry: `patch` (operations) and `target`. */
function oldJson(item: unknown): PostRenderPatch | string {
  if (!isPlainMap(item)) return 'a patchesJson6902 entry is not a mapping'
  const target = readSelector(item.target)
  if (typeof target === 'string') return target
  if (!target) return 'a JSON 6902 patch has no target (kustomize requires one)'
  const ops = readOps(item.patch)
  return typeof ops === 'string' ? ops : { type: 'json6902', ops, target }
}

/**
 * PatchTransformerPlugin.Config: YAML mappings are a strategic-merge patch,
 * a list of operations a JSON 6902 one (read as sigs.k8s.io/yaml reads
 * YAML: 1.1).
 */
function parsePatch(
  text: string,
  target: Selector | undefined
): PostRenderPatch | string {
  if (text.length > MAX_PATCH_CHARS)
    return `a patch is longer than ${MAX_PATCH_CHARS} characters`
  const documents = parseAllDocuments(text)
  if (!Array.isArray(documents) || documents.some(d => d.errors.length > 0))
    return 'a patch is not valid YAML'
  const values: unknown[] = documents
    .map(document => document.toJS({ maxAliasCount: 100 }) as unknown)
    .filter(value => value !== null && value !== undefined)
  if (values.length === 1 && Array.isArray(values[0])) {
    if (!target)
      return 'a JSON 6902 patch has no target (kustomize requires one)'
    const ops = readOps(parseAllDocuments(text, { version: '1.1' })[0]?.toJS())
    return typeof ops === 'string' ? ops : { type: 'json6902', ops, target }
  }
  if (values.length === 0 || !values.every(isPlainMap))
    return 'a patch is neither a strategic merge patch nor a JSON 6902 patch'
  if (target && values.length > 1)
    return 'a patch with a target holds more than one strategic merge patch (kustomize refuses it)'
  return { type: 'strategic', documents: values, ...(target ? { target } : {}) }
}

/** RFC 6902 operations; this action applies `add`, `replace` and `remove`. */
function readOps(value: unknown): PlainOp[] | string {
  if (!Array.isArray(value)) return 'a JSON 6902 patch is not a list'
  if (value.length > MAX_OPS)
    return `a JSON 6902 patch has more than ${MAX_OPS} operations`
  const ops: PlainOp[] = []
  for (const item of value) {
    if (!isPlainMap(item) || typeof item.path !== 'string')
      return 'a JSON 6902 operation has no path'
    const { op, path } = item
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      return `the JSON 6902 operation ${String(op)} is not applied by this action`
    if (!path.startsWith('/'))
      return `the JSON 6902 path '${path}' does not start with /`
    if (op !== 'remove' && !('value' in item))
      return `the JSON 6902 ${op} of ${path} has no value`
    ops.push({ op, path, ...(op === 'remove' ? {} : { value: item.value }) })
  }
  return ops
}

/** fluxcd/pkg apis/kustomize `Selector`; its patterns checked now. */
function readSelector(value: unknown): Selector | undefined | string {
  if (value === undefined || value === null) return undefined
  if (!isPlainMap(value)) return 'a patch target is not a mapping'
  const unknown = unknownKey(value, SELECTOR_KEYS)
  if (unknown) return `a patch target's field ${unknown} is not one Flux has`
  const selector: Selector = {}
  for (const key of SELECTOR_KEYS) {
    const field = value[key]
    if (field === undefined || field === null || field === '') continue
    if (typeof field !== 'string')
      return `a patch target's ${key} is not a string`
    selector[key] = field
  }
  const refused = selectTargets([], selector)
  return typeof refused === 'string' ? `a patch target: ${refused}` : selector
}

/** fluxcd/pkg apis/kustomize `Image`. */
function readImages(value: unknown): ImageRule[] | string {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return 'kustomize.images is not a list'
  if (value.length > MAX_IMAGES) return `more than ${MAX_IMAGES} images`
  const rules: ImageRule[] = []
  for (const item of value) {
    if (!isPlainMap(item)) return 'an images entry is not a mapping'
    const unknown = unknownKey(item, ['name', 'newName', 'newTag', 'digest'])
    if (unknown) return `an images entry's field ${unknown} is not one Flux has`
    const rule: ImageRule = { name: '' }
    for (const key of ['name', 'newName', 'newTag', 'digest'] as const) {
      const field = item[key]
      if (field === undefined || field === null) continue
      if (typeof field !== 'string')
        return `an images entry's ${key} is not a string`
      rule[key] = field
    }
    const refused = imageNameRefusal(rule.name)
    if (refused) return refused
    rules.push(rule)
  }
  return rules
}

function unknownKey(
  map: PlainMap,
  known: readonly string[]
): string | undefined {
  return Object.keys(map).find(key => !known.includes(key))
}
