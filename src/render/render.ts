// Rendering one place at one chart version with the action's Helm, run
// isolated (helm/template.ts). Every failure (a package that cannot be
// pulled, `helm template` erring, a timeout) is a result: rendering never
// fails a release. Before Helm runs, the place's values are checked
// (place-check.ts) and the chart's schemas read (schema-refs.ts); the
// preview's time budget (budget.ts) bounds all the renders together.
import fs from 'node:fs'
import path from 'node:path'
import type { TemplateRequest } from '../helm/template-args.js'
import {
  DEFAULT_TEMPLATE_LIMITS,
  type HelmTemplate,
  type TemplateLimits,
  type TemplateOutput
} from '../helm/template.js'
import { errorMessage } from '../errors.js'
import { ChartNotInRegistry } from '../registry/chart-packages.js'
import type { TimeBudget } from './budget.js'
import {
  chartRelativePath,
  listChartPackageFiles,
  listFolderFiles,
  readChartPackageFile
} from './chart-file.js'
import { expandChartGlobs } from './chart-globs.js'
import { chartWithValues } from './chart-values.js'
import { withCommonMetadata } from './common-metadata.js'
import { crdsAfterUpgrade } from './crd-upgrade.js'
import { applicableResources } from './hooks.js'
import { splitManifests } from './manifests.js'
import {
  compareRenders,
  type PlaceOutcome,
  type RenderFailure,
  type RenderResult
} from './outcome.js'
import { placeRefusal } from './place-check.js'
import { outsideReferences } from './schema-refs.js'
import type { RenderPlace, SetValue, ValuesFile } from './place.js'
import { prepareUmbrella } from './umbrella.js'

export type { HelmTemplate } from '../helm/template.js'

/** The chart packages of one run: each version pulled once, by the GitOps step. */
export interface ChartPackages {
  /** The local path of the `.tgz` of `chartRef` (`oci://…`) at `version`. */
  packagePath(chartRef: string, version: string): Promise<string>
}

export interface RenderOptions {
  /** A folder for this run's temporary files (values files, umbrella copies). */
  workDir: string
  /** For an umbrella place: the absolute path of its chart folder in the clone. */
  umbrellaChartDir?: string
  limits?: TemplateLimits
  /** The preview's time budget, shared by all its renders. */
  budget?: TimeBudget
}

/** Renders `place` at the old and the new version and compares them. */
export async function renderPlaceChange(
  helm: HelmTemplate,
  place: RenderPlace,
  versions: { old: string; new: string },
  packages: ChartPackages,
  options: RenderOptions
): Promise<PlaceOutcome> {
  const reason = place.skipped ?? placeRefusal(place) ?? spent(options.budget)
  if (reason) return { status: 'skipped', place, reason }
  const before = await renderPlace(helm, place, versions.old, packages, options)
  if ('skip' in before && before.skip)
    return { status: 'skipped', place, reason: before.skip }
  const after = await renderPlace(helm, place, versions.new, packages, options)
  if ('skip' in after && after.skip)
    return { status: 'skipped', place, reason: after.skip }
  const upgraded = crdsAfterUpgrade(place.crdsOnUpgrade, before, after)
  return compareRenders(
    withNotes(place, before, upgraded),
    versions,
    before,
    upgraded
  )
}

function spent(budget: TimeBudget | undefined): string | undefined {
  return budget?.spent()
    ? `${budget.describe()} was spent on the places before`
    : undefined
}

/** The place with what its renders noted (a schema not checked), once each. */
function withNotes(
  place: RenderPlace,
  ...results: RenderResult[]
): RenderPlace {
  const notes = results.flatMap(result => result.notes ?? [])
  const added = [...new Set(notes)].filter(n => !place.notes.includes(n))
  return added.length ? { ...place, notes: [...place.notes, ...added] } : place
}

/** `helm template` of `place` at `version`, split into resources. */
export async function renderPlace(
  helm: HelmTemplate,
  place: RenderPlace,
  version: string,
  packages: ChartPackages,
  options: RenderOptions
): Promise<RenderResult> {
  let packagePath: string
  try {
    packagePath = await packages.packagePath(place.chartRef, version)
  } catch (error) {
    // The registry said there is no such version: not a failure to pull.
    if (error instanceof ChartNotInRegistry)
      return { error: error.message, notInRegistry: true }
    return {
      error: `could not pull ${place.chartRef}:${version}: ${errorMessage(error)}`
    }
  }
  fs.mkdirSync(options.workDir, { recursive: true })
  const folder = fs.mkdtempSync(path.join(options.workDir, 'render-'))
  try {
    return await renderIn(folder, helm, place, version, packagePath, options)
  } finally {
    fs.rmSync(folder, { recursive: true, force: true })
  }
}

