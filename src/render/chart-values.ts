// A chart whose values.yaml is replaced by other files of the chart merged
// in order: what Flux's source-controller builds for a HelmRelease's
// `chart.spec.valuesFiles` (internal/helm/chart/builder_remote.go
// `mergeChartValues`, then metadata.go `OverwriteChartDefaultValues`). A
// file not listed gives no default, values.yaml included. The chart is
// unpacked into a folder of ours (regular files only, every name checked to
// stay inside it) for Helm to render.
import fs from 'node:fs'
import path from 'node:path'
import { errorMessage } from '../errors.js'
import { chartRelativePath, packageEntries } from './chart-file.js'
import type { ChartValues } from './place.js'
import {
  mergeMaps,
  readValues,
  unlessTooDeep,
  type PlainMap
} from './values-merge.js'

const VALUES_FILE = 'values.yaml'

/** What Helm's loader keeps out of `chart.Files`, where Flux looks. */
const NOT_IN_FILES =
  /^(Chart\.yaml|Chart\.lock|values\.schema\.json|requirements\.(yaml|lock)|templates\/.*|charts\/.*)$/

/**
 * `packagePath` unpacked into `destination` with its values.yaml replaced:
 * the folder to render, or Flux's error (a missing file without
 * `ignoreMissing`, a file that is not YAML).
 */
export function chartWithValues(
  packagePath: string,
  chartValues: ChartValues,
  destination: string
): { path: string } | { error: string } {
  const files = chartFiles(packagePath)
  if ('error' in files) return files
  const merged = unlessTooDeep(
    () => mergeValuesFiles(files.files, chartValues),
    { error: 'the values files are nested too deeply to merge here' }
  )
  if ('error' in merged)
    return { error: `failed to merge chart values: ${merged.error}` }
  const values = merged.values
  if (!files.files.has(VALUES_FILE))
    return { error: `failed to locate values file: ${VALUES_FILE}` }
  const text =
    Object.keys(values).length > 0 ? `${JSON.stringify(values)}\n` : ''
  files.files.set(VALUES_FILE, Buffer.from(text))
  const chartDir = path.join(destination, files.top)
  try {
    for (const [name, body] of files.files) {
      const file = path.join(chartDir, name)
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, body)
    }
  } catch (error) {
    // A name that is both a file and a folder, say: Helm's loader refuses it too.
    return {
      error: `the chart package cannot be unpacked: ${errorMessage(error)}`
    }
  }
  return { path: chartDir }
}

interface ChartFiles {
  /** The package's top folder, the chart's name. */
  top: string
  /** Regular files by their path inside the chart. */
  files: Map<string, Buffer>
}

function chartFiles(packagePath: string): ChartFiles | { error: string } {
  const files = new Map<string, Buffer>()
  let top: string | undefined
  for (const entry of packageEntries(fs.readFileSync(packagePath))) {
    if (!entry.regular) continue
    const [first, ...rest] = entry.name.split('/')
    const inside = chartRelativePath(rest.join('/'))
    const folder = chartRelativePath(first)
    if (!inside || !folder || folder.includes('/')) continue
    top ??= folder
    if (folder === top && !files.has(inside)) files.set(inside, entry.body)
  }
  if (!top) return { error: 'the chart package holds no file' }
  return { top, files }
}

/** Values nested past what the action's own stack holds are not merged. */
/** `mergeChartValues`: each file in order; values.yaml is the chart's own. */
function mergeValuesFiles(
  files: ReadonlyMap<string, Buffer>,
  chartValues: ChartValues
): { values: PlainMap } | { error: string } {
  let merged: PlainMap = {}
  for (const wanted of chartValues.files) {
    const name = chartRelativePath(wanted)
    const inFiles = name !== undefined && !NOT_IN_FILES.test(name)
    const body = name === VALUES_FILE || inFiles ? files.get(name) : undefined
    if (body === undefined) {
      if (chartValues.ignoreMissing) continue
      return { error: `no values file found at path '${wanted}'` }
    }
    const read = readValues(body.toString('utf8'))
    if ('error' in read)
      return {
        error: `unmarshaling values from '${wanted}' failed: ${read.error}`
      }
    merged = mergeMaps(merged, read.values)
  }
  return { values: merged }
}
