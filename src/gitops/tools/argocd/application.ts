// Argo CD: how an Application's source (`spec.source`, or one of
// `spec.sources`) renders the chart. Argo CD's precedence, lowest first:
// valueFiles, then `values` or `valuesObject` (the object replaces the
// string when both are set), then `parameters` and `fileParameters`. The
// build environment's variables (env.ts) hold the revision, so values that
// use it are worked out at the old and at the new version (versions.ts).
import { stringify } from 'yaml'
import type {
  RenderPlace,
  SetValue,
  ValuesFile,
  VersionValues
} from '../../../render/place.js'
import {
  emptyPlace,
  skippedPlace,
  type PinPlace,
  type PlaceContext
} from '../../places/context.js'
import {
  booleanAt,
  isPlainMap,
  listAt,
  mapAt,
  scalarText,
  readCapabilities,
  stringAt,
  walkPath,
  type PlainMap
} from '../../places/plain.js'
import type { ArgoEnvironment } from './env.js'
import { argoSourceFiles } from './values.js'
import { valuesAtVersions, type PinVersions } from './versions.js'

/**
 * The place of the source at `sourcePath` (`spec.sources[1]`) of the
 * Application `application` (a manifest, or an ApplicationSet's template
 * filled in); `title` names it in the pull request; `versions`, the pin's.
 */
export function applicationPlace(
  application: PlainMap,
  sourcePath: string,
  at: PinPlace,
  title: string,
  context: PlaceContext,
  versions?: PinVersions
): RenderPlace {
  const source = walkPath(application, sourcePath)
  if (!isPlainMap(source))
    return skippedPlace(
      at,
      title,
      context.chartRef,
      `not rendered: no source at ${sourcePath}`
    )
  const spec = mapAt(application, 'spec')
  const helm = mapAt(source, 'helm')
  const releaseName =
    stringAt(helm, 'releaseName') ??
    stringAt(mapAt(application, 'metadata'), 'name') ??
    ''
  const place = emptyPlace(at, title, context.chartRef, releaseName)
  const namespace =
    stringAt(helm, 'namespace') ??
    stringAt(mapAt(spec, 'destination'), 'namespace')
  if (namespace) place.namespace = namespace
  const values = valuesAtVersions({ application, source, versions }, env =>
    sourceValues(helm, listAt(spec, 'sources'), context, env)
  )
  place.valueFiles = values.valueFiles
  place.setValues = values.setValues
  if (values.atVersion) place.atVersion = values.atVersion
  place.notes.push(...values.notes)
  // Argo CD passes --include-crds unless told to skip them.
  place.includeCrds = booleanAt(helm, 'skipCrds') !== true
  // util/helm/cmd.go, Cmd.template (v2.14.0): the two flags as written.
  if (booleanAt(helm, 'skipTests') === true) place.skipTests = true
  if (booleanAt(helm, 'skipSchemaValidation') === true)
    place.skipSchemaValidation = true
  readCapabilities(helm, place)
  return place
}

/** The source's values with the variables of one version. */
function sourceValues(
  helm: PlainMap | undefined,
  sources: readonly unknown[],
  context: PlaceContext,
  env: ArgoEnvironment
): VersionValues & { notes: string[] } {
  const notes: string[] = []
  const files = argoSourceFiles(helm, sources, context, env)
  return {
    valueFiles: [...files.valueFiles, ...inlineValues(helm, notes)],
    setValues: [...parameters(helm, notes, env), ...files.fileParameters],
    notes: [...notes, ...files.notes]
  }
}

/** `values` (a YAML string) or `valuesObject`, as one values file. */
function inlineValues(
  helm: PlainMap | undefined,
  notes: string[]
): ValuesFile[] {
  const object = mapAt(helm, 'valuesObject')
  const values = helm?.values
  if (object) {
    if (values !== undefined)
      notes.push(
        'values ignored: valuesObject is set, and Argo CD uses it instead'
      )
    return [{ name: 'valuesObject', text: stringify(object) }]
  }
  if (typeof values === 'string') return [{ name: 'values', text: values }]
  // Older manifests write `values` as a mapping; Argo CD reads it as YAML.
  if (isPlainMap(values)) return [{ name: 'values', text: stringify(values) }]
  return []
}

/** `parameters`: `--set`, or `--set-string` with `forceString`; values substituted. */
function parameters(
  helm: PlainMap | undefined,
  notes: string[],
  env: ArgoEnvironment
): SetValue[] {
  const sets: SetValue[] = []
  for (const parameter of listAt(helm, 'parameters')) {
    const path = stringAt(parameter, 'name')
    if (!path) {
      notes.push('parameters: an entry without a name is left out')
      continue
    }
    const value = isPlainMap(parameter)
      ? scalarText(parameter.value)
      : undefined
    const forceString = booleanAt(parameter, 'forceString') === true
    sets.push({ path, value: env.subst(value ?? ''), forceString })
  }
  return sets
}
