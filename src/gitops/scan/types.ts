// The records a scan hands to the rest of the GitOps code: the chart looked
// for, the pins found with their exact spans, and what kept a file from
// being scanned.
import type { FileProblem, QuoteStyle, ScalarSpan } from '../../yaml/types.js'

/** The chart being released: it lives at `oci://<registry>/<repository>/<name>`. */
export interface ChartRef {
  readonly name: string
  /** host[:port], e.g. `ghcr.io` (compared case-insensitively). */
  readonly registry: string
  /** Path inside the registry, e.g. `acme/charts`. */
  readonly repository: string
}

/**
 * Which kind of resource holds a pin, named by the tool that finds it,
 * `<tool>-<resource>` (`flux-helmrelease`): each tool lists its own
 * (gitops/tools), and how it renders each.
 */
export type PinKind = string

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
  /** Set when the tool also reads a digest of the chart here: a bump moves it too. */
  digest?: PinDigest
}

/**
 * Where a pin's tool reads the chart's digest: in the version scalar itself
 * (`1.2.3@sha256:…`, when written so), or in a second scalar next to it
 * (Flux `spec.ref.digest`, which wins over `spec.ref.tag`).
 */
export type PinDigest =
  { form: 'suffix' } | { form: 'field'; field: DigestField }

/** The second scalar of a pin: its digest, with its own exact span. */
export interface DigestField extends ScalarSpan {
  /** YAML path, e.g. `spec.ref.digest`. */
  path: string
}

/**
 * Something the user should know about a file: it was not read (`notRead`:
 * its YAML does not parse, or reading it takes too much work), or it was
 * read and a pin of the chart in it cannot be moved (the message says why).
 */
export interface ScanProblem extends FileProblem {
  notRead?: true
}

/** Pins and problems found in one file. */
export interface ScanResult {
  pins: Pin[]
  problems: ScanProblem[]
}
