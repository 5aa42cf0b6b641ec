// The `digest` of a Chart.lock, computed as Helm does (3.17 to 4.2 alike):
// internal/resolver/resolver.go HashReq is
//   "sha256:" + hex(sha256(json.Marshal([2][]*chart.Dependency{req, lock})))
// where req are Chart.yaml's dependencies and lock the lock's entries, and
// chart.Dependency marshals its fields in this order (omitempty where marked):
// name, version?, repository, condition?, tags?, enabled?, import-values?, alias?.
// Pure: Go's encoding/json is reproduced for the strings this module accepts
// (printable ASCII; checked by the caller).
import { createHash } from 'node:crypto'

/** One entry of `import-values`: a key, or a child/parent mapping. */
export type ImportValue = string | Readonly<Record<string, string>>

/** chart.Dependency, as Helm reads it from Chart.yaml or Chart.lock. */
export interface HelmDependency {
  name: string
  version?: string
  repository?: string
  condition?: string
  tags?: readonly string[]
  enabled?: boolean
  importValues?: readonly ImportValue[]
  alias?: string
}

// Go escapes <, > and & for HTML safety; the rest of printable ASCII is as JSON has it.
const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026'
}

/** A string as Go's json.Marshal writes it (printable ASCII only). */
export function goJsonString(value: string): string {
  return JSON.stringify(value).replace(/[<>&]/g, c => GO_ESCAPES[c])
}

function importValueJson(value: ImportValue): string {
  if (typeof value === 'string') return goJsonString(value)
  // Go marshals a map with its keys sorted.
  const keys = Object.keys(value).sort()
  return `{${keys.map(k => `${goJsonString(k)}:${goJsonString(value[k])}`).join(',')}}`
}

/** One chart.Dependency as Go's json.Marshal writes it. */
export function dependencyJson(dependency: HelmDependency): string {
  const fields = [`"name":${goJsonString(dependency.name)}`]
  if (dependency.version)
    fields.push(`"version":${goJsonString(dependency.version)}`)
  fields.push(`"repository":${goJsonString(dependency.repository ?? '')}`)
  if (dependency.condition)
    fields.push(`"condition":${goJsonString(dependency.condition)}`)
  if (dependency.tags?.length)
    fields.push(`"tags":[${dependency.tags.map(goJsonString).join(',')}]`)
  if (dependency.enabled) fields.push('"enabled":true')
  if (dependency.importValues?.length) {
    const values = dependency.importValues.map(importValueJson).join(',')
    fields.push(`"import-values":[${values}]`)
  }
  if (dependency.alias) fields.push(`"alias":${goJsonString(dependency.alias)}`)
  return `{${fields.join(',')}}`
}

function listJson(dependencies: readonly HelmDependency[]): string {
  return `[${dependencies.map(dependencyJson).join(',')}]`
}

/** Helm's HashReq(req, lock): the lock's `digest`. */
export function lockDigest(
  requested: readonly HelmDependency[],
  locked: readonly HelmDependency[]
): string {
  const json = `[${listJson(requested)},${listJson(locked)}]`
  return `sha256:${createHash('sha256').update(json).digest('hex')}`
}