async function renderIn(
  folder: string,
  helm: HelmTemplate,
  place: RenderPlace,
  version: string,
  packagePath: string,
  options: RenderOptions
): Promise<RenderResult> {
  const chart = chartToRender(folder, place, packagePath, options)
  if ('error' in chart) return chart
  const at = place.atVersion?.[version] ?? place
  const files = expandChartGlobs(at.valueFiles, chart.listFiles)
  if ('error' in files) return files
  const values = writeValuesFiles(folder, files.files, chart.readFile)
  if ('error' in values) return values
  const schema = schemaCheck(helm, chart.path)
  if ('error' in schema) return schema
  const unskippable = skipRefusal(helm, place)
  if (unskippable) return unskippable
  const request: TemplateRequest = {
    releaseName: place.releaseName,
    chart: chart.path,
    namespace: place.namespace,
    valuesFiles: values.paths,
    sets: setFlags(folder, at.setValues),
    includeCrds: place.includeCrds,
    kubeVersion: place.kubeVersion,
    apiVersions: place.apiVersions,
    skipSchemaValidation:
      place.skipSchemaValidation === true || schema.notes.length > 0,
    skipTests: place.skipTests,
    noHooks: place.noHooks
  }
  const output = await runTemplate(helm, request, options)
  if ('skip' in output) return { error: output.skip, skip: output.skip }
  if ('error' in output)
    return { ...namedError(output.error, values.names, folder), ...schema }
  const split = splitManifests(output.manifest, place.namespace ?? 'default')
  // helm-controller's order (internal/postrender/build.go): the
  // post-renderers, then commonMetadata.
  const post = place.postRenderers?.(split.resources, split.duplicates)
  const common = withCommonMetadata(
    post?.resources ?? split.resources,
    place.commonMetadata
  )
  const applied = applicableResources(common, place.hooks)
  return {
    ...split,
    resources: applied.resources,
    notes: [...schema.notes, ...(post?.notes ?? []), ...applied.notes]
  }
}

/**
 * Helm under the budget: never past what is left of it, and a render the
 * budget stopped is not rendered (rather than "does not render").
 */
async function runTemplate(
  helm: HelmTemplate,
  request: TemplateRequest,
  options: RenderOptions
): Promise<TemplateOutput | { skip: string }> {
  const limits = options.limits ?? DEFAULT_TEMPLATE_LIMITS
  const budget = options.budget
  if (!budget) return helm.template(request, limits)
  const reason = spent(budget)
  if (reason) return { skip: reason }
  const timeoutMs = Math.max(
    1,
    Math.min(limits.timeoutMs, budget.remainingMs())
  )
  const output: TemplateOutput = await helm.template(request, {
    ...limits,
    timeoutMs
  })
  if ('error' in output && output.stopped === 'time' && budget.spent())
    return { skip: `${budget.describe()} ran out while rendering it` }
  return output
}

/**
 * The chart's schemas read first: one that reaches outside itself is not
 * given to Helm to follow (`--skip-schema-validation`, said in a note);
 * a Helm without that flag is not run.
 */
function schemaCheck(
  helm: HelmTemplate,
  chart: string
): { notes: string[] } | RenderFailure {
  const { found } = outsideReferences(chart)
  if (found.length === 0) return { notes: [] }
  const what = `it refers outside itself (${found.join('; ')}), and the preview follows no such reference`
  if (!helm.skipsSchemaValidation) {
    const skip = `values.schema.json cannot be checked: ${what}; this Helm cannot skip schema validation (Helm 3.16 or later can)`
    return { error: skip, skip }
  }
  return { notes: [`values.schema.json not checked: ${what}`] }
}

/** A place that skips schema validation, and a Helm that cannot. */
function skipRefusal(
  helm: HelmTemplate,
  place: RenderPlace
): RenderFailure | undefined {
  if (!place.skipSchemaValidation || helm.skipsSchemaValidation) return
  const skip =
    'the place skips schema validation, and this Helm cannot (Helm 3.16 or later can)'
  return { error: skip, skip }
}

