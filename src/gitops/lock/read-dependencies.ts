// Reads Chart.yaml's `dependencies` and a Chart.lock into the values Helm
// hashes. Pure. Helm reads both with a YAML 1.1 parser into Go strings; only
// what this action can reproduce exactly is accepted (strings of printable
// ASCII, which Helm's sanitizing leaves as they are, and the fields Helm
// knows); anything else is a reason to leave the lock alone.
import { parseDocument } from 'yaml'
import type { HelmDependency, ImportValue } from './helm-digest.js'

export type Read<T> = { value: T } | { reason: string }

class Unreadable extends Error {}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/
const STRING_FIELDS = ['name', 'version', 'repository', 'condition', 'alias']
const DEPENDENCY_FIELDS = new Set([
  ...STRING_FIELDS,
  'tags',
  'enabled',
  'import-values'
])
const LOCK_ENTRY_FIELDS = new Set(['name', 'version', 'repository'])

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || !PRINTABLE_ASCII.test(value))
    throw new Unreadable(`${what} is not a plain ASCII string`)
  return value
}

function parseYaml11(source: string, file: string): unknown {
  // Helm's YAML reader is YAML 1.1: `yes` is a boolean there, not a string.
  const document = parseDocument(source, { version: '1.1', merge: false })
  if (document.errors.length > 0) throw new Unreadable(`${file} does not parse`)
  try {
    return document.toJS({ maxAliasCount: 100 })
  } catch {
    throw new Unreadable(`${file} has aliases this action does not follow`)
  }
}

function importValue(value: unknown, what: string): ImportValue {
  if (typeof value === 'string') return text(value, what)
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Unreadable(`${what} is neither a string nor a mapping`)
  const entries = Object.entries(value as Record<string, unknown>)
  return Object.fromEntries(entries.map(([k, v]) => [k, text(v, what)]))
}

function dependency(
  raw: unknown,
  where: string,
  fields: ReadonlySet<string>
): HelmDependency {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new Unreadable(`${where} is not a mapping`)
  const entry = raw as Record<string, unknown>
  const unknown = Object.keys(entry).filter(key => !fields.has(key))
  if (unknown.length > 0)
    throw new Unreadable(
      `${where} has '${unknown[0]}', which this action does not hash`
    )
  const result: Record<string, unknown> = {}
  for (const key of STRING_FIELDS) {
    if (entry[key] !== undefined)
      result[key] = text(entry[key], `${where}.${key}`)
  }
  if (entry.tags !== undefined) {
    if (!Array.isArray(entry.tags))
      throw new Unreadable(`${where}.tags is not a list`)
    result.tags = entry.tags.map(tag => text(tag, `${where}.tags`))
  }
  if (entry.enabled !== undefined && typeof entry.enabled !== 'boolean')
    throw new Unreadable(`${where}.enabled is not a boolean`)
  if (entry.enabled === true) result.enabled = true
  const imports = entry['import-values']
  if (imports !== undefined) {
    if (!Array.isArray(imports))
      throw new Unreadable(`${where}.import-values is not a list`)
    result.importValues = imports.map(v =>
      importValue(v, `${where}.import-values`)
    )
  }
  if (typeof result.name !== 'string')
    throw new Unreadable(`${where} has no name`)
  return result as unknown as HelmDependency
}

function dependencyList(
  root: unknown,
  file: string,
  fields: ReadonlySet<string>
): HelmDependency[] {
  const list = (root as Record<string, unknown> | null)?.dependencies
  if (!Array.isArray(list))
    throw new Unreadable(`${file} has no dependencies list`)
  return list.map((raw, i) =>
    dependency(raw, `${file} dependencies[${i}]`, fields)
  )
}

function attempt<T>(read: () => T): Read<T> {
  try {
    return { value: read() }
  } catch (error) {
    if (error instanceof Unreadable) return { reason: error.message }
    throw error
  }
}

/** Chart.yaml's dependencies as Helm hashes them; only apiVersion v2 charts have a Chart.lock. */
export function readChartDependencies(source: string): Read<HelmDependency[]> {
  return attempt(() => {
    const root = parseYaml11(source, 'Chart.yaml')
    const apiVersion = (root as Record<string, unknown> | null)?.apiVersion
    if (apiVersion !== 'v2')
      throw new Unreadable(
        `Chart.yaml has apiVersion ${String(apiVersion)}, not v2`
      )
    return dependencyList(root, 'Chart.yaml', DEPENDENCY_FIELDS)
  })
}

/** A Chart.lock as Helm writes it: its entries (name, repository, version) and digest. */
export interface ChartLock {
  dependencies: HelmDependency[]
  digest: string
}

export function readChartLock(source: string): Read<ChartLock> {
  return attempt(() => {
    const root = parseYaml11(source, 'Chart.lock')
    const digest = (root as Record<string, unknown> | null)?.digest
    return {
      dependencies: dependencyList(root, 'Chart.lock', LOCK_ENTRY_FIELDS),
      digest: text(digest, 'Chart.lock digest')
    }
  })
}
