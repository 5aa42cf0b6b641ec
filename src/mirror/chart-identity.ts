// A chart package's name and version as `helm push` will read them, from
// the texts of its Chart.yaml (and requirements.yaml, which Helm reads into
// the same metadata), or a refusal when Helm could read something else.
// helm push names the tag it writes after them, so the mirror must know
// them before it pushes; this module decides them. Pure: no I/O.
//
// Helm reads Chart.yaml with sigs.k8s.io/yaml: YAML 1.1 by go-yaml v2 (the
// first document only; `yes` is true, `0o17` 15, `1_0` 10), converted to JSON,
// then Go's encoding/json, whose keys match fields without regard to case
// (`NAME:` sets the name) and where a later key wins. Rather than follow
// every such rule, a Chart.yaml that relies on one for its name or version
// is refused: real charts write `name: x` and `version: 1.2.3` plainly.
// https://github.com/helm/helm/blob/main/pkg/chart/v2/loader/load.go
// https://github.com/go-yaml/yaml/blob/v2/resolve.go
import { isMap, isScalar, parseAllDocuments, type Scalar } from 'yaml'
import { showable } from '../relay.js'
import { Refused } from './artifact.js'

/** What decides where `helm push` writes a package. */
export interface ChartIdentity {
  name: string
  version: string
}

const FIELDS = ['name', 'version'] as const
type Field = (typeof FIELDS)[number]
const STR_TAG = 'tag:yaml.org,2002:str'
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The name and version Helm reads from a package's Chart.yaml (`chart`),
 * or a Refused saying why the package cannot be trusted to have them.
 * `requirements` is its requirements.yaml, when it has one.
 */
export function chartIdentity(
  chart: Buffer,
  requirements?: Buffer
): ChartIdentity {
  const fields = topFields(chart, 'Chart.yaml')
  if (requirements) {
    const extra = [...topFields(requirements, 'requirements.yaml').keys()]
    if (extra.length)
      throw new Refused(
        `its requirements.yaml sets ${extra.join(' and ')}, which Helm reads over Chart.yaml's`
      )
  }
  const name = fields.get('name')
  const version = fields.get('version')
  if (name === undefined || version === undefined)
    throw new Refused(
      `its Chart.yaml has no ${name === undefined ? 'name' : 'version'}`
    )
  return { name, version }
}

/** The top-level fields of a metadata file that Helm would take for ours. */
function topFields(bytes: Buffer, file: string): Map<Field, string> {
  const refusal = (why: string): Refused => new Refused(`its ${file} ${why}`)
  const text = decode(bytes, refusal)
  const [doc] = parseAllDocuments(text, {
    schema: 'failsafe',
    uniqueKeys: false
  })
  const fields = new Map<Field, string>()
  if (doc === undefined) return fields
  const [error] = doc.errors
  if (error)
    throw refusal(`is not valid YAML (${error.code} at offset ${error.pos[0]})`)
  if (doc.contents === null) return fields
  if (!isMap(doc.contents)) throw refusal('is not a YAML mapping')
  for (const { key, value } of doc.contents.items) {
    if (!isScalar(key)) throw refusal('has a key that is not plain text')
    const keyText = scalarText(key, text, refusal)
    if (keyText === '<<') throw refusal('uses a YAML merge key (<<) at its top')
    const field = foldedField(keyText)
    if (!field) continue
    if (fields.has(field)) throw refusal(`sets ${field} more than once`)
    fields.set(field, fieldValue(field, value, text, refusal))
  }
  return fields
}

/** The text of `name` or `version`, when Helm reads exactly that. */
function fieldValue(
  field: Field,
  node: unknown,
  text: string,
  refusal: (why: string) => Refused
): string {
  if (!isScalar(node) || node.value === null || node.value === '')
    throw refusal(`gives ${field} no text value`)
  const value = scalarText(node, text, refusal)
  if (node.type === 'PLAIN' && !readAsWritten(value))
    throw refusal(
      `has '${field}: ${shown(value)}', which Helm does not read as written (quote it)`
    )
  return value
}

/** The file as text, as go-yaml would read it: UTF-8, Helm's BOM trimmed. */
function decode(bytes: Buffer, refusal: (why: string) => Refused): string {
  const body = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes
  // go-yaml would read UTF-16 (with its BOM): refused rather than guessed.
  if (body.includes(0)) throw refusal('is not UTF-8 text')
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    throw refusal('is not UTF-8 text')
  }
}

/** A scalar's text: on one line, without an explicit tag other than !!str. */
function scalarText(
  node: Scalar,
  text: string,
  refusal: (why: string) => Refused
): string {
  if (node.tag !== undefined && node.tag !== STR_TAG)
    throw refusal(`has a key or value tagged ${shown(node.tag)}`)
  const [start, end] = node.range ?? [0, 0]
  if (/[\r\n]/.test(text.slice(start, end)))
    throw refusal('has a key or value written over several lines')
  return String(node.value)
}

/**
 * The field a key sets in Go's encoding/json, which matches keys to fields
 * without regard to case (strings.EqualFold): `Name`, `VERSION`, even
 * `verſion` (the only non-ASCII letters that fold to ASCII ones are ſ, a
 * long s, and K, the Kelvin sign).
 */
export function foldedField(key: string): Field | undefined {
  const folded = key
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .replace(/[A-Z]/g, c => c.toLowerCase())
  return FIELDS.find(f => f === folded)
}

// go-yaml v2's plain scalars that are not text (resolve.go): booleans of
// YAML 1.1, nulls, infinities, the merge key; then numbers of every base.
const NOT_TEXT = new Set(
  [
    'y Y yes Yes YES on On ON true True TRUE',
    'n N no No NO off Off OFF false False FALSE',
    '~ null Null NULL .nan .NaN .NAN <<',
    '.inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF'
  ].flatMap(list => list.split(' '))
)
const INTEGER = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/
const TIMESTAMP = /^[0-9]{4}-/

/**
 * Whether go-yaml v2 reads this plain (unquoted) scalar as the very text
 * written: `1.2.3` and `m7` yes; `yes` (true), `1e3` (1000), `0o17` (15),
 * `1_0` (10) no. Dates stay text in Go but are refused too, to be sure.
 */
export function readAsWritten(plain: string): boolean {
  if (plain === '' || NOT_TEXT.has(plain)) return false
  if (!/^[-+.0-9]/.test(plain)) return true
  const digits = plain.replace(/_/g, '')
  return !(
    INTEGER.test(digits) ||
    FLOAT.test(digits) ||
    /^-?0b/.test(digits) ||
    TIMESTAMP.test(plain)
  )
}

/** Text from a package, as it can stand in a message: short, one line. */
export function shown(text: string): string {
  return showable(text.length > 100 ? `${text.slice(0, 100)}…` : text)
}
