// The records a scan hands to the rest of the GitOps code: the chart looked
// for, the pins found with their exact spans, and what kept a file from
// being scanned.
import type { Document, LineCounter } from 'yaml'
import type { RepeatedKey } from './repeated-keys.js'
import type { TextRange } from './template-blanking.js'

/** The chart being released: it lives at `oci://<registry>/<repository>/<name>`. */
export interface ChartRef {
  readonly name: string
  /** host[:port], e.g. `ghcr.io` (compared case-insensitively). */
  readonly registry: string
  /** Path inside the registry, e.g. `acme/charts`. */
  readonly repository: string
}

/** Which kind of resource holds a pin. */
export type PinKind =
  | 'argocd-application'
  | 'argocd-applicationset'
  | 'argocd-oci'
  | 'flux-ocirepository'
  | 'flux-helmrelease'
  | 'kustomize-helmchart'
  | 'helm-dependency'

/** How the version is written in the source: edits keep the same style. */
export type QuoteStyle = 'plain' | 'single' | 'double' | 'block' | 'alias'

/** One place that pins the chart's version. */
export interface Pin {
  file: string
  /** 1-based line and column of the version scalar. */
  line: number
  column: number
  kind: PinKind
  /** YAML path of the version, e.g. `spec.sources[1].targetRevision`. */
  path: string
  /** The pinned value as YAML reads it (without quotes). */
  current: string
  /** Offsets in the text (string indices) of the scalar's source, quotes included. */
  start: number
  end: number
  quote: QuoteStyle
  /** Extra detail for the report, e.g. which HelmRepository matched. */
  note?: string
  /** Set when the pin must be left alone whatever its value; says why. */
  blocked?: string
}

/** Something the user should know about a file: it was not (fully) scanned. */
export interface ScanProblem {
  file: string
  line: number
  message: string
}

/** Pins and problems found in one file. */
export interface ScanResult {
  pins: Pin[]
  problems: ScanProblem[]
}

/** A Flux HelmRepository (type oci) that serves the chart's repository. */
export interface HelmRepositorySource {
  file: string
  line: number
  name: string
  namespace?: string
}

/** A parsed file, kept between the two passes so no file is parsed twice. */
export interface ParsedFile {
  text: string
  docs: Document.Parsed[]
  lines: LineCounter
  problem?: ScanProblem
  /** Set when the file was read with its template actions blanked. */
  template?: TemplateLayout
}

/** A Helm-templated file as it was read (`template-blanking.ts`). */
export interface TemplateLayout {
  /** The template actions, in text order: a scalar touching one is opaque. */
  readonly actions: readonly TextRange[]
  /** Mappings that set a key twice (both branches of a conditional). */
  readonly repeated: readonly RepeatedKey[]
}

/** What the first pass learns about the whole repository. */
export interface ScanContext {
  readonly helmRepositories: HelmRepositorySource[]
  readonly parsed: Map<string, ParsedFile>
}
