// What a chart version declares of its values, read from its package in
// memory: values.yaml and values.schema.json, with each subchart's (folder
// or nested .tgz under charts/) under its alias or name, as Helm scopes a
// subchart's values (pkg/chart/v2/util/coalesce.go, coalesceDeps: a
// dependency's values are the parent's key of the dependency's name, or of
// its alias). Bounded: subcharts two levels deep, MAX_SUBCHARTS in all.
import fs from 'node:fs'
import { parse } from 'yaml'
import { packageEntries, type TarEntry } from './chart-file.js'

/** What a chart version declares; `undefined` parts are absent or unreadable. */
export interface ChartDefaults {
  values: Record<string, unknown>
  schema: Record<string, unknown>
}

const MAX_SUBCHARTS = 50
const MAX_DEPTH = 2

/** The package's declared values and schema, subcharts included. */
export function chartDefaults(packagePath: string): ChartDefaults {
  const count = { subcharts: 0 }
  return fromEntries(
    [...packageEntries(fs.readFileSync(packagePath))],
    0,
    count
  )
}

function fromEntries(
  entries: readonly TarEntry[],
  depth: number,
  count: { subcharts: number }
): ChartDefaults {
  const files = new Map<string, Buffer>()
  const nested = new Map<string, TarEntry[]>()
  for (const entry of entries) {
    if (!entry.regular) continue
    const inside = entry.name.split('/').slice(1)
    if (inside.length === 1) files.set(inside[0] ?? '', entry.body)
    const sub = subchartOf(inside)
    if (!sub) continue
    const list = nested.get(sub.name) ?? []
    list.push(...sub.entries(entry))
    nested.set(sub.name, list)
  }
  const values = yamlMap(files.get('values.yaml'))
  const schema = jsonMap(files.get('values.schema.json'))
  if (depth >= MAX_DEPTH) return { values, schema }
  const aliases = dependencyAliases(yamlMap(files.get('Chart.yaml')))
  for (const subEntries of nested.values()) {
    if (++count.subcharts > MAX_SUBCHARTS) break
    const chartName = subchartName(subEntries)
    if (!chartName) continue
    const sub = fromEntries(subEntries, depth + 1, count)
    for (const key of aliases.get(chartName) ?? [chartName]) {
      if (key === '__proto__') continue
      values[key] = merged(values[key], sub.values)
      addProperty(schema, key, sub.schema)
    }
  }
  return { values, schema }
}

/** A subchart's entries: `charts/<dir>/…` as a chart folder, or `charts/<x>.tgz` unpacked. */
function subchartOf(
  inside: readonly string[]
): { name: string; entries: (entry: TarEntry) => TarEntry[] } | undefined {
  if (inside[0] !== 'charts' || inside.length < 2) return undefined
  const second = inside[1] ?? ''
  if (inside.length === 2 && second.endsWith('.tgz')) {
    return {
      name: second,
      entries: entry => {
        try {
          return [...packageEntries(entry.body)]
        } catch {
          return []
        }
      }
    }
  }
  if (inside.length < 3) return undefined
  // As an entry of a package of its own: `<dir>/…`.
  return {
    name: second,
    entries: entry => [{ ...entry, name: inside.slice(1).join('/') }]
  }
}

function subchartName(entries: readonly TarEntry[]): string | undefined {
  const chart = entries.find(
    e => e.regular && e.name.split('/').slice(1).join('/') === 'Chart.yaml'
  )
  const name = yamlMap(chart?.body).name
  return typeof name === 'string' ? name : undefined
}

/** Chart name → the keys its values are under (each alias, else its name). */
function dependencyAliases(
  chart: Record<string, unknown>
): Map<string, string[]> {
  const aliases = new Map<string, string[]>()
  const dependencies = Array.isArray(chart.dependencies)
    ? (chart.dependencies as unknown[])
    : []
  for (const dependency of dependencies) {
    if (!isMap(dependency) || typeof dependency.name !== 'string') continue
    const key =
      typeof dependency.alias === 'string' ? dependency.alias : dependency.name
    aliases.set(dependency.name, [...(aliases.get(dependency.name) ?? []), key])
  }
  return aliases
}

/** The parent's values for a subchart over the subchart's own, as Helm coalesces them. */
function merged(parent: unknown, sub: Record<string, unknown>): unknown {
  if (parent === undefined) return sub
  if (!isMap(parent)) return parent
  const out: Record<string, unknown> = { ...sub }
  for (const [key, value] of Object.entries(parent)) {
    const below = Object.hasOwn(sub, key) ? sub[key] : undefined
    if (key === '__proto__') continue
    out[key] = isMap(below) ? merged(value, below) : value
  }
  return out
}

function addProperty(
  schema: Record<string, unknown>,
  key: string,
  sub: Record<string, unknown>
): void {
  if (Object.keys(sub).length === 0) return
  const properties = isMap(schema.properties) ? schema.properties : {}
  properties[key] ??= sub
  schema.properties = properties
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function yamlMap(body: Buffer | undefined): Record<string, unknown> {
  if (!body) return {}
  try {
    const value: unknown = parse(body.toString('utf8'), { maxAliasCount: 100 })
    return isMap(value) ? value : {}
  } catch {
    return {}
  }
}

function jsonMap(body: Buffer | undefined): Record<string, unknown> {
  if (!body) return {}
  try {
    const value: unknown = JSON.parse(body.toString('utf8'))
    return isMap(value) ? value : {}
  } catch {
    return {}
  }
}
