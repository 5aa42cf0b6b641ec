// Helm's `--set` parser, as helm-controller runs it on a `valuesFrom` entry
// with a `targetPath` (fluxcd/pkg chartutil/values.go `ReplacePathValue`
// hands `<targetPath>=<value>` to `strvals.ParseInto`): a port of Helm's
// pkg/strvals/parser.go (`parser.key`, `listItem`, `valList`, `typedVal`,
// v4.2; the same rules in 3.17) for its string (not JSON, not file) forms.
// It writes into the map it is given, in place, as Go does: Flux's merge
// relies on that (a value set under a map of `spec.values` is kept by the
// final merge). Commas are not escaped: `a=1,b=2` sets two values, as in
// Flux. Go's panics on a wrong type become the errors Flux reports.
// Pure: no I/O.
import type { PlainMap } from '../../../render/values-merge.js'
import { setOwn } from '../../../own-keys.js'

/** Helm's bounds: strvals `MaxIndex` and `MaxNestedNameLevel`. */
const MAX_INDEX = 65536
const MAX_NESTED_NAME_LEVEL = 30

/** `strvals.ParseInto` (typed values) or `ParseIntoString` (`asString`). */
export function parseInto(
  text: string,
  dest: PlainMap,
  asString: boolean
): string | undefined {
  const parser = new Parser([...text], asString)
  try {
    for (;;) {
      const result = parser.keyRecovered(dest, 0)
      if (result === undefined) continue
      if (result === EOF) return undefined
      return result
    }
  } catch (error) {
    // Not Flux's: bounds of the action's own process (Helm has none).
    if (error instanceof RangeError || error instanceof TooLarge)
      return `not composed here: ${error instanceof TooLarge ? error.message : 'nested too deeply'}`
    throw error
  }
}

/** List items the parser may create in one call (Helm: 65,537 per index). */
const MAX_CREATED_ITEMS = 1_000_000

class TooLarge extends Error {}

const EOF = Symbol('EOF')
const NOT_LIST = Symbol('not a list')
type Failure = string | typeof EOF
type Stop = string | undefined

class GoPanic extends Error {}

class Parser {
  private at = 0
  private created = 0

  constructor(
    private readonly runes: string[],
    private readonly asString: boolean
  ) {}

  /** `key` with its deferred `recover`. */
  keyRecovered(data: PlainMap, level: number): Failure | undefined {
    try {
      return this.key(data, level)
    } catch (error) {
      if (error instanceof GoPanic)
        return `unable to parse key: ${error.message}`
      throw error
    }
  }

  private key(data: PlainMap, level: number): Failure | undefined {
    const [k, last, eof] = this.until('=[,.')
    if (eof) return k.length === 0 ? EOF : `key "${k}" has no value`
    if (last === '[') return this.keyList(data, k, level)
    if (last === '=') return this.keyValue(data, k)
    if (last === ',') {
      set(data, k, '')
      return `key "${k}" has no value (cannot end with ,)`
    }
    if (level + 1 > MAX_NESTED_NAME_LEVEL)
      return `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`
    const inner = Object.hasOwn(data, k) ? asMap(data[k]) : {}
    const failure = this.key(inner, level + 1)
    const empty = Object.keys(inner).length === 0
    if (failure === undefined && empty) return `key map "${k}" has no value`
    if (!empty) set(data, k, inner)
    return failure
  }

  private keyList(
    data: PlainMap,
    k: string,
    level: number
  ): Failure | undefined {
    const index = this.keyIndex()
    if (typeof index === 'string') return `error parsing index: ${index}`
    const list = Object.hasOwn(data, k) ? asList(data[k]) : []
    const [result, failure] = this.listItem(list, index, level)
    set(data, k, result)
    return failure
  }

  private keyValue(data: PlainMap, k: string): Failure | undefined {
    const list = this.valList()
    if (Array.isArray(list)) {
      set(data, k, list)
      return undefined
    }
    if (list === EOF) {
      set(data, k, '')
      return EOF
    }
    if (list !== NOT_LIST) return list
    // Go's `v, e := t.reader(rs)` replaces val's io.EOF: parsing goes on
    // to find nothing left.
    const [value] = this.until(',')
    set(data, k, this.typed(value))
    return undefined
  }

  private keyIndex(): number | string {
    const [digits, , eof] = this.until(']')
    if (eof) return 'EOF'
    // strconv.Atoi: an optional sign and decimal digits.
    if (!/^[+-]?\d+$/.test(digits))
      return `strconv.Atoi: parsing "${digits}": invalid syntax`
    return Number(digits)
  }

