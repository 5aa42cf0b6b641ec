// Whether a chart's values.schema.json files reach outside themselves. Helm
// validates values against them while rendering, and follows their
// references with loaders for `file:`, `http:` and `https:` URLs (Helm 4.2:
// pkg/chart/common/util/jsonschema.go; Helm 3: gojsonschema): a `$ref` to
// `file:///proc/…` reads the runner's files into Helm's error (a JSON file's
// `enum` is quoted whole), one to `http://127.0.0.1:…` reaches the runner's
// own services, which no proxy setting stops (Go never proxies loopback),
// and a `$schema` that is not one of the drafts the libraries carry is
// fetched. So every schema file of the chart, its subcharts and their
// packages (at any depth, as Helm reads them: any entry named
// values.schema.json, a UTF-8 BOM dropped) is read first; a reference that
// is not inside its own document means the render skips schema validation
// (`--skip-schema-validation`) and says so.
import fs from 'node:fs'
import path from 'node:path'
import { packageEntries } from './chart-file.js'

const SCHEMA_FILE = 'values.schema.json'
/** Chart packages inside packages followed at most this deep. */
const MAX_DEPTH = 8
/** Files and folders of an umbrella chart's folder looked at, at most. */
const MAX_FOLDER_ENTRIES = 20_000
/** JSON values of one schema walked, at most. */
const MAX_NODES = 1_000_000
/** Shown in the note: the first few references. */
const SHOWN = 3

// The metaschemas both libraries carry (no load): drafts 4, 6 and 7 over
// http, 2019-09 and 2020-12 over https, as they are written in the drafts.
const KNOWN_SCHEMAS = new Set([
  'http://json-schema.org/draft-04/schema',
  'http://json-schema.org/draft-06/schema',
  'http://json-schema.org/draft-07/schema',
  'https://json-schema.org/draft/2019-09/schema',
  'https://json-schema.org/draft/2020-12/schema'
])
const REFERENCE_KEYS = ['$ref', '$dynamicRef', '$recursiveRef']

/** What was found outside: references (or why the schemas could not be read). */
export interface OutsideReferences {
  /** `file.json: $ref http://…`, the first few. */
  found: string[]
}

/**
 * The references of the chart at `chart` (a package or a folder) that leave
 * their own schema document, or why its schemas could not all be read.
 * Empty when Helm may validate with nothing loaded.
 */
export function outsideReferences(chart: string): OutsideReferences {
  const found: string[] = []
  try {
    const stat = fs.lstatSync(chart)
    if (stat.isDirectory()) scanFolder(chart, found)
    else scanPackage(fs.readFileSync(chart), path.basename(chart), found, 0)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    found.push(`${path.basename(chart)}: not readable (${why})`)
  }
  return { found: found.slice(0, SHOWN) }
}

function scanPackage(
  bytes: Uint8Array,
  name: string,
  found: string[],
  depth: number
): void {
  if (depth > MAX_DEPTH) {
    found.push(`${name}: packages nest deeper than ${MAX_DEPTH}`)
    return
  }
  for (const entry of packageEntries(bytes)) {
    if (found.length >= SHOWN) return
    if (entry.directory) continue
    const inside = `${name}/${entry.name.replace(/\\/g, '/')}`
    if (isSchemaFile(entry.name)) scanSchema(entry.body, inside, found)
    else if (isPackage(entry.name))
      scanPackage(entry.body, inside, found, depth + 1)
  }
}

function scanFolder(root: string, found: string[]): void {
  const entries = fs.readdirSync(root, { recursive: true, withFileTypes: true })
  if (entries.length > MAX_FOLDER_ENTRIES) {
    found.push(`the chart holds more than ${MAX_FOLDER_ENTRIES} files`)
    return
  }
  for (const entry of entries) {
    if (found.length >= SHOWN) return
    if (entry.isDirectory()) continue
    const file = path.join(entry.parentPath, entry.name)
    const inside = path.relative(root, file).split(path.sep).join('/')
    if (isSchemaFile(entry.name))
      scanSchema(fs.readFileSync(file), inside, found)
    else if (isPackage(entry.name))
      scanPackage(fs.readFileSync(file), inside, found, 1)
  }
}

function isSchemaFile(name: string): boolean {
  return name.replace(/\\/g, '/').split('/').pop() === SCHEMA_FILE
}

function isPackage(name: string): boolean {
  return /\.(tgz|tar\.gz)$/i.test(name)
}

/** One schema file's references outside itself, added to `found`. */
function scanSchema(bytes: Buffer, file: string, found: string[]): void {
  let schema: unknown
  try {
    schema = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch {
    found.push(`${file}: not JSON the preview can read`)
    return
  }
  const stack: unknown[] = [schema]
  for (let nodes = 0; stack.length > 0 && found.length < SHOWN; nodes++) {
    if (nodes > MAX_NODES) {
      found.push(`${file}: more than ${MAX_NODES} values`)
      return
    }
    const value = stack.pop()
    if (typeof value !== 'object' || value === null) continue
    const children = Array.isArray(value) ? value : Object.values(value)
    if (!Array.isArray(value))
      for (const problem of keyProblems(value as Record<string, unknown>))
        found.push(`${file}: ${problem}`)
    for (const child of children) stack.push(child)
  }
}

/** `$ref`s that are not `#…` fragments, and a `$schema` no library carries. */
function keyProblems(map: Record<string, unknown>): string[] {
  const problems: string[] = []
  for (const key of REFERENCE_KEYS) {
    const ref = map[key]
    if (ref === undefined) continue
    if (typeof ref !== 'string' || (ref !== '' && !ref.startsWith('#')))
      problems.push(`${key} ${JSON.stringify(ref)}`)
  }
  const schema = map['$schema']
  if (
    schema !== undefined &&
    (typeof schema !== 'string' || !KNOWN_SCHEMAS.has(schema.replace(/#$/, '')))
  )
    problems.push(`$schema ${JSON.stringify(schema)}`)
  return problems
}
