// One `valuesFrom` value set at its `targetPath`, as fluxcd/pkg
// chartutil/values.go does it: `ReplacePathValue` strips quotes around the
// value (then a string) and hands `<path>=<value>` to Helm's `--set` parser
// unescaped (a comma starts another assignment); `ReplacePathLiteralValue`
// (`literal: true`, helm-controller v1.6.0) escapes the parser's
// metacharacters so that the value is kept verbatim, as a string. Pure.
import type { PlainMap } from '../../../render/values-merge.js'
import { parseInto } from './strvals.js'

export interface TargetPathValue {
  targetPath: string
  value: string
  literal: boolean
}

/** Writes the value into `values` in place; Flux's error, or undefined. */
export function replacePathValue(
  values: PlainMap,
  entry: TargetPathValue
): string | undefined {
  const { targetPath, value, literal } = entry
  if (literal) {
    const escaped = value.replace(/[\\,[\]{}]/g, rune => `\\${rune}`)
    return parseInto(`${targetPath}=${escaped}`, values, true)
  }
  const quoted =
    (value.startsWith("'") && value.endsWith("'")) ||
    (value.startsWith('"') && value.endsWith('"'))
  if (!quoted) return parseInto(`${targetPath}=${value}`, values, false)
  // Go's strings.Trim(value, `'"`): every quote at either end.
  const unquoted = value.replace(/^['"]+|['"]+$/g, '')
  return parseInto(`${targetPath}=${unquoted}`, values, true)
}