  private listItem(
    list: unknown[],
    index: number,
    level: number
  ): [unknown[], Failure | undefined] {
    if (index < 0) return [list, `negative ${index} index not allowed`]
    const [k, last, eof] = this.until('[.=')
    if (k.length > 0)
      return [list, `unexpected data at end of array index: "${k}"`]
    if (eof) return [list, EOF]
    if (last === '=') return this.listValue(list, index)
    if (last === '[') {
      const next = this.keyIndex()
      if (typeof next === 'string')
        return [list, `error parsing index: ${next}`]
      const existing = list.length > index ? list[index] : undefined
      const current =
        existing === null || existing === undefined ? [] : asList(existing)
      const [inner, failure] = this.listItem(current, next, level)
      if (failure !== undefined) return [list, failure]
      return this.setIndex(list, index, inner)
    }
    let inner: PlainMap = {}
    if (list.length > index) {
      const existing = list[index]
      if (isMap(existing)) inner = existing
      else list[index] = inner
    }
    const failure = this.key(inner, level)
    if (failure !== undefined) return [list, failure]
    return this.setIndex(list, index, inner)
  }

  private listValue(
    list: unknown[],
    index: number
  ): [unknown[], Failure | undefined] {
    const values = this.valList()
    if (Array.isArray(values)) return this.setIndex(list, index, values)
    if (values === EOF) return this.setIndex(list, index, '')
    if (values !== NOT_LIST) return [list, values]
    const [value] = this.until(',')
    return this.setIndex(list, index, this.typed(value))
  }

  /** `{a,b}`: a list; anything else is not one. */
  private valList(): unknown[] | Failure | typeof NOT_LIST {
    if (this.at >= this.runes.length) return EOF
    if (this.runes[this.at] !== '{') return NOT_LIST
    this.at++
    const list: unknown[] = []
    for (;;) {
      const [value, last, eof] = this.until(',}')
      if (eof) return "list must terminate with '}'"
      list.push(this.typed(value))
      if (last === '}') {
        if (this.runes[this.at] === ',') this.at++
        return list
      }
    }
  }

  /** Runes up to one of `stop` (consumed); `\` escapes the next rune. */
  private until(stop: string): [string, Stop, boolean] {
    let value = ''
    while (this.at < this.runes.length) {
      const rune = this.runes[this.at++]
      if (stop.includes(rune)) return [value, rune, false]
      if (rune === '\\') {
        if (this.at >= this.runes.length) return [value, undefined, true]
        value += this.runes[this.at++]
      } else value += rune
    }
    return [value, undefined, true]
  }

  /** Helm's `setIndex`, counting the items it creates. */
  private setIndex(
    list: unknown[],
    index: number,
    value: unknown
  ): [unknown[], Failure | undefined] {
    if (index >= list.length && index <= MAX_INDEX) {
      this.created += index + 1 - list.length
      if (this.created > MAX_CREATED_ITEMS)
        throw new TooLarge(`more than ${MAX_CREATED_ITEMS} list items`)
    }
    return setIndex(list, index, value)
  }

  /** `typedVal`: booleans, null and int64 unless the value is a string. */
  private typed(value: string): unknown {
    if (this.asString) return value
    const lower = value.toLowerCase()
    if (lower === 'true') return true
    if (lower === 'false') return false
    if (lower === 'null') return null
    if (value === '0') return 0
    if (value !== '' && value[0] !== '0' && /^[+-]?\d+$/.test(value)) {
      const number = BigInt(value)
      const fits = number >= -(2n ** 63n) && number < 2n ** 63n
      if (fits) return Number(number)
    }
    return value
  }
}

function set(data: PlainMap, key: string, value: unknown): void {
  if (key !== '') setOwn(data, key, value)
}

function setIndex(
  list: unknown[],
  index: number,
  value: unknown
): [unknown[], Failure | undefined] {
  if (index < 0) return [list, `negative ${index} index not allowed`]
  if (index > MAX_INDEX)
    return [
      list,
      `index of ${index} is greater than maximum supported index of ${MAX_INDEX}`
    ]
  const out = list.length <= index ? grown(list, index + 1) : list
  out[index] = value
  return [out, undefined]
}

function grown(list: unknown[], length: number): unknown[] {
  const out: unknown[] = new Array<unknown>(length).fill(null)
  list.forEach((item, i) => (out[i] = item))
  return out
}

function isMap(value: unknown): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Go's `.(map[string]any)`: anything else panics. */
function asMap(value: unknown): PlainMap {
  if (isMap(value)) return value
  throw new GoPanic(
    `interface conversion: ${goType(value)}, not map[string]interface {}`
  )
}

/** Go's `.([]any)`. */
function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  throw new GoPanic(
    `interface conversion: ${goType(value)}, not []interface {}`
  )
}

function goType(value: unknown): string {
  if (value === null || value === undefined) return 'interface {} is nil'
  if (isMap(value)) return 'interface {} is map[string]interface {}'
  if (typeof value === 'string') return 'interface {} is string'
  if (typeof value === 'boolean') return 'interface {} is bool'
  if (typeof value === 'number') return 'interface {} is float64'
  return 'interface {} is not the type wanted'
}
