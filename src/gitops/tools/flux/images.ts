// A post-renderer's `images`: kustomize's ImageTagTransformer, as
// helm-controller v1.6 runs it (kustomize api v0.21.1,
// api/internal/builtins/ImageTagTransformer.go `Transform`): first the
// legacy pass (api/filters/imagetag/legacy.go `LegacyFilter`: the `image`
// of every element of any `containers` or `initContainers` list, at any
// depth), then the default field specs (api/internal/konfig/
// builtinpluginconsts/images.go; api/filters/imagetag/imagetag.go
// `Filter`); a CustomResourceDefinition is left alone. An image matches when
// it is the entry's `name`, then an optional `:tag`, then an optional
// `@sha256:digest` (api/internal/image/image.go `IsImageMatched`, which
// builds a Go regular expression from the name: here `.` is any character
// as there, and a name with another pattern character is refused, never
// compiled). `newName` replaces the name; `newTag` or `digest` replace both
// the tag and the digest (api/filters/imagetag/updater.go `SetImageValue`).
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml'

/** One `images` entry of a post-renderer (fluxcd/pkg apis/kustomize `Image`). */
export interface ImageRule {
  name: string
  newName?: string
  newTag?: string
  digest?: string
}

/** Characters Go's regexp reads as syntax; `.` is handled (any character). */
const PATTERN_CHARACTERS = /[\\+*?()|[\]{}^$]/

/** Why a `name` cannot be matched as kustomize matches it, or undefined. */
export function imageNameRefusal(name: string): string | undefined {
  if (name === '') return 'an images entry has no name'
  if (PATTERN_CHARACTERS.test(name))
    return `the image name '${name}' holds a regular expression character, which kustomize reads as a pattern: not matched by this action`
  return undefined
}

/** What follows the name: `IsImageMatched`'s fixed part (v0.21.1). */
const TAG_AND_DIGEST = /^(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$/

/** `IsImageMatched(value, name)`, for a name `imageNameRefusal` accepts. */
export function imageMatches(value: string, name: string): boolean {
  const chars = [...value]
  const pattern = [...name]
  if (chars.length < pattern.length) return false
  for (const [index, char] of pattern.entries()) {
    const found = chars[index]
    if (char === '.' ? found === '\n' : found !== char) return false
  }
  return TAG_AND_DIGEST.test(chars.slice(pattern.length).join(''))
}

/** api/internal/image/image.go `Split`: name, tag and digest of an image. */
export function splitImage(image: string): [string, string, string] {
  const slash = image.indexOf('/')
  const from = slash > 0 ? slash : 0
  const search = image.slice(from)
  let at = search.indexOf('@')
  let colon = search.indexOf(':')
  if (colon < 0 && at < 0) return [image, '', '']
  if (at >= 0 && (at < colon || colon < 0)) {
    at += from
    return [image.slice(0, at), '', image.slice(at + 1)]
  }
  colon += from
  if (at >= 0) {
    at += from
    return [
      image.slice(0, colon),
      image.slice(colon + 1, at),
      image.slice(at + 1)
    ]
  }
  return [image.slice(0, colon), image.slice(colon + 1), '']
}

/** The image as the rule rewrites it (`SetImageValue`), or undefined: no match. */
export function rewriteImage(
  image: string,
  rule: ImageRule
): string | undefined {
  if (!imageMatches(image, rule.name)) return undefined
  let [name, tag, digest] = splitImage(image)
  if (rule.newName) name = rule.newName
  if (rule.newTag) {
    tag = rule.newTag
    digest = rule.digest ?? ''
  } else if (rule.digest) {
    tag = ''
    digest = rule.digest
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`
}

/** kustomize's default image field specs (no kind restriction). */
const FIELD_SPECS = [
  ['spec', 'containers[]', 'image'],
  ['spec', 'initContainers[]', 'image'],
  ['spec', 'volumes[]', 'image', 'reference'],
  ['spec', 'template', 'spec', 'containers[]', 'image'],
  ['spec', 'template', 'spec', 'initContainers[]', 'image'],
  ['spec', 'template', 'spec', 'volumes[]', 'image', 'reference']
]

/** Bounds the walk of the legacy pass over a hostile document. */
const MAX_DEPTH = 100

/**
 * Applies one rule to a resource's document in place; returns whether it
 * changed, or why kustomize's build would fail on it.
 */
export function applyImageRule(
  document: Document,
  rule: ImageRule
): { changed: boolean } | { refused: string } {
  const root = document.contents
  if (!isMap(root) || scalarAt(root, 'kind') === 'CustomResourceDefinition')
    return { changed: false }
  const state = { changed: false, refused: undefined as string | undefined }
  const set = (node: Node | null | undefined): void => {
    if (!isScalar(node)) {
      state.refused = 'an image that is not a string'
      return
    }
    if (node.value === null) return
    const image =
      typeof node.value === 'string' ? node.value : (node.source ?? '')
    const rewritten = rewriteImage(image, rule)
    if (rewritten !== undefined && rewritten !== image) {
      node.value = rewritten
      state.changed = true
    }
  }
  legacy(root, set, 0)
  for (const spec of FIELD_SPECS) {
    const refused = followPath(root, spec, set)
    if (refused) return { refused }
  }
  return state.refused ? { refused: state.refused } : { changed: state.changed }
}

type Setter = (node: Node | null | undefined) => void

/** LegacyFilter: `image` of each element of any containers/initContainers list. */
function legacy(node: unknown, set: Setter, depth: number): void {
  if (depth > MAX_DEPTH) return
  if (isSeq(node)) {
    for (const item of node.items) legacy(item, set, depth + 1)
    return
  }
  if (!isMap(node)) return
  for (const pair of node.items) {
    legacy(pair.value, set, depth + 1)
    const key = isScalar(pair.key) ? pair.key.value : undefined
    if ((key === 'containers' || key === 'initContainers') && isSeq(pair.value))
      for (const item of pair.value.items) {
        if (isMap(item) && item.has('image')) set(item.get('image', true))
      }
  }
}

/** fieldspec.Filter without creation: a missing field ends the path. */
function followPath(
  node: unknown,
  path: readonly string[],
  set: Setter
): string | undefined {
  if (path.length === 0) {
    set(node as Node)
    return undefined
  }
  if (node === null || node === undefined) return undefined
  if (isScalar(node) && node.value === null) return undefined
  if (isSeq(node)) {
    for (const item of node.items) {
      const refused = followPath(item, path, set)
      if (refused) return refused
    }
    return undefined
  }
  if (!isMap(node))
    return `${path.join('/')} is under a value that is not a mapping or list`
  const field = path[0].replace(/\[\]$/, '')
  if (!node.has(field)) return undefined
  return followPath(node.get(field, true), path.slice(1), set)
}

function scalarAt(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined
  const node = map.get(key, true)
  return isScalar(node) ? node.value : undefined
}
