// What a pinned version string is (exact, range, template, digest) and
// whether a release moves it (pure).
import semver from 'semver'

/** What a pinned version string is, as far as bumping it goes. */
export type PinValue =
  | { kind: 'exact'; prefix: '' | 'v'; version: string }
  | { kind: 'range'; range: string }
  | { kind: 'template' }
  | { kind: 'digest' }
  | { kind: 'empty' }
  | { kind: 'other' }

// `{{ ... }}`: Argo CD ApplicationSet / Helm templates; `${...}`: Flux
// post-build substitution. Either way the real value comes from elsewhere.
const TEMPLATE_RE = /\{\{[\s\S]*\}\}|\$\{[^}]*\}/
const DIGEST_RE = /(?:^|@)sha(?:256|384|512):[0-9a-f]+$/i
const EXACT_RE =
  /^(v?)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/

/**
 * Classifies a pinned version. Ranges use the Masterminds syntax that Helm,
 * Argo CD and Flux share (`^1.2`, `~1.2`, `1.x`, `>=1 <2`, `>=1, <2`).
 */
export function classifyVersion(value: string): PinValue {
  const trimmed = value.trim()
  if (!trimmed) return { kind: 'empty' }
  if (TEMPLATE_RE.test(trimmed)) return { kind: 'template' }
  if (DIGEST_RE.test(trimmed)) return { kind: 'digest' }
  const exact = EXACT_RE.exec(trimmed)
  if (exact && semver.valid(exact[2])) {
    return {
      kind: 'exact',
      prefix: exact[1] === 'v' ? 'v' : '',
      version: exact[2]
    }
  }
  if (toNodeRange(trimmed) !== null) return { kind: 'range', range: trimmed }
  return { kind: 'other' }
}

/** Masterminds separates AND-ed constraints with commas, node-semver with spaces. */
function toNodeRange(range: string): string | null {
  return semver.validRange(range.replace(/,/g, ' '), { loose: true })
}

/** True when `range` (Masterminds syntax) lets `version` in. */
export function rangeAdmits(range: string, version: string): boolean {
  const nodeRange = toNodeRange(range)
  return nodeRange !== null && semver.satisfies(version, nodeRange)
}

/** `version` without a leading `v`, or undefined when it is not SemVer 2. */
export function bareVersion(version: string): string | undefined {
  const exact = EXACT_RE.exec(version.trim())
  return exact && semver.valid(exact[2]) ? exact[2] : undefined
}

/**
 * SemVer precedence of two bare versions (<0, 0, >0). Build metadata does not
 * count, as the spec says; callers treat equal precedence with different
 * strings as a change.
 */
export function precedence(a: string, b: string): number {
  return semver.compare(a, b)
}
