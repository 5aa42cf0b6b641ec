// Chart.lock's bytes as Helm writes them (pkg/downloader/manager.go
// writeLock: sigs.k8s.io/yaml.Marshal of chart.Lock, i.e. JSON turned into
// go-yaml v2 output): keys sorted, sequences not indented, a string quoted
// only when YAML 1.1 would read it as something else, and `generated` as Go
// marshals time.Now() (RFC 3339 with nanoseconds, trailing zeros dropped).
// Pure.
import type { HelmDependency } from './helm-digest.js'

// Strings go-yaml v2 would read back as booleans, nulls, numbers or timestamps.
const YAML11_NON_STRING = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[-+]?(?:\.inf|\.Inf|\.INF)$|^(?:\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9][0-9_]*)$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^\d{4}-\d\d?-\d\d?/
]
// Characters a plain scalar of these values may hold anywhere (no spaces, no indicators).
const PLAIN_SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_./:@+~=-]*$/

/** A value as go-yaml v2 emits it; undefined when it would need more than plain or double quotes. */
export function yamlScalar(value: string): string | undefined {
  if (YAML11_NON_STRING.some(pattern => pattern.test(value)))
    return /^[\x20-\x7e]*$/.test(value) && !/["\\]/.test(value)
      ? `"${value}"`
      : undefined
  return PLAIN_SAFE.test(value) && !value.endsWith(':') ? value : undefined
}

/** time.Time as Go's JSON has it (RFC3339Nano), in UTC. */
export function goTimestamp(time: Date): string {
  const iso = time.toISOString() // 2026-01-02T03:04:05.600Z
  return iso.replace(/\.(\d+)Z$/, (_, fraction: string) => {
    const trimmed = fraction.replace(/0+$/, '')
    return trimmed ? `.${trimmed}Z` : 'Z'
  })
}

/** Chart.lock's text, or undefined when a value needs quoting this module does not reproduce. */
export function renderLock(
  entries: readonly HelmDependency[],
  digest: string,
  now: Date
): string | undefined {
  const lines = ['dependencies:']
  for (const entry of entries) {
    const name = yamlScalar(entry.name)
    const repository = yamlScalar(entry.repository ?? '')
    const version = yamlScalar(entry.version ?? '')
    if (!name || !repository || !version) return undefined
    lines.push(
      `- name: ${name}`,
      `  repository: ${repository}`,
      `  version: ${version}`
    )
  }
  const digestValue = yamlScalar(digest)
  if (!digestValue) return undefined
  lines.push(`digest: ${digestValue}`, `generated: "${goTimestamp(now)}"`)
  return lines.join('\n') + '\n'
}
