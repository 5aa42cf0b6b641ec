// A resource as a Kustomize build carries it from its file through the
// patches of each kustomization: its identity (the ids Kustomize matches a
// patch against: api/resource/resource.go, `Resource.OrgId`/`CurId`) and the
// few fields that decide which chart it installs at which version, each with
// the file and byte span that wrote it last. Only those fields are followed:
// the rest of the resource never decides a pin. Two kinds are followed: a
// Flux HelmRelease (`spec.chart.spec`) and an Argo CD Application with a
// single source (`spec.source`; an app-of-apps' children built by Kustomize).
import type { MapCursor } from '../../../../yaml/cursor.js'
import type { ScalarSpan } from '../../../../yaml/types.js'
import { isPlainMap, type PlainMap } from '../../../places/plain.js'
import { setOwn } from '../../../../own-keys.js'

/** The fields followed, by YAML path: a HelmRelease's chart, an Application's source. */
export const TRACKED_PATHS = [
  'spec.chart.spec.version',
  'spec.chart.spec.chart',
  'spec.chart.spec.sourceRef.kind',
  'spec.chart.spec.sourceRef.name',
  'spec.chart.spec.sourceRef.namespace',
  'spec.source.targetRevision',
  'spec.source.repoURL',
  'spec.source.chart'
] as const

export type TrackedPath = (typeof TRACKED_PATHS)[number]

/** Where a Flux HelmRelease writes its chart's version. */
export const VERSION_PATH: TrackedPath = 'spec.chart.spec.version'

/** Where an Argo CD Application's single source writes its chart's version. */
export const ARGO_VERSION_PATH: TrackedPath = 'spec.source.targetRevision'

/** Every followed version path: what a bump of an environment's version edits. */
export const VERSION_PATHS: ReadonlySet<string> = new Set([
  VERSION_PATH,
  ARGO_VERSION_PATH
])

/** An Argo CD Application (`argoproj.io/*`). */
export function isApplication(apiVersion: string, kind: string): boolean {
  return apiVersion.startsWith('argoproj.io/') && kind === 'Application'
}

/** The path of the resource's version: its kind's. */
export function versionPathOf(resource: {
  apiVersion: string
  kind: string
}): TrackedPath {
  return isApplication(resource.apiVersion, resource.kind)
    ? ARGO_VERSION_PATH
    : VERSION_PATH
}

/** A value and who wrote it. */
export interface Written {
  value: string
  /** The file that wrote it (a kustomization, for an inline patch). */
  file: string
  line: number
  /** Its exact bytes in `file`; unset when written in an inline patch. */
  span?: ScalarSpan
}

/** Where an inline patch is written: its kustomization, and the entry's line. */
export interface InlinePlace {
  file: string
  line: number
}

/** A resource of a build, with what the build did to it so far. */
export interface BuiltResource {
  /** Where it is defined. */
  file: string
  line: number
  apiVersion: string
  kind: string
  /** The name and namespace as written, then as the build has changed them. */
  orgName: string
  name: string
  orgNamespace: string
  namespace: string
  labels: Record<string, string>
  annotations: Record<string, string>
  fields: Partial<Record<TrackedPath, Written>>
  /** The fields as its own file writes them, before any patch. */
  original: Partial<Record<TrackedPath, Written>>
  /** The whole resource as plain values, patches applied (for rendering). */
  value: PlainMap
}

/** The resources Kustomize may patch that can pin a chart. */
export function isFollowed(apiVersion: string, kind: string): boolean {
  return (
    (apiVersion.startsWith('helm.toolkit.fluxcd.io/') &&
      kind === 'HelmRelease') ||
    isApplication(apiVersion, kind)
  )
}

/** A followed resource read from its document; undefined for any other. */
export function readResource(root: MapCursor): BuiltResource | undefined {
  const apiVersion = root.string('apiVersion') ?? ''
  const kind = root.string('kind') ?? ''
  if (!isFollowed(apiVersion, kind)) return undefined
  const metadata = root.child('metadata')
  const name = metadata?.string('name') ?? ''
  const namespace = metadata?.string('namespace') ?? ''
  return {
    file: root.document.file,
    line: root.line,
    apiVersion,
    kind,
    orgName: name,
    name,
    orgNamespace: namespace,
    namespace,
    labels: stringMap(metadata?.child('labels')),
    annotations: stringMap(metadata?.child('annotations')),
    fields: writtenFields(root),
    original: writtenFields(root),
    value: plainOf(root)
  }
}

/** The followed fields a mapping sets (a resource, or a patch of one). */
export function writtenFields(
  root: MapCursor,
  inlineIn?: InlinePlace
): Partial<Record<TrackedPath, Written>> {
  const fields: Partial<Record<TrackedPath, Written>> = {}
  for (const path of TRACKED_PATHS) {
    const written = writtenAt(root, path.split('.'), inlineIn)
    if (written) fields[path] = written
  }
  return fields
}

/** The scalar at `keys` under `map`, with its span; undefined if not one. */
export function writtenAt(
  map: MapCursor,
  keys: readonly string[],
  inlineIn?: InlinePlace
): Written | undefined {
  let at: MapCursor | undefined = map
  for (const key of keys.slice(0, -1)) at = at?.child(key)
  const field = at?.field(keys[keys.length - 1])
  const span = field && at?.document.spanOf(field.value)
  // An alias is not its own bytes; a plain empty value is null (unset).
  if (!at || !span || span.quote === 'alias') return undefined
  if (span.quote === 'plain' && span.current === '') return undefined
  if (inlineIn !== undefined) return { value: span.current, ...inlineIn }
  return { value: span.current, file: at.document.file, line: span.line, span }
}

/** The document of `root` as plain values ({} when it cannot be converted). */
export function plainOf(root: MapCursor): PlainMap {
  const value = root.document.plain()
  return isPlainMap(value) ? value : {}
}

function stringMap(map: MapCursor | undefined): Record<string, string> {
  const result: Record<string, string> = {}
  if (!map) return result
  for (const pair of map.node.items) {
    const key = (pair.key as { value?: unknown } | null)?.value
    if (typeof key !== 'string') continue
    const value = map.string(key)
    if (value !== undefined) setOwn(result, key, value)
  }
  return result
}

/** A copy the next build step may change without touching this one. */
export function copyResource(resource: BuiltResource): BuiltResource {
  return {
    ...resource,
    labels: { ...resource.labels },
    annotations: { ...resource.annotations },
    fields: { ...resource.fields }
  }
}

/** How a report names the resource: `HelmRelease podinfo` (namespace when set). */
export function resourceName(resource: BuiltResource): string {
  const namespace = resource.namespace
    ? ` (namespace ${resource.namespace})`
    : ''
  return `${resource.kind} ${resource.name}${namespace}`
}
