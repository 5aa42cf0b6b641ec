// Decides what to do with each pin and rewrites exactly the bytes of the
// version scalars that are bumped: quotes, comments, line endings, BOM and
// everything else in the file stay as they were. Pure: no I/O.
import { UserError } from '../errors.js'
import {
  digestBlocker,
  digestMismatch,
  pinnedValue,
  type DigestMove,
  type ReleaseTarget
} from './digest-pin.js'
import type { ScanContext } from './scan/sources.js'
import type {
  ChartRef,
  Pin,
  PinKind,
  ScanProblem,
  ScanResult
} from './scan/types.js'
import { findPins } from './tools/index.js'
import {
  bareVersion,
  classifyVersion,
  precedence,
  rangeAdmits
} from './version-range.js'
import type { QuoteStyle } from '../yaml/types.js'

/** `bump`: rewrite it; `current`: already the new version; `skip`: leave it. */
export type BumpAction = 'bump' | 'current' | 'skip'

/** What to do with one pin, and why. */
export interface PinPlan {
  pin: Pin
  action: BumpAction
  reason: string
  /** The new version (without quotes), set when `action` is `bump`. */
  to?: string
  /** Set when the digest written with the version moves too. */
  digest?: DigestMove
}

/** A version alone (no digest known), or the version and its digest. */
export type BumpTarget = string | ReleaseTarget

/** Replace `text.slice(start, end)` with `text`. */
export interface TextEdit {
  start: number
  end: number
  text: string
}

/**
 * Plans a bump of every pin to `newVersion`: exact older versions are
 * bumped (keeping a `v` prefix), with the digest written next to them when
 * the target's digest is known; ranges, templates, bare digests, aliases and
 * newer versions are skipped with a reason.
 * @throws UserError when `newVersion` is not SemVer 2.
 */
export function planBump(
  pins: readonly Pin[],
  newVersion: BumpTarget
): PinPlan[] {
  const target = releaseTarget(newVersion)
  const version = requireVersion(target.version)
  return pins.map(pin => planPin(pin, { version, digest: target.digest }))
}

function releaseTarget(newVersion: BumpTarget): ReleaseTarget {
  return typeof newVersion === 'string'
    ? { version: newVersion, digest: '' }
    : newVersion
}

function requireVersion(newVersion: string): string {
  const version = bareVersion(newVersion)
  if (version) return version
  throw new UserError(
    `The chart version '${newVersion}' is not a SemVer 2 version (e.g. 1.2.3), ` +
      "so GitOps pins cannot be bumped to it: fix 'version' in Chart.yaml."
  )
}

// Why a value that is neither an exact version nor a range is left alone.
const NOT_BUMPABLE: Record<
  'template' | 'digest' | 'empty' | 'other',
  (value: string) => string
> = {
  template: value =>
    `'${value}' is a template expression; whatever renders it sets the version`,
  digest: value =>
    // `1.2.3@sha256:…` names a version too, but the digest decides what is pulled.
    value.includes('@')
      ? `'${value}' is a tag with a digest; the digest decides what is pulled, so it is left alone`
      : `'${value}' is a digest; pin a version instead to let releases bump it`,
  empty: () => 'the version is empty',
  other: value => `'${value}' is not a SemVer version or range`
}

function planPin(pin: Pin, target: ReleaseTarget): PinPlan {
  const { version } = target
  if (pin.blocked) return skip(pin, blockedReason(pin, version))
  // `1.2.3@sha256:…`, where the tool reads it, is a version with its digest.
  const pinned = pinnedValue(pin)
  const value = classifyVersion(pinned.version)
  if (value.kind === 'exact') {
    return planExact(pin, value, target, pinned.digest)
  }
  // A range or template with a digest: the whole is what the user reads.
  if (pinned.version !== pin.current)
    return skip(pin, NOT_BUMPABLE.digest(pin.current))
  if (value.kind === 'range')
    return skip(pin, rangeReason(pin.current, version))
  return skip(pin, NOT_BUMPABLE[value.kind](pin.current))
}

