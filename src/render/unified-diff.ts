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
}

/** The unified diff of two texts, line by line. */
export function unifiedDiff(
  oldText: string,
  newText: string,
  context = 3,
  limits: DiffLimits = DEFAULT_DIFF_LIMITS
): UnifiedDiff {
  const oldLines = toLines(oldText)
  const newLines = toLines(newText)
  let edits = lineEdits(oldLines, newLines, limits)
  const replacedWhole = edits === undefined
  edits ??= [
    ...oldLines.map(line => ({ op: '-' as const, line })),
    ...newLines.map(line => ({ op: '+' as const, line }))
  ]
  return { text: formatHunks(edits, context), replacedWhole }
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
  const changed = edits.flatMap((edit, index) =>
    edit.op === ' ' ? [] : [index]
  )
  if (changed.length === 0) return ''
  const hunks: string[] = []
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
    hunks.push(formatHunk(edits, from, to))
    start = end + 1
  }
  return hunks.join('')
}

function formatHunk(
  edits: readonly LineEdit[],
  from: number,
  to: number
): string {
  let oldLine = 1
  let newLine = 1
  for (const edit of edits.slice(0, from)) {
    if (edit.op !== '+') oldLine++
    if (edit.op !== '-') newLine++
  }
  const slice = edits.slice(from, to)
  const oldCount = slice.filter(e => e.op !== '+').length
  const newCount = slice.filter(e => e.op !== '-').length
  // GNU diff names the line before an empty range.
  const range = (line: number, count: number): string =>
    `${count === 0 ? line - 1 : line},${count}`
  const header = `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n`
  return header + slice.map(e => `${e.op}${e.line}\n`).join('')
}
