// What the preview renders: a place, the way a consumer of the chart runs
// Helm on it (release name, namespace, values files and `--set` values in
// order, CRDs, capabilities), rendered at the old and the new version of its
// pin. Types only: each GitOps tool describes its places in these words
// (gitops/tools), and render/ runs Helm from them without knowing the tool.
import type { Resource } from './manifests.js'

/** One values file handed to `helm template -f`, in order: later ones win. */
export interface ValuesFile {
  /** What it is, for messages: `valueFiles: values-prod.yaml`, `values`, `valuesObject`… */
  name: string
  /** YAML text (a JSON object is YAML too); empty when `fromChart` says where it is. */
  text: string
  /**
   * A file inside the chart package (e.g. Argo CD's `valueFiles` of an OCI chart
   * source), read by the renderer from the unpacked chart at each version:
   * its text is not known when the place is built. Never absolute, no `..`.
   */
  fromChart?: string
  /** Left out without a word when absent (e.g. Argo CD's `ignoreMissingValueFiles`). */
  optional?: boolean
  /**
   * Makes what Helm gets from the text read (`text`, or the chart's file):
   * e.g. Kustomize merges `valuesInline` into the chart's values.yaml, known
   * only once the chart is pulled. An error fails the render.
   */
  derive?: (text: string) => { text: string } | { error: string }
  /**
   * `fromChart` is a glob (`*`, `?`, `[`, `**`; Argo CD 3.4's `valueFiles`):
   * the chart's files it matches at each version, in lexical order, each
   * used once, a file named by another `fromChart` of the place left to
   * that one. Matching nothing fails the render, unless `optional`.
   */
  glob?: boolean
}

/** One `--set` / `--set-string` / `--set-file` of the consumer, applied after the files. */
export interface SetValue {
  /** Helm's `--set` path, e.g. `image.tag` or `a.b[0]`. */
  path: string
  value: string
  /** `--set-string` (e.g. Argo CD's `forceString`), else `--set`. */
  forceString: boolean
  /** `--set-file`: `value` is the file's text (e.g. Argo CD's `fileParameters`). */
  fromFile?: boolean
}

/**
 * The chart's values.yaml replaced by files of the chart merged in order
 * (Flux's `chart.spec.valuesFiles`): render/chart-values.ts.
 */
export interface ChartValues {
  /** Paths inside the chart; `values.yaml` is the chart's own. */
  files: string[]
  /** A file not in the chart is left out (else the render fails, as the tool's build does). */
  ignoreMissing: boolean
}

/** Skip: none applied; Create: only new ones; CreateReplace: all; none deleted. */
export type CrdUpgradePolicy = 'Skip' | 'Create' | 'CreateReplace'

/** Labels and annotations the consumer sets on every rendered object. */
export interface CommonMetadata {
  labels: Record<string, string>
  annotations: Record<string, string>
}

/**
 * What a tool's post-renderers make of Helm's output at one version (Flux's
 * `spec.postRenderers`: gitops/tools/flux/post-render.ts), before
 * `commonMetadata`: the resources after them, and what could not be applied.
 */
export type PostRender = (
  resources: Resource[],
  /** `Kind namespace/name` of each resource Helm rendered more than once. */
  duplicates: readonly string[]
) => {
  resources: Resource[]
  notes: string[]
}

/**
 * Helm hooks a GitOps tool does not apply, left out of the preview
 * (render/hooks.ts): `tests` (every event of the hook a test), `skip-tests`
 * (as `helm template --skip-tests`), `no-hooks` (every hook).
 */
export interface HookFilter {
  which: 'tests' | 'skip-tests' | 'no-hooks'
  /** Why, for the pull request: "Argo CD does not run Helm test hooks". */
  why: string
}

/** How the consumer renders the chart at one pin. */
export interface RenderPlace {
  /** The GitOps file and the line of the bumped version. */
  file: string
  line: number
  /** A short title for the pull request, e.g. `Application web (spec.sources[0])`. */
  title: string
  /** `oci://<registry>/<repository>/<name>` of the chart rendered. */
  chartRef: string
  releaseName: string
  namespace?: string
  valueFiles: ValuesFile[]
  setValues: SetValue[]
  /** Render CRDs (`--include-crds`); false is Helm's `--skip-crds` (e.g. Argo CD's `skipCrds`). */
  includeCrds: boolean
  kubeVersion?: string
  apiVersions: string[]
  /** The chart's own default values replaced (Flux's `chart.spec.valuesFiles`). */
  chartValues?: ChartValues
  /**
   * How an upgrade applies the chart's `crds/` folder (Flux's
   * `upgrade.crds`): render/crd-upgrade.ts. Unset: as `helm template` prints it.
   */
  crdsOnUpgrade?: CrdUpgradePolicy
  /** `--skip-schema-validation` (Flux's `disableSchemaValidation`). */
  skipSchemaValidation?: boolean
  /** Run over the rendered resources first (Flux's `postRenderers`). */
  postRenderers?: PostRender
  /** Set on every rendered object's metadata (Flux's `commonMetadata`). */
  commonMetadata?: CommonMetadata
  /** `--skip-tests`: the chart's test hooks left out (e.g. Kustomize's `skipTests`). */
  skipTests?: boolean
  /** `--no-hooks`: every hook left out (e.g. Kustomize's `skipHooks`). */
  noHooks?: boolean
  /**
   * Values that differ with the version rendered (Argo CD's build
   * environment holds the revision): at a version named here, these
   * replace `valueFiles` and `setValues`, which hold the new version's.
   */
  atVersion?: Readonly<Record<string, VersionValues>>
  /** What could not be taken into account, said in the pull request ("values from Secret x not shown"). */
  notes: string[]
  /** Set when this place is not rendered at all, with why ("generated per element"). */
  skipped?: string
  /**
   * An umbrella chart: the chart rendered is the GitOps repository's own chart
   * at `chartDir` (relative to the clone), with dependency `dependency` at the
   * old and at the new version; `chartRef` is the dependency's.
   */
  umbrella?: { chartDir: string; dependency: string }
  /**
   * The GitOps tool whose own Helm renders this place (`Argo CD`): the
   * preview says which Helm it took for it. Absent: Helm as the user runs it.
   */
  helmOf?: string
  /** Hooks the tool does not apply; absent, every rendered hook is shown. */
  hooks?: HookFilter
}

/** A place's values at one version (see `RenderPlace.atVersion`). */
export interface VersionValues {
  valueFiles: ValuesFile[]
  setValues: SetValue[]
}

/** A file of the GitOps repository, read safely (no path out of the clone, no symlink): undefined when absent. */
export type ReadRepoFile = (path: string) => Buffer | undefined

/** A place and the versions its pin moves between: the preview renders both. */
export interface PlaceChange {
  place: RenderPlace
  versions: { old: string; new: string }
}
