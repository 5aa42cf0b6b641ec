// One kustomization file as Kustomize reads it for a build: what it includes
// (`resources`, `components`), the patches it applies, in the order its
// transformers run (kusttarget_configplugin.go,
// `KustTarget.configureBuiltinTransformers`: patchesStrategicMerge, patches,
// namespace, namePrefix, nameSuffix, …, patchesJson6902), and the names it
// changes. Pure: the text is handed in.
import { isMap, isScalar, isSeq, parseAllDocuments, type YAMLMap } from 'yaml'

/** Where a patch's text is: a file next to the kustomization, or inline. */
export type PatchSource =
  { from: 'path'; path: string } | { from: 'inline'; text: string }

/** A `patches` target: kustomize's `types.Selector` (api/types/selector.go). */
export interface Selector {
  group?: string
  version?: string
  kind?: string
  name?: string
  namespace?: string
  labelSelector?: string
  annotationSelector?: string
}

/** The selector's fields, in the order Kustomize's `Selector` declares them. */
export const SELECTOR_KEYS = [
  'group',
  'version',
  'kind',
  'name',
  'namespace',
  'labelSelector',
  'annotationSelector'
] as const satisfies readonly (keyof Selector)[]

/** One patch, as the transformer that applies it reads it. */
export interface PatchEntry {
  /** `patches`, `patchesStrategicMerge` or `patchesJson6902` (whose text must be JSON 6902). */
  field: 'patches' | 'patchesStrategicMerge' | 'patchesJson6902'
  source: PatchSource
  target?: Selector
  /** 1-based line of the entry in the kustomization. */
  line: number
}

/** A transformer step of the build, in Kustomize's order. */
export type BuildStep =
  | { step: 'patch'; patch: PatchEntry }
  | { step: 'namespace'; namespace: string }
  | { step: 'prefix' | 'suffix'; value: string }

/** What a kustomization says about a build. */
export interface Kustomization {
  file: string
  /** Its folder ('' at the repository's root). */
  dir: string
  resources: Included[]
  components: Included[]
  steps: BuildStep[]
  /** Why it could not be read, when it could not. */
  problem?: string
}

/** An entry of `resources` or `components`, with its line. */
export interface Included {
  entry: string
  line: number
}

/** The file names Kustomize looks for in a folder (konfig.RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_NAMES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization'
] as const

/** Reads one kustomization; a file that does not parse says so. */
export function readKustomization(file: string, text: string): Kustomization {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : ''
  const empty = { file, dir, resources: [], components: [], steps: [] }
  let root: unknown
  const lineOf = lineCounter(text)
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: false })
    if (!Array.isArray(docs) || docs.some(doc => doc.errors.length > 0))
      return { ...empty, problem: 'it is not valid YAML' }
    root = docs[0]?.contents
  } catch {
    return { ...empty, problem: 'it is not valid YAML' }
  }
  if (!isMap(root)) return empty
  const at = (node: unknown): number =>
    lineOf((node as { range?: number[] }).range?.[0] ?? 0)
  return {
    file,
    dir,
    // `bases` is the deprecated name of `resources`, appended after them
    // (api/types/kustomization.go, `Kustomization.FixKustomization`).
    resources: [
      ...entries(root, 'resources', at),
      ...entries(root, 'bases', at)
    ],
    components: entries(root, 'components', at),
    steps: stepsOf(root, at)
  }
}

function lineCounter(text: string): (offset: number) => number {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1)
  return offset => {
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (starts[mid] <= offset) low = mid
      else high = mid - 1
    }
    return low + 1
  }
}

type LineOf = (node: unknown) => number

function valueOf(map: YAMLMap, key: string): unknown {
  return map.items.find(pair => isScalar(pair.key) && pair.key.value === key)
    ?.value
}

function stringOf(map: YAMLMap, key: string): string | undefined {
  const value = valueOf(map, key)
  return isScalar(value) && typeof value.value === 'string'
    ? value.value
    : undefined
}

function entries(root: YAMLMap, key: string, at: LineOf): Included[] {
  const list = valueOf(root, key)
  if (!isSeq(list)) return []
  return list.items.flatMap(item =>
    isScalar(item) && typeof item.value === 'string'
      ? [{ entry: item.value, line: at(item) }]
      : []
  )
}

/** The transformer steps, in the order kusttarget_configplugin.go runs them. */
function stepsOf(root: YAMLMap, at: LineOf): BuildStep[] {
  const steps: BuildStep[] = []
  const patch = (entry: PatchEntry | undefined): void => {
    if (entry) steps.push({ step: 'patch', patch: entry })
  }
  for (const item of seqOf(root, 'patchesStrategicMerge'))
    patch(strategicMergeEntry(item, at))
  for (const item of seqOf(root, 'patches'))
    patch(patchEntry(item, 'patches', at))
  const namespace = stringOf(root, 'namespace')
  if (namespace) steps.push({ step: 'namespace', namespace })
  const prefix = stringOf(root, 'namePrefix')
  if (prefix) steps.push({ step: 'prefix', value: prefix })
  const suffix = stringOf(root, 'nameSuffix')
  if (suffix) steps.push({ step: 'suffix', value: suffix })
  for (const item of seqOf(root, 'patchesJson6902'))
    patch(patchEntry(item, 'patchesJson6902', at))
  return steps
}

function seqOf(root: YAMLMap, key: string): unknown[] {
  const list = valueOf(root, key)
  return isSeq(list) ? list.items : []
}

/** `patchesStrategicMerge` entries are a path, or the patch itself inline. */
function strategicMergeEntry(
  item: unknown,
  at: LineOf
): PatchEntry | undefined {
  if (!isScalar(item) || typeof item.value !== 'string') return undefined
  const value = item.value
  const inline = value.includes('\n') || /^\s*(apiVersion|kind):/m.test(value)
  return {
    field: 'patchesStrategicMerge',
    source: inline
      ? { from: 'inline', text: value }
      : { from: 'path', path: value },
    line: at(item)
  }
}

function patchEntry(
  item: unknown,
  field: PatchEntry['field'],
  at: LineOf
): PatchEntry | undefined {
  if (!isMap(item)) return undefined
  const path = stringOf(item, 'path')
  const text = stringOf(item, 'patch')
  // Kustomize refuses both or neither (PatchTransformerPlugin.Config).
  if ((path === undefined) === (text === undefined)) return undefined
  const target = selectorOf(valueOf(item, 'target'))
  const source: PatchSource =
    path === undefined
      ? { from: 'inline', text: text ?? '' }
      : { from: 'path', path }
  return { field, source, ...(target ? { target } : {}), line: at(item) }
}

function selectorOf(node: unknown): Selector | undefined {
  if (!isMap(node)) return undefined
  const selector: Selector = {}
  for (const key of SELECTOR_KEYS) {
    const value = stringOf(node, key)
    if (value !== undefined && value !== '') selector[key] = value
  }
  return selector
}
