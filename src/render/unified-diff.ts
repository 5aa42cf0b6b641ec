// A bounded line diff (Myers' O(ND) algorithm) printed as unified-diff hunks.
// Written here rather than taken from a package: the action bundles few
// dependencies, and the work must stay bounded for any manifest a chart renders.

/** One line of an edit script: kept, removed from the old text, added in the new. */
export interface LineEdit {
  op: ' ' | '-' | '+'
  line: string
}

export interface DiffLimits {
  /** Lines left on both sides once the common head and tail are set aside. */
  maxLines: number
  /** Edits (lines removed + added) Myers may search for before giving up. */
  maxEdits: number
  /**
   * Characters of hunks kept (default: all); the lines past it are only
   * counted, so that a huge resource never becomes a huge string.
   */
  maxChars?: number
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = {
  maxLines: 20_000,
  maxEdits: 1_000
}

export interface UnifiedDiff {
  /** `@@` hunks with `context` lines around each change; empty when the texts are equal. */
  text: string
  /** True when the limits were reached and the diff shows every line as replaced. */
  replacedWhole: boolean
  /** Lines of the hunks (headers included) past `maxChars`, left out of `text`. */
  omittedLines: number
}

/** The unified diff of two texts, line by line, within `limits.maxChars`. */
export function unifiedDiff(
  oldText: string,
  newText: string,
  context = 3,
  limits: DiffLimits = DEFAULT_DIFF_LIMITS
): UnifiedDiff {
  const oldLines = toLines(oldText)
  const newLines = toLines(newText)
  const edits = lineEdits(oldLines, newLines, limits)
  const out = new BoundedLines(limits.maxChars ?? Number.POSITIVE_INFINITY)
  if (edits) writeHunks(out, edits, context)
  else writeReplaced(out, oldLines, newLines)
  return { text: out.text, replacedWhole: !edits, omittedLines: out.omitted }
}

/**
 * Lines appended while they fit; from the first that does not, only counted.
 * A hunk header is never left without a line of its own after it.
 */
class BoundedLines {
  text = ''
  omitted = 0
  private headerAt = -1

  constructor(private readonly maxChars: number) {}

  header(line: string): void {
    const at = this.text.length
    this.push(line)
    if (this.omitted === 0) this.headerAt = at
  }

  push(line: string): void {
    if (this.omitted === 0 && this.text.length + line.length <= this.maxChars) {
      this.text += line
      this.headerAt = -1
      return
    }
    if (this.omitted === 0 && this.headerAt >= 0) {
      this.text = this.text.slice(0, this.headerAt)
      this.omitted++
    }
    this.omitted++
  }
}

/** Every old line removed, every new one added: one hunk, no edit script. */
function writeReplaced(
  out: BoundedLines,
  oldLines: readonly string[],
  newLines: readonly string[]
): void {
  if (oldLines.length + newLines.length === 0) return
  out.header(
    `@@ -${range(1, oldLines.length)} +${range(1, newLines.length)} @@\n`
  )
  for (const line of oldLines) out.push(`-${line}\n`)
  for (const line of newLines) out.push(`+${line}\n`)
}

function toLines(text: string): string[] {
  if (text === '') return []
  return text.replace(/\n$/, '').split('\n')
}

/** The edit script from `a` to `b`, or undefined past the limits. */
export function lineEdits(
  a: readonly string[],
  b: readonly string[],
  limits: DiffLimits = DEFAULT_DIFF_LIMITS
): LineEdit[] | undefined {
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++
  const middleA = a.slice(head, a.length - tail)
  const middleB = b.slice(head, b.length - tail)
  if (middleA.length + middleB.length > limits.maxLines) return undefined
  const middle = myers(middleA, middleB, limits.maxEdits)
  if (!middle) return undefined
  const kept = (line: string): LineEdit => ({ op: ' ', line })
  return [
    ...a.slice(0, head).map(kept),
    ...middle,
    ...a.slice(a.length - tail).map(kept)
  ]
}

/**
 * Myers' greedy forward search. `trace[d]` keeps the furthest x per diagonal
 * k in [-d-1, d+1] as it was before step d: enough to walk back, and about
 * maxEdits² numbers of memory at most.
 */
function myers(
  a: readonly string[],
  b: readonly string[],
  maxEdits: number
): LineEdit[] | undefined {
  const n = a.length
  const m = b.length
  const bound = Math.min(n + m, maxEdits)
  const offset = bound + 1
  const v = new Int32Array(2 * bound + 3).fill(-1)
  v[offset + 1] = 0
  const trace: Diagonals[] = []
  for (let d = 0; d <= bound; d++) {
    trace.push({ first: -d - 1, x: v.slice(offset - d - 1, offset + d + 2) })
    const furthest = (k: number): number => v[offset + k]
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && furthest(k - 1) < furthest(k + 1))
      let x = down ? furthest(k + 1) : furthest(k - 1) + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) return walkBack(a, b, trace)
    }
  }
  return undefined
}

