// With its template lines blanked, a file keeps both branches of a
// conditional (`{{ if }} … {{ else }} … {{ end }}`), so a mapping may set the
// same key twice. Which one Helm renders depends on values we do not have:
// a pin under such a mapping is ambiguous and is left alone. Pure: no I/O.
import { isScalar, visit, type Document, type YAMLMap } from 'yaml'
import type { LineCounter } from 'yaml'
import type { TextRange } from './template-blanking.js'

/** A mapping that sets `key` more than once, and its place in the text. */
export interface RepeatedKey extends TextRange {
  readonly key: string
  /** 1-based line of the key's second setting. */
  readonly line: number
}

/**
 * The mappings of `docs` that set a key more than once; keys that hold a
 * template action (`isTemplated`) are opaque and never compared.
 */
export function findRepeatedKeys(
  docs: readonly Document.Parsed[],
  lines: LineCounter,
  isTemplated: (range: TextRange) => boolean
): RepeatedKey[] {
  const repeated: RepeatedKey[] = []
  for (const doc of docs) {
    visit(doc, {
      Map: (_key, map) => {
        const found = repeatedIn(map, lines, isTemplated)
        if (found) repeated.push(found)
      }
    })
  }
  return outermost(repeated)
}

function repeatedIn(
  map: YAMLMap,
  lines: LineCounter,
  isTemplated: (range: TextRange) => boolean
): RepeatedKey | undefined {
  if (!map.range) return undefined
  const seen = new Set<unknown>()
  for (const { key } of map.items) {
    if (!isScalar(key) || !key.range) continue
    const [start, end] = key.range
    if (isTemplated({ start, end })) continue
    if (seen.has(key.value)) {
      const line = lines.linePos(start).line
      return {
        start: map.range[0],
        end: map.range[1],
        key: String(key.value),
        line
      }
    }
    seen.add(key.value)
  }
  return undefined
}

/** YAML nodes nest or are apart: keep the outer ones, in text order. */
function outermost(repeated: RepeatedKey[]): RepeatedKey[] {
  const sorted = [...repeated].sort(
    (a, b) => a.start - b.start || b.end - a.end
  )
  const kept: RepeatedKey[] = []
  for (const range of sorted) {
    const last = kept[kept.length - 1]
    if (!last || range.start >= last.end) kept.push(range)
  }
  return kept
}

/**
 * The repeated-key mapping that holds `[start, end)` or lies in it, if any
 * (`repeated` as `findRepeatedKeys` gives it: outermost, in text order).
 */
export function repeatedKeyAround(
  repeated: readonly RepeatedKey[],
  start: number,
  end = start + 1
): RepeatedKey | undefined {
  let low = 0
  let high = repeated.length
  // The first mapping that ends after `start`: the only one that may overlap.
  while (low < high) {
    const middle = (low + high) >>> 1
    if (repeated[middle].end <= start) low = middle + 1
    else high = middle
  }
  const found = repeated.at(low)
  return found && found.start < end ? found : undefined
}
