// What the preview renders: a place, the way a consumer of the chart runs
// Helm on it (release name, namespace, values files and `--set` values in
// order, CRDs, capabilities), rendered at the old and the new version of its
// pin. Types only: each GitOps tool describes its places in these words
// (gitops/tools), and render/ runs Helm from them without knowing the tool.

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
  /** `--skip-tests`: test hooks left out (e.g. Argo CD's `skipTests`). */
  skipTests?: boolean
  /** `--skip-schema-validation` (e.g. Argo CD's `skipSchemaValidation`). */
  skipSchemaValidation?: boolean
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