/** The furthest x per diagonal, from diagonal `first` on. */
interface Diagonals {
  first: number
  x: Int32Array
}

function walkBack(
  a: readonly string[],
  b: readonly string[],
  trace: Diagonals[]
): LineEdit[] {
  const edits: LineEdit[] = []
  let x = a.length
  let y = b.length
  for (let d = trace.length - 1; d >= 0; d--) {
    const furthest = (k: number): number => trace[d].x[k - trace[d].first]
    const k = x - y
    const down = k === -d || (k !== d && furthest(k - 1) < furthest(k + 1))
    const previousK = down ? k + 1 : k - 1
    const previousX = furthest(previousK)
    const previousY = previousX - previousK
    while (x > previousX && y > previousY) {
      edits.push({ op: ' ', line: a[--x] })
      y--
    }
    if (d > 0) {
      if (x === previousX) edits.push({ op: '+', line: b[--y] })
      else edits.push({ op: '-', line: a[--x] })
    }
  }
  return edits.reverse()
}

/** Groups an edit script into `@@ -a,b +c,d @@` hunks. */
export function formatHunks(
  edits: readonly LineEdit[],
  context: number
): string {
  const out = new BoundedLines(Number.POSITIVE_INFINITY)
  writeHunks(out, edits, context)
  return out.text
}

function writeHunks(
  out: BoundedLines,
  edits: readonly LineEdit[],
  context: number
): void {
  const changed = edits.flatMap((edit, index) =>
    edit.op === ' ' ? [] : [index]
  )
  // Line numbers at `at`, counted once over the whole script.
  const position = { at: 0, oldLine: 1, newLine: 1 }
  let start = 0
  while (start < changed.length) {
    let end = start
    while (
      end + 1 < changed.length &&
      changed[end + 1] - changed[end] <= 2 * context + 1
    )
      end++
    const from = Math.max(0, changed[start] - context)
    const to = Math.min(edits.length, changed[end] + context + 1)
    for (; position.at < from; position.at++) {
      if (edits[position.at].op !== '+') position.oldLine++
      if (edits[position.at].op !== '-') position.newLine++
    }
    writeHunk(out, edits.slice(from, to), position)
    start = end + 1
  }
}

function writeHunk(
  out: BoundedLines,
  slice: readonly LineEdit[],
  { oldLine, newLine }: { oldLine: number; newLine: number }
): void {
  const oldCount = slice.filter(e => e.op !== '+').length
  const newCount = slice.filter(e => e.op !== '-').length
  out.header(
    `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n`
  )
  for (const edit of slice) out.push(`${edit.op}${edit.line}\n`)
}

/** GNU diff names the line before an empty range. */
function range(line: number, count: number): string {
  return `${count === 0 ? line - 1 : line},${count}`
}
