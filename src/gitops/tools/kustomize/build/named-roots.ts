// The kustomizations a tool is told to build: a Flux `Kustomization`'s
// `spec.path` (kustomize-controller builds that folder: api/v1
// kustomization_types.go `KustomizationSpec.Path`, "Defaults to 'None',
// which translates to the root path of the SourceRef") and an Argo CD
// `Application` source's `path` (reposerver/repository/repository.go
// `GenerateManifests` builds `<repo>/<path>` with Kustomize when it holds a
// kustomization). Such a folder is an environment even when another
// kustomization includes it too. The path is read as written in this
// repository: whether the tool's source is this repository is not known
// here, so a path is only a root where this clone holds a kustomization.
// Pure; aliases are never expanded.
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml'
import { localPath, type BuildReader } from './tree.js'

/** The tools' API groups: a file without either names no root (no parse). */
const TOOL_GROUPS = ['kustomize.toolkit.fluxcd.io/', 'argoproj.io/']

/**
 * False when a text cannot name a root, without parsing it: the GitOps
 * step's pre-filter keeps every text for which this is true (tools/index.ts
 * `mayMatter`), so the files it let go need not be read again here.
 */
export function mayNameRoot(text: string): boolean {
  // Both name a root by a `path` key: most Applications (a Helm chart's
  // source) have none, and are not parsed.
  return (
    text.includes('path') && TOOL_GROUPS.some(group => text.includes(group))
  )
}

/** The folders named as a build's path, as repository paths. */
export function namedRoots(reader: BuildReader): Set<string> {
  const named = new Set<string>()
  for (const file of reader.files) {
    const text = reader.read(file)
    if (!text || !mayNameRoot(text)) continue
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
      if (!('contents' in doc) || doc.errors.length > 0) continue
      for (const node of pathNodes(doc.contents)) {
        const dir = folderOf(node)
        if (dir !== undefined) named.add(dir)
      }
    }
  }
  return named
}

/** The path scalars of a Flux Kustomization or an Argo CD Application. */
function pathNodes(root: Node | null): Node[] {
  if (!isMap(root)) return []
  const apiVersion = stringOf(root.get('apiVersion', true))
  const kind = stringOf(root.get('kind', true))
  const spec = root.get('spec', true)
  if (!apiVersion || !isMap(spec)) return []
  if (
    kind === 'Kustomization' &&
    apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')
  )
    return nodeAt(spec, 'path')
  if (kind !== 'Application' || !apiVersion.startsWith('argoproj.io/'))
    return []
  const sources = spec.get('sources', true)
  const all = [
    spec.get('source', true),
    ...(isSeq(sources) ? sources.items : [])
  ]
  // A source with a `chart` is a Helm repository's chart, not a folder.
  return all.flatMap(source =>
    isMap(source) && !source.has('chart') ? nodeAt(source, 'path') : []
  )
}

function nodeAt(map: Node, key: string): Node[] {
  const value = isMap(map) ? map.get(key, true) : undefined
  return isScalar(value) ? [value] : []
}

function stringOf(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string'
    ? node.value
    : undefined
}

/** `./apps/staging/` as `apps/staging`; undefined for a template or a way out. */
function folderOf(node: Node): string | undefined {
  const path = stringOf(node)
  return path === undefined || path.includes('{{')
    ? undefined
    : localPath('', path)
}
