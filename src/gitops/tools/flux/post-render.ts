// helm-controller's Kustomize post-renderers run over what Helm rendered
// (internal/postrender/kustomize.go `Kustomize.Run`: the manifests are the
// one resource file of an in-memory kustomization), one after the other as
// `BuildPostRenderers` (internal/postrender/build.go) combines them, before
// `commonMetadata` (render/common-metadata.ts). Helm hands them the
// templates, and its hooks too unless `postRenderStrategy: nohooks`; never
// the chart's `crds/` folder. A patch's target is kustomize's
// (`resWrangler.Select`, kustomize/build/select.ts); a patch without one
// applies to the one resource of its own id (`GetById`: none is an error).
// Every object post-rendered is written again, as kustomize writes them all
// (here in the YAML library's layout, the same at both versions, so that
// the diff shows only what changed). A post-renderer that cannot be
// applied exactly is left out whole, said in the notes.
import { isDeepStrictEqual } from 'node:util'
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node
} from 'yaml'
import { isPlainMap, type PlainMap } from '../../places/plain.js'
import type { BuiltResource } from '../kustomize/build/resource.js'
import { resourceById, selectTargets } from '../kustomize/build/select.js'
import { splitManifests, type Resource } from '../../../render/manifests.js'
import type { PostRender } from '../../../render/place.js'
import { applyImageRule } from './images.js'
import { mergeResource, patchResource } from './post-render-merge.js'
import type {
  PostRenderPatch,
  PostRenderPlan,
  PostRenderer
} from './post-renderers.js'

/** Resources a post-render takes on; more are not post-rendered (said). */
const MAX_RESOURCES = 2000

/** One resource on its way through the post-renderers. */
interface Working {
  resource: Resource
  document: Document
  built: BuiltResource
}

/** The function a Flux place runs on Helm's output at each version. */
export function postRender(
  plan: PostRenderPlan,
  defaultNamespace: string
): PostRender | undefined {
  if (plan.renderers.length === 0) return undefined
  return (resources, duplicates) => {
    const taken = resources.filter(
      resource => !resource.crdsFolder && (plan.hooks || !resource.hook)
    )
    const working =
      duplicates.length > 0
        ? `Helm rendered ${duplicates[0]} more than once, which kustomize refuses (Flux's upgrade fails)`
        : workingSet(taken)
    if (typeof working === 'string')
      return {
        resources,
        notes: [`spec.postRenderers not applied: ${working}`]
      }
    const notes: string[] = []
    let current = working
    for (const renderer of plan.renderers) {
      const next = applyRenderer(current, renderer)
      if (typeof next === 'string')
        notes.push(`${renderer.label} not applied: ${next}`)
      else current = next
    }
    return {
      resources: merged(resources, taken, current, defaultNamespace),
      notes
    }
  }
}

/** The resources as kustomize loads them, or why it would fail. */
function workingSet(resources: readonly Resource[]): Working[] | string {
  if (resources.length > MAX_RESOURCES)
    return `Helm rendered more than ${MAX_RESOURCES} resources`
  const working: Working[] = []
  for (const resource of resources) {
    if (resource.kind === '(unidentified)')
      return `kustomize cannot read ${resource.name}, which is not a Kubernetes object`
    const document = parseDocument(resource.text)
    const value: unknown = document.errors.length ? undefined : document.toJS()
    if (!isPlainMap(value))
      return `${resource.kind} ${resource.name} is not a mapping`
    working.push({ resource, document, built: builtOf(value) })
  }
  return working
}

function plainOf(document: Document): PlainMap {
  const value: unknown = document.toJS()
  return isPlainMap(value) ? value : {}
}

/** What kustomize's selectors read of a resource. */
function builtOf(value: PlainMap): BuiltResource {
  const metadata = isPlainMap(value.metadata) ? value.metadata : {}
  const text = (field: unknown): string =>
    typeof field === 'string' ? field : ''
  return {
    file: '',
    line: 0,
    apiVersion: text(value.apiVersion),
    kind: text(value.kind),
    orgName: text(metadata.name),
    name: text(metadata.name),
    orgNamespace: text(metadata.namespace),
    namespace: text(metadata.namespace),
    labels: strings(metadata.labels),
    annotations: strings(metadata.annotations),
    fields: {},
    original: {},
    value
  }
}

function strings(value: unknown): Record<string, string> {
  if (!isPlainMap(value)) return {}
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string'
    )
  )
}

/** One post-renderer over copies of the resources: all of it, or why not. */
function applyRenderer(
  resources: readonly Working[],
  renderer: PostRenderer
): Working[] | string {
  let current: Working[] = resources.map(item => ({
    ...item,
    document: item.document.clone()
  }))
  for (const patch of renderer.patches) {
    const next = applyPatch(current, patch)
    if (typeof next === 'string') return next
    current = next
  }
  for (const rule of renderer.images) {
    for (const item of current) {
      const result = applyImageRule(item.document, rule)
      if ('refused' in result)
        return `images ${rule.name}: ${describe(item)}: ${result.refused}`
      if (result.changed)
        item.built = { ...item.built, value: plainOf(item.document) }
    }
  }
  return current
}

