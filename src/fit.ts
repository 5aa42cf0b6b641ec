// Fitting a document into a size limit, whatever its parts hold: GitHub
// refuses a pull request body over 65,536 characters (422, and no pull
// request), the runner drops a job summary over 1 MiB. A document is a list
// of parts (the intro, a table, a place of the preview, the changelog); all
// draw from one budget, so the whole fits, and each part that is cut says
// what it left out, why, and where to see all of it. An item may be
// expendable (the manifest under an added resource's name): all of those
// are left out before any other item is. Pure.

/** The size of a text: UTF-16 code units for the body, UTF-8 bytes for the summary. */
export type Measure = (text: string) => number

/** UTF-16 code units: never fewer than the code points GitHub counts. */
export const utf16Units: Measure = text => text.length

/** UTF-8 bytes: what the runner measures of the job summary file. */
export const utf8Bytes: Measure = text => Buffer.byteLength(text, 'utf8')

/** One line or block of a part, shown whole or not at all. */
export interface Item {
  text: string
  /** What it is, singular, for the cut line: `pin`, `resource diff`. */
  unit: string
  /**
   * Left out before every item that is not: shown only when all of those
   * fit, from the room they leave (a resource's manifest under its name).
   */
  expendable?: boolean
}

/** A part of a document: its head, then items while they fit, then its tail. */
export interface Part {
  /** Shown whenever the part is (its title, its counts). */
  head: string
  /** Shown in order while they fit; the rest are counted in the cut line. */
  items?: readonly Item[]
  /** Shown after the items and the cut line (a closing note). */
  tail?: string
  /** Never dropped whole: the intro and the footer. */
  pinned?: boolean
  /** Where everything this part leaves out can be seen: "the run's log lists every pin". */
  elsewhere?: string
}

export interface Limit {
  budget: number
  measure: Measure
  /** Why parts are cut: "to keep the pull request within GitHub's 65,536-character limit". */
  reason: string
}

/**
 * The parts as one text within `limit.budget`, in order. When all of them do
 * not fit, every part first gets its head, tail and room for a cut line; the
 * rest of the budget is shared fairly (a part that needs less than an equal
 * share leaves the rest to the others) and each part shows its first items
 * within its share. Should even the heads not fit, parts are dropped from the
 * end (pinned ones stay) and one line says how many.
 */
export function fitParts(parts: readonly Part[], limit: Limit): string {
  // Each item measured once: a preview may hold thousands of them.
  const sized = parts.map(part => measured(part, limit))
  const whole = sized.reduce((sum, part) => sum + part.whole, 0)
  if (whole <= limit.budget) return wholeText(parts)
  const { kept, dropped } = keepHeads(sized, limit)
  const fixed = kept.reduce((sum, part) => sum + part.fixed, 0)
  const droppedLine = dropped ? droppedNote(dropped, limit) : ''
  const room = limit.budget - fixed - limit.measure(droppedLine)
  const first = fillShares(kept, room, false)
  // The expendable items only when every other item is shown.
  const allShown = kept.every((part, i) => first.shown[i].size === part.count)
  const second = allShown
    ? fillShares(kept, room - first.used, true)
    : { shown: kept.map(() => new Set<number>()), used: 0 }
  const texts = new Map<Part, string>()
  kept.forEach((part, index) => {
    const items = part.part.items ?? []
    const shown = new Set([...first.shown[index], ...second.shown[index]])
    texts.set(
      part.part,
      render(
        part.part,
        items.filter((_, i) => shown.has(i)),
        items.filter((_, i) => !shown.has(i)),
        limit
      )
    )
  })
  return assemble(parts, texts, droppedLine)
}

/**
 * Room shared fairly among the parts' items of one kind (expendable or
 * not), each part showing its first ones within its share, what a part
 * leaves carried to the next: the indices shown, and the room used.
 */
function fillShares(
  kept: readonly Measured[],
  room: number,
  expendable: boolean
): { shown: Set<number>[]; used: number } {
  const indices = kept.map(part =>
    part.sizes.flatMap((_, i) =>
      (part.part.items?.[i]?.expendable ?? false) === expendable ? [i] : []
    )
  )
  const shares = fairShares(
    indices.map((list, p) => list.reduce((n, i) => n + kept[p].sizes[i], 0)),
    room
  )
  let carry = 0
  let used = 0
  const shown = kept.map((part, p) => {
    const fill = fillItems(
      indices[p].map(i => part.sizes[i]),
      shares[p] + carry
    )
    carry = shares[p] + carry - fill.used
    used += fill.used
    return new Set(indices[p].slice(0, fill.count))
  })
  return { shown, used }
}