function planExact(
  pin: Pin,
  { prefix, version: bare }: { prefix: string; version: string },
  target: ReleaseTarget,
  digest: string | undefined
): PinPlan {
  const { version } = target
  const to = prefix + version
  if (bare === version) {
    const mismatch = digestMismatch(digest, target)
    if (mismatch) return skip(pin, mismatch)
    return { pin, action: 'current', reason: `already ${to}` }
  }
  if (precedence(bare, version) > 0) {
    return skip(
      pin,
      `'${pin.current}' is newer than ${version}; it is not downgraded`
    )
  }
  if (digest === undefined) {
    return { pin, action: 'bump', reason: `${pin.current} -> ${to}`, to }
  }
  const blocker = digestBlocker(pin, digest, target)
  if (blocker) return skip(pin, blocker)
  const move = { from: digest, to: target.digest }
  const reason = `${prefix + bare} -> ${to}, digest ${move.from} -> ${move.to}`
  return { pin, action: 'bump', reason, to, digest: move }
}

function rangeReason(range: string, version: string): string {
  return rangeAdmits(range, version)
    ? `'${range}' is a range that admits ${version}; Argo CD, Flux and Helm resolve ranges themselves`
    : `'${range}' is a range that does not admit ${version}; widen it or pin an exact version`
}

function blockedReason(pin: Pin, version: string): string {
  // A Flux semver ref is a range too: say whether the release is in it.
  const isRange = classifyVersion(pin.current).kind === 'range'
  if (!isRange && !pin.path.endsWith('.semver')) return pin.blocked ?? ''
  const admits = rangeAdmits(pin.current, version)
  return `${pin.blocked}; '${pin.current}' ${admits ? 'admits' : 'does not admit'} ${version}`
}

function skip(pin: Pin, reason: string): PinPlan {
  return { pin, action: 'skip', reason }
}

/**
 * The edit that writes a bumped pin's version scalar in its original quote
 * style (`<version>@<digest>` when the digest is written in it).
 */
export function editFor(plan: PinPlan): TextEdit | undefined {
  if (plan.action !== 'bump' || plan.to === undefined) return undefined
  const { pin, digest } = plan
  const value =
    digest && pin.digest?.form === 'suffix'
      ? `${plan.to}@${digest.to}`
      : plan.to
  return { start: pin.start, end: pin.end, text: quoted(value, pin.quote) }
}

/** Every edit of a bumped pin: its version scalar, and its digest scalar if apart. */
export function editsFor(plan: PinPlan): TextEdit[] {
  const edits: TextEdit[] = []
  const version = editFor(plan)
  if (version) edits.push(version)
  const field = plan.pin.digest?.form === 'field' && plan.pin.digest.field
  if (version && field && plan.digest) {
    const text = quoted(plan.digest.to, field.quote)
    edits.push({ start: field.start, end: field.end, text })
  }
  return edits
}

function quoted(value: string, quote: QuoteStyle): string {
  // SemVer and digest characters never need escaping in either quote style.
  if (quote === 'single') return `'${value}'`
  if (quote === 'double') return `"${value}"`
  return value
}

/**
 * Applies non-overlapping edits, right to left so earlier offsets stay valid.
 * @throws Error when edits overlap or fall outside the text (a bug, not user input).
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start)
  const parts: string[] = []
  let rest = text.length
  for (const edit of sorted) {
    if (edit.start < 0 || edit.start > edit.end || edit.end > rest) {
      throw new Error(
        `Edit ${edit.start}-${edit.end} overlaps another edit or lies outside the text.`
      )
    }
    parts.push(text.slice(edit.end, rest), edit.text)
    rest = edit.start
  }
  parts.push(text.slice(0, rest))
  return parts.reverse().join('')
}

/** What a bumped umbrella chart still needs: Chart.lock is not edited here. */
export function lockfileNotice(
  chartYaml: string,
  dependency: string,
  version: string
): string {
  const dir = chartYaml.replace(/[\\/]?Chart\.yaml$/, '') || '.'
  return (
    `${chartYaml}: dependency '${dependency}' is now ${version}, but ${dir}/Chart.lock ` +
    `still records the old version and digest: run 'helm dependency update ${dir}' ` +
    'and commit Chart.lock (this action does not edit it).'
  )
}

