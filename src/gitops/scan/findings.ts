// What the scan of one file finds, and when a pin must be left alone whatever
// its value: its bytes are not its own (a YAML alias, a merge key) or cannot
// be rewritten in place (a block scalar).
import type { Field } from '../../yaml/merge-keys.js'
import type {
  DigestField,
  Pin,
  PinDigest,
  PinKind,
  ScanProblem,
  ScanResult
} from './types.js'
import type { ScalarSpan } from '../../yaml/types.js'
import type { MapCursor } from '../../yaml/cursor.js'

/** What a tool adds to a pin it found. */
export interface PinDetail {
  /** Extra detail for the report. */
  note?: string
  /** Why the pin is left alone; when unset, sharing is checked. */
  blocked?: string
  /** The tool reads `<version>@<digest>` in the version scalar. */
  digestSuffix?: boolean
  /** The key next to the version that holds the digest (Flux `digest`). */
  digestKey?: string
}

/** Pins and problems of one file, shared by its documents. */
export class Findings implements ScanResult {
  readonly pins: Pin[] = []
  readonly problems: ScanProblem[] = []

  /** Records the version at `at.key` as a pin; a missing version is a problem. */
  addPin(
    at: MapCursor,
    key: string,
    kind: PinKind,
    detail: PinDetail = {}
  ): void {
    const found = at.field(key)
    const path = at.pathTo(key)
    if (!found) {
      this.addProblem(
        at,
        `${path} is not set, so there is no version to bump; set it to an exact version to have releases bump it.`
      )
      return
    }
    const span = at.document.spanOf(found.value)
    if (!span) {
      this.addProblem(
        at,
        `${path} is not a single version value; it is left alone.`
      )
      return
    }
    const digest = digestOf(at, detail)
    const blocked =
      detail.blocked ??
      sharedReason(at, found, span) ??
      (isProblemText(digest) ? digest : undefined)
    this.pins.push({
      ...pinAt(at.document.file, path, kind, span),
      ...withoutUndefined({
        note: detail.note,
        blocked,
        digest: isProblemText(digest) ? undefined : digest
      })
    })
  }

  addProblem(at: MapCursor, message: string): void {
    this.problems.push({ file: at.document.file, line: at.line, message })
  }
}

// Fields in the order reports have always listed them.
function pinAt(
  file: string,
  path: string,
  kind: PinKind,
  span: ScalarSpan
): Pin {
  const { line, column, current, start, end, quote } = span
  return { file, line, column, kind, path, current, start, end, quote }
}

/** Where the pin's digest is, or why the digest next to it cannot be edited. */
function digestOf(
  at: MapCursor,
  { digestSuffix, digestKey }: PinDetail
): PinDigest | string | undefined {
  if (digestKey === undefined)
    return digestSuffix ? { form: 'suffix' } : undefined
  const found = at.field(digestKey)
  const path = at.pathTo(digestKey)
  const span = found && at.document.spanOf(found.value)
  if (!found || !span) return `${path} is not a single value; it is left alone`
  const shared = sharedReason(at, found, span)
  if (shared) return `${path}: ${shared}`
  return { form: 'field', field: digestFieldAt(path, span) }
}

function digestFieldAt(path: string, span: ScalarSpan): DigestField {
  const { line, column, current, start, end, quote } = span
  return { path, line, column, current, start, end, quote }
}

function isProblemText(value: PinDigest | string | undefined): value is string {
  return typeof value === 'string'
}

function sharedReason(
  at: MapCursor,
  found: Field,
  span: ScalarSpan
): string | undefined {
  if (span.quote === 'alias') {
    const alias = at.document.text.slice(span.start, span.end)
    return `the value is the alias ${alias}; it changes only with its anchor`
  }
  if (at.viaAlias || found.merged) {
    return 'the value is shared through a YAML alias or merge key; bump it where the anchor is defined'
  }
  if (span.quote === 'block')
    return 'the version is a block scalar; edit it by hand'
  return undefined
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined)
  ) as Partial<T>
}
