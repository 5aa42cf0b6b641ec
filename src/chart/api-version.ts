// The chart formats the action publishes are the ones Helm 3 and 4 lint,
// package and push: `apiVersion: v2`, and Helm 2's `v1` (podinfo's chart is
// one). The refusals here are Helm's own, made before anything is pushed:
// `helm lint` (pkg/lint/rules/chartfile.go in v3.17.3,
// pkg/chart/v2/lint/rules/chartfile.go in v4.2.3) requires an apiVersion of
// "v1" or "v2" (validateChartAPIVersion) and allows `dependencies` and `type`
// in Chart.yaml only for v2 (validateChartDependencies, validateChartType).
// A v1 chart lists its dependencies in requirements.yaml and locks them in
// requirements.lock (pkg/chart/loader/load.go; pkg/downloader/manager.go).
import { isMap, parseDocument, type Document } from 'yaml'
import { UserError } from '../errors.js'

/** The Chart.yaml formats Helm 3 and 4 publish. */
export type ChartApiVersion = 'v1' | 'v2'

/** Where a v1 chart's dependencies live (Helm 2's format). */
export const REQUIREMENTS_FILE = 'requirements.yaml'

/** The lock `helm dependency build` reads for a chart of this format. */
export function lockFileName(apiVersion: ChartApiVersion): string {
  return apiVersion === 'v1' ? 'requirements.lock' : 'Chart.lock'
}

/**
 * The chart's apiVersion, or a refusal where `helm lint` refuses: none, or
 * anything but v1 and v2. `written` is the scalar as written.
 */
export function checkApiVersion(
  written: string | undefined,
  file: string,
  line?: number
): ChartApiVersion {
  if (written === 'v1' || written === 'v2') return written
  const found = written ? `'apiVersion: ${written}'` : 'no apiVersion'
  throw new UserError(
    `${file} has ${found}; Helm publishes only charts with 'apiVersion: v2' ` +
      "(or Helm 2's v1): set 'apiVersion: v2'.",
    { file, line: line ?? 1 }
  )
}

/**
 * Refuses the Chart.yaml keys `helm lint` refuses in a v1 chart, with the
 * fix: `dependencies` belong in requirements.yaml, `type` needs v2.
 */
export function checkV1Keys(
  doc: Document,
  file: string,
  lineOf: (key: string) => number | undefined
): void {
  if (doc.has('dependencies')) {
    throw new UserError(
      `${file} has 'apiVersion: v1' and lists 'dependencies', which Helm ` +
        "refuses in a v1 Chart.yaml: set 'apiVersion: v2', or move them " +
        `into ${REQUIREMENTS_FILE}.`,
      { file, line: lineOf('dependencies') ?? 1 }
    )
  }
  if (doc.has('type')) {
    throw new UserError(
      `${file} has 'apiVersion: v1' and sets 'type', which Helm refuses ` +
        "in a v1 chart: set 'apiVersion: v2', or remove 'type'.",
      { file, line: lineOf('type') ?? 1 }
    )
  }
}

/**
 * The `dependencies` of a requirements.yaml, as plain data for Chart.yaml's
 * reader; undefined without the file or the key. Helm's loader reads the file
 * over the chart's metadata whatever its apiVersion (a v2 chart only gets a
 * warning), with Go's case-insensitive keys (sigs.k8s.io/yaml, then
 * encoding/json): its `dependencies` win over Chart.yaml's, and a `name` or
 * `version` in it would publish another chart than Chart.yaml says (refused,
 * as the mirror refuses such a package: mirror/chart-identity.ts).
 */
export function requirementsDependencies(
  text: string | undefined,
  file: string
): unknown {
  if (text === undefined) return undefined
  const doc = parseDocument(text, { prettyErrors: false })
  if (doc.errors.length > 0 || !(isMap(doc.contents) || !doc.contents)) {
    throw new UserError(
      `${file} is not a YAML mapping Helm can read: fix it, or set ` +
        "'apiVersion: v2' in Chart.yaml and list the dependencies there.",
      { file }
    )
  }
  let dependencies: unknown
  const data = (doc.toJS() ?? {}) as Record<string, unknown>
  for (const [key, value] of Object.entries(data)) {
    const field = goField(key)
    if (field === 'name' || field === 'version')
      throw new UserError(
        `${file} sets '${key}', which Helm reads over Chart.yaml's: the ` +
          'package would be another chart than Chart.yaml says. Remove it ' +
          `from ${REQUIREMENTS_FILE}.`,
        { file }
      )
    // encoding/json: the last of keys that fold alike wins.
    if (field === 'dependencies') dependencies = value
  }
  return dependencies
}

/**
 * A key as encoding/json matches it to a field (strings.EqualFold): the
 * only non-ASCII letters that fold to ASCII ones are ſ and the Kelvin sign.
 */
function goField(key: string): string {
  return key
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .replace(/[A-Z]/g, c => c.toLowerCase())
}

/** The notice for a v1 chart: published as it is; v2 suggested. */
export function v1Notice(file: string): string {
  return (
    `${file} has 'apiVersion: v1' (Helm 2's format); Helm 3 and 4 publish ` +
    "it as it is. Consider 'apiVersion: v2', with requirements.yaml's " +
    'dependencies moved into Chart.yaml.'
  )
}