/** A pin that was bumped. */
export interface PinChange {
  file: string
  line: number
  path: string
  kind: PinKind
  /** The versions, without a digest written with them. */
  from: string
  to: string
  /** Set when the digest moved too; where it is written. */
  digest?: DigestChange
}

/** A digest moved with its version: in the version scalar, or in its own field. */
export interface DigestChange extends DigestMove {
  line: number
  path: string
}

/** A pin already at the new version. */
export interface PinCurrent {
  file: string
  line: number
  path: string
  kind: PinKind
  value: string
}

/** A pin left alone, and why. */
export interface PinSkip extends PinCurrent {
  reason: string
}

/** The outcome of bumping one file. */
export interface BumpResult {
  /** The new text; the same string when nothing changed. */
  text: string
  changed: boolean
  changes: PinChange[]
  current: PinCurrent[]
  skipped: PinSkip[]
  problems: ScanProblem[]
  /** Follow-ups for the user, e.g. Chart.lock needs `helm dependency update`. */
  notices: string[]
}

/**
 * Finds the chart's pins in one file and bumps them to `newVersion`;
 * `adjust` changes what the scan found (Kustomize builds: pins in patches).
 * @throws UserError when `newVersion` is not SemVer 2.
 */
export function bumpFile(
  file: string,
  text: string,
  chart: ChartRef,
  newVersion: BumpTarget,
  context?: ScanContext,
  adjust: (scan: ScanResult) => ScanResult = scan => scan
): BumpResult {
  const scan = adjust(findPins(file, text, chart, context))
  const plans = planBump(scan.pins, newVersion)
  const edits = plans.flatMap(editsFor)
  const newText = edits.length > 0 ? applyEdits(text, edits) : text
  return {
    text: newText,
    changed: newText !== text,
    ...summarize(plans),
    problems: scan.problems,
    notices: noticesFor(plans, chart)
  }
}

function summarize(
  plans: readonly PinPlan[]
): Pick<BumpResult, 'changes' | 'current' | 'skipped'> {
  const result: Pick<BumpResult, 'changes' | 'current' | 'skipped'> = {
    changes: [],
    current: [],
    skipped: []
  }
  for (const plan of plans) {
    const { pin, action, reason } = plan
    const where = {
      file: pin.file,
      line: pin.line,
      path: pin.path,
      kind: pin.kind
    }
    if (action === 'bump') result.changes.push(changeOf(plan))
    else if (action === 'current')
      result.current.push({ ...where, value: pin.current })
    else result.skipped.push({ ...where, value: pin.current, reason })
  }
  return result
}

function changeOf({ pin, to, digest }: PinPlan): PinChange {
  const change: PinChange = {
    file: pin.file,
    line: pin.line,
    path: pin.path,
    kind: pin.kind,
    from: pinnedValue(pin).version,
    to: to ?? ''
  }
  if (!digest) return change
  const field = pin.digest?.form === 'field' ? pin.digest.field : pin
  return {
    ...change,
    digest: { ...digest, line: field.line, path: field.path }
  }
}

function noticesFor(plans: readonly PinPlan[], chart: ChartRef): string[] {
  const notices = plans
    .filter(
      plan => plan.action === 'bump' && plan.pin.kind === 'helm-dependency'
    )
    .map(plan => lockfileNotice(plan.pin.file, chart.name, plan.to ?? ''))
  return [...new Set(notices)]
}