function applyPatch(
  resources: Working[],
  patch: PostRenderPatch
): Working[] | string {
  if (patch.type === 'json6902' || patch.target) {
    const targets = selectTargets(
      resources.map(item => item.built),
      patch.target ?? {}
    )
    if (typeof targets === 'string') return targets
    const chosen = new Set(targets)
    return patchEach(resources, item => chosen.has(item.built), patch)
  }
  let current = resources
  for (const document of patch.documents) {
    const found = resourceById(
      current.map(item => item.built),
      idOf(document)
    )
    if (found.length === 0)
      return `no resource matches the strategic merge patch of ${describeId(document)} (kustomize fails the build)`
    const next = patchEach(current, item => item.built === found[0], {
      type: 'strategic',
      documents: [document]
    })
    if (typeof next === 'string') return next
    current = next
  }
  return current
}

/** The patch applied to each chosen resource; deleted ones gone. */
function patchEach(
  resources: readonly Working[],
  chosen: (item: Working) => boolean,
  patch: PostRenderPatch
): Working[] | string {
  const result: Working[] = []
  for (const item of resources) {
    if (!chosen(item)) {
      result.push(item)
      continue
    }
    const patched =
      patch.type === 'json6902'
        ? patchResource(item.built.value, patch.ops)
        : mergeResource(item.built.value, patch.documents[0])
    if ('refused' in patched) return `${describe(item)}: ${patched.refused}`
    if (patched.value === undefined) continue
    const value =
      patch.type === 'strategic'
        ? keptIdentity(item.built, patched.value)
        : patched.value
    result.push(withValue(item, value))
  }
  return result
}

/**
 * `Resource.ApplySmPatch` (api/resource/resource.go): the resource keeps its
 * apiVersion, kind, name and namespace whatever the patch says.
 */
function keptIdentity(built: BuiltResource, value: PlainMap): PlainMap {
  const metadata: PlainMap = isPlainMap(value.metadata)
    ? { ...value.metadata }
    : {}
  metadata.name = built.name
  if (built.namespace) metadata.namespace = built.namespace
  else delete metadata.namespace
  return { ...value, apiVersion: built.apiVersion, kind: built.kind, metadata }
}

function withValue(item: Working, value: PlainMap): Working {
  const root = item.document.contents as Node
  item.document.contents = sync(item.document, root, value)
  const built = builtOf(value)
  return {
    ...item,
    built: {
      ...built,
      orgName: item.built.orgName,
      orgNamespace: item.built.orgNamespace
    }
  }
}

/** `node` made to hold `value`, keeping the nodes (and bytes) that already do. */
function sync(document: Document, node: Node | null, value: unknown): Node {
  if (node && isDeepStrictEqual(node.toJS(document), value)) return node
  if (isMap(node) && isPlainMap(value)) {
    for (const pair of [...node.items]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined
      if (key === undefined || !Object.hasOwn(value, key)) node.delete(pair.key)
    }
    for (const [key, item] of Object.entries(value)) {
      const pair = node.items.find(
        entry => isScalar(entry.key) && String(entry.key.value) === key
      )
      if (pair) pair.value = sync(document, pair.value as Node | null, item)
      else node.add(document.createPair(key, item))
    }
    return node
  }
  if (
    isSeq(node) &&
    Array.isArray(value) &&
    node.items.length === value.length
  ) {
    node.items = node.items.map((item, index) =>
      sync(document, item as Node | null, value[index])
    )
    return node
  }
  return document.createNode(value)
}

/** The rendered resources with the post-rendered ones in their place. */
function merged(
  all: readonly Resource[],
  taken: readonly Resource[],
  after: readonly Working[],
  defaultNamespace: string
): Resource[] {
  const byResource = new Map(after.map(item => [item.resource, item]))
  const takenSet = new Set(taken)
  return all.flatMap(resource => {
    if (!takenSet.has(resource)) return [resource]
    const item = byResource.get(resource)
    if (!item) return []
    const text = item.document.toString({ lineWidth: 0 })
    const again = splitManifests(text, defaultNamespace).resources[0]
    return again ? [again] : [resource]
  })
}

function idOf(document: PlainMap): {
  apiVersion: string
  kind: string
  name: string
  namespace: string
} {
  const built = builtOf(document)
  return {
    apiVersion: built.apiVersion,
    kind: built.kind,
    name: built.name,
    namespace: built.namespace
  }
}

function describeId(document: PlainMap): string {
  const id = idOf(document)
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`
}

function describe(item: Working): string {
  return `${item.resource.kind} ${item.resource.name}`
}