interface ChartToRender {
  path: string
  /** A file inside the chart, for `fromChart` values files. */
  readFile: (relative: string) => string | undefined
  /** The chart's regular files, for `fromChart` globs. */
  listFiles: () => string[]
}

function chartToRender(
  folder: string,
  place: RenderPlace,
  packagePath: string,
  options: RenderOptions
): ChartToRender | { error: string } {
  if (!place.umbrella && place.chartValues) {
    const unpacked = chartWithValues(
      packagePath,
      place.chartValues,
      path.join(folder, 'chart')
    )
    if ('error' in unpacked) return unpacked
    return folderChart(unpacked.path)
  }
  if (!place.umbrella) {
    return {
      path: packagePath,
      readFile: relative => readChartPackageFile(packagePath, relative),
      listFiles: () => listChartPackageFiles(packagePath)
    }
  }
  if (!options.umbrellaChartDir) {
    return { error: 'the umbrella chart folder was not given' }
  }
  const copy = prepareUmbrella(
    options.umbrellaChartDir,
    place.umbrella.dependency,
    packagePath,
    path.join(folder, 'umbrella')
  )
  if ('error' in copy) return copy
  return folderChart(copy.path)
}

/** A chart the render unpacked or copied into a folder of its own. */
function folderChart(dir: string): ChartToRender {
  return {
    path: dir,
    readFile: relative => readCopiedFile(dir, relative),
    listFiles: () => listFolderFiles(dir)
  }
}

/** A regular file of the umbrella copy (which holds no symlink: see umbrella.ts). */
function readCopiedFile(
  chartDir: string,
  relative: string
): string | undefined {
  const inside = chartRelativePath(relative)
  if (!inside) return undefined
  const file = path.join(chartDir, inside)
  const stat = fs.lstatSync(file, { throwIfNoEntry: false })
  return stat?.isFile() ? fs.readFileSync(file, 'utf8') : undefined
}

function writeValuesFiles(
  folder: string,
  files: readonly ValuesFile[],
  readChartFile: (relative: string) => string | undefined
): { paths: string[]; names: Map<string, string> } | RenderFailure {
  const dir = path.join(folder, 'values')
  fs.mkdirSync(dir)
  const paths: string[] = []
  const names = new Map<string, string>()
  for (const [index, file] of files.entries()) {
    const read =
      file.fromChart === undefined ? file.text : readChartFile(file.fromChart)
    // Argo CD's ignoreMissingValueFiles: a missing file is simply not applied.
    if (read === undefined && file.optional) continue
    if (read === undefined) {
      return {
        error: `values file ${file.fromChart ?? file.name} is not in the chart`,
        valuesFile: file.name
      }
    }
    const derived = file.derive ? file.derive(read) : { text: read }
    if ('error' in derived)
      return { error: `${file.name}: ${derived.error}`, valuesFile: file.name }
    const text = derived.text
    const written = path.join(dir, `${index}.yaml`)
    fs.writeFileSync(written, text)
    paths.push(written)
    names.set(written, file.name)
  }
  return { paths, names }
}

/**
 * `--set` values as Argo CD passes them: commas escaped (Helm splits
 * `--set` on them) unless the value is a `{a,b}` list.
 */
function setFlags(
  folder: string,
  values: readonly SetValue[]
): TemplateRequest['sets'] {
  return values.map((value, index) => {
    if (value.fromFile) {
      const file = path.join(folder, 'values', `set-file-${index}`)
      fs.writeFileSync(file, value.value)
      return { flag: '--set-file', path: value.path, value: file }
    }
    const flag = value.forceString ? '--set-string' : '--set'
    return { flag, path: value.path, value: escapeCommas(value.value) }
  })
}

export function escapeCommas(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value
  return value.replace(/(?<!\\),/g, '\\,')
}

/**
 * Helm's error with the temporary paths replaced by what they are
 * (`valueFiles: values-prod.yaml`), and the values file it names.
 */
function namedError(
  error: string,
  names: ReadonlyMap<string, string>,
  folder: string
): RenderResult {
  let text = error
  let valuesFile: string | undefined
  for (const [written, name] of names) {
    if (!text.includes(written)) continue
    text = text.split(written).join(name)
    valuesFile ??= name
  }
  text = text.split(folder + path.sep).join('')
  return valuesFile ? { error: text, valuesFile } : { error: text }
}
