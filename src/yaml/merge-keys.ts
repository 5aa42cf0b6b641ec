// Looks up keys in a parsed YAML document the way Kubernetes reads it: through
// aliases and `<<` merge keys. A 600-byte file can merge aliases that merge
// aliases (fan-out 10, six levels: a million paths), so every lookup visits
// each mapping at most once, and the whole scan of a file may take only a
// number of steps proportional to its size. Past that it stops with
// `ScanLimitError` and the caller reports the file instead of hanging.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type YAMLMap
} from 'yaml'

/** Steps a scan may take per byte of the file, and at least. */
const STEPS_PER_BYTE = 16
const MIN_STEPS = 10_000

/** Merge keys followed at most this deep (as before: far beyond real use). */
const MAX_MERGE_DEPTH = 8

/** The steps left for scanning one file; shared by its documents. */
export interface ScanBudget {
  left: number
  readonly limit: number
  readonly bytes: number
}

export function budgetFor(text: string): ScanBudget {
  const limit = MIN_STEPS + STEPS_PER_BYTE * text.length
  return { left: limit, limit, bytes: text.length }
}

/** The scan of a file ran out of steps: its aliases make too much work. */
export class ScanLimitError extends Error {
  constructor(readonly budget: ScanBudget) {
    super(
      `Reading it through its YAML aliases and merge keys takes more than ` +
        `${budget.limit} steps, the limit for a file of ${budget.bytes} characters, ` +
        'so it is not scanned for pins: write the fields out instead of merging aliases of aliases.'
    )
  }
}

export interface Field {
  value: unknown
  merged: boolean
}

/** Alias resolution and key lookup for one document, charged to a budget. */
export class Resolver {
  /** Each alias's anchored node, found in one pass (yaml's `resolve` walks the whole document per call). */
  private readonly targets = new Map<Alias, unknown>()

  constructor(
    doc: Document.Parsed,
    private readonly budget: ScanBudget
  ) {
    // YAML: an alias refers to the last node with that anchor before it.
    const anchors = new Map<string, unknown>()
    visit(doc, {
      Node: (_key, node) => {
        this.spend()
        if (isAlias(node)) this.targets.set(node, anchors.get(node.source))
        else if (node.anchor) anchors.set(node.anchor, node)
      }
    })
  }

  /** The node an alias stands for; any other node as it is. */
  deref(node: unknown): unknown {
    return isAlias(node) ? this.targets.get(node) : node
  }

  /** The value node of `key`, looking through `<<` merge keys as Kubernetes does. */
  field(map: YAMLMap, key: string): Field | undefined {
    return this.lookup(map, key, new Set(), 0)
  }

  private lookup(
    map: YAMLMap,
    key: string,
    seen: Set<YAMLMap>,
    depth: number
  ): Field | undefined {
    seen.add(map)
    const merges: unknown[] = []
    for (const pair of map.items) {
      this.spend()
      const name = isScalar(pair.key) ? pair.key.value : pair.key
      if (name === key) return { value: pair.value, merged: false }
      if (name === '<<') merges.push(pair.value)
    }
    if (depth > MAX_MERGE_DEPTH) return undefined
    for (const source of merges.flatMap(v => this.mergeSources(v))) {
      // A mapping already searched did not have the key: not again.
      if (seen.has(source)) continue
      const found = this.lookup(source, key, seen, depth + 1)
      if (found) return { value: found.value, merged: true }
    }
    return undefined
  }

  private mergeSources(value: unknown): YAMLMap[] {
    const node = this.deref(value)
    if (isMap(node)) return [node]
    if (!isSeq(node)) return []
    return node.items.map(item => this.deref(item)).filter(item => isMap(item))
  }

  private spend(): void {
    if (--this.budget.left < 0) throw new ScanLimitError(this.budget)
  }
}