/** A part with its sizes: each item's, all of them, and what it costs without them. */
interface Measured {
  part: Part
  sizes: number[]
  /** Items that are not expendable. */
  count: number
  demand: number
  /** Head, tail and the longest cut line it could need. */
  fixed: number
  whole: number
}

function measured(part: Part, limit: Limit): Measured {
  const items = part.items ?? []
  const sizes = items.map(item => limit.measure(item.text))
  const demand = sizes.reduce((sum, size) => sum + size, 0)
  const bare = limit.measure(part.head) + limit.measure(part.tail ?? '')
  const cut = items.length ? limit.measure(cutLine(part, items, limit)) : 0
  const count = items.filter(item => !item.expendable).length
  return { part, sizes, count, demand, fixed: bare + cut, whole: bare + demand }
}

/** Every part with all its items, whatever their size (for tests and measurements). */
export function wholeText(parts: readonly Part[]): string {
  return parts
    .map(part => {
      const items = (part.items ?? []).map(item => item.text).join('')
      return `${part.head}${items}${part.tail ?? ''}`
    })
    .join('')
}

/** The parts kept in order, the dropped line where the first dropped part was. */
function assemble(
  parts: readonly Part[],
  texts: ReadonlyMap<Part, string>,
  droppedLine: string
): string {
  let text = ''
  let saidDropped = false
  for (const part of parts) {
    const shown = texts.get(part)
    if (shown !== undefined) text += shown
    else if (!saidDropped) {
      text += droppedLine
      saidDropped = true
    }
  }
  return text
}

/** A part with some items shown and the others counted. */
function render(
  part: Part,
  shown: readonly Item[],
  left: readonly Item[],
  limit: Limit
): string {
  const items = shown.map(item => item.text).join('')
  const cut = left.length ? cutLine(part, left, limit) : ''
  return `${part.head}${items}${cut}${part.tail ?? ''}`
}

/** Parts dropped from the end (pinned ones kept) until the heads fit. */
function keepHeads(
  parts: readonly Measured[],
  limit: Limit
): { kept: Measured[]; dropped: number } {
  let cost = parts.reduce((sum, part) => sum + part.fixed, 0)
  const droppedLine = limit.measure(droppedNote(parts.length, limit))
  const dropped = new Set<Measured>()
  for (let i = parts.length - 1; i >= 0; i--) {
    if (cost + (dropped.size ? droppedLine : 0) <= limit.budget) break
    if (parts[i].part.pinned) continue
    dropped.add(parts[i])
    cost -= parts[i].fixed
  }
  return {
    kept: parts.filter(part => !dropped.has(part)),
    dropped: dropped.size
  }
}

/**
 * Max-min fair shares of `room`: demands below an equal share are met,
 * the rest is split equally among the larger ones.
 */
export function fairShares(demands: readonly number[], room: number): number[] {
  const shares = demands.map(() => 0)
  const order = demands
    .map((need, index) => ({ need, index }))
    .sort((a, b) => a.need - b.need)
  let left = Math.max(0, room)
  order.forEach(({ need, index }, position) => {
    const equal = Math.floor(left / (order.length - position))
    shares[index] = Math.min(need, equal)
    left -= shares[index]
  })
  return shares
}

/** How many of the first items fit in `room`, and their size. */
function fillItems(
  sizes: readonly number[],
  room: number
): { count: number; used: number } {
  let used = 0
  let count = 0
  for (const size of sizes) {
    if (used + size > room) break
    used += size
    count++
  }
  return { count, used }
}

/** `_3 pins and 1 resource diff left out <reason>: <elsewhere>._` */
function cutLine(part: Part, left: readonly Item[], limit: Limit): string {
  const counts = new Map<string, number>()
  for (const item of left)
    counts.set(item.unit, (counts.get(item.unit) ?? 0) + 1)
  const what = [...counts].map(([unit, n]) => plural(n, unit)).join(' and ')
  const where = part.elsewhere ? `: ${part.elsewhere}` : ''
  return `\n_${what} left out ${limit.reason}${where}._\n\n`
}

function droppedNote(count: number, limit: Limit): string {
  return `\n_${plural(count, 'more section')} left out ${limit.reason}._\n\n`
}

/** `1 pin`, `3 pins`. */
export function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}
