// Which versions of a chart a line's constraint picks from what the source
// offers (an OCI repository's tags, or a classic index's entries), and the
// OCI tag of a version. Pure: no I/O.
import semver from 'semver'
import { UserError } from '../errors.js'
import { ociTag } from '../registry/reference.js'
import { nodeRange, type MirrorLine } from '../inputs/mirror-lines.js'

export { ociTag }

/** Versions one line may pick: a range over a whole history is bounded. */
export const MAX_VERSIONS = 1000

/**
 * The chart version an OCI tag holds (Helm writes `+` as `_`), or undefined
 * when the tag is not a SemVer version (`latest`, `sha256-….sig`, …).
 */
export function tagVersion(tag: string): string | undefined {
  const version = tag.replace(/_/g, '+')
  return semver.valid(version) === null ? undefined : version
}

/** The versions among a repository's tags, in the registry's order. */
export function versionsOfTags(tags: readonly string[]): string[] {
  return tags.flatMap(tag => {
    const version = tagVersion(tag)
    return version === undefined ? [] : [version]
  })
}

/** Ascending SemVer order; equal precedence falls back to build metadata. */
function ascending(a: string, b: string): number {
  return semver.compareBuild(a, b)
}

/**
 * The versions of `available` that `line` asks for, ascending. Refuses, naming
 * the line, when none matches (a constraint that matches nothing is a typo or
 * an upstream that is gone, either way someone must look) or too many do.
 */
export function selectVersions(
  line: MirrorLine,
  available: readonly string[]
): string[] {
  const valid = [
    ...new Set(available.filter(v => semver.valid(v) !== null))
  ].sort(ascending)
  const picked = pick(line, valid)
  if (picked.length === 0)
    throw new UserError(
      `Line ${line.line} of 'charts' (${line.text}): no version of ${line.name} matches ` +
        `${describeConstraint(line)}; the source has ${offered(valid)}. ` +
        'Fix the constraint, or check that the source is the right one.'
    )
  if (picked.length > MAX_VERSIONS)
    throw new UserError(
      `Line ${line.line} of 'charts' (${line.text}): ${picked.length} versions match, ` +
        `more than ${MAX_VERSIONS} one line mirrors. Narrow the range.`
    )
  return picked
}

function pick(line: MirrorLine, valid: string[]): string[] {
  const { constraint } = line
  switch (constraint.kind) {
    case 'exact':
      // Build metadata tells versions apart here: `1.2.3+a` is not `1.2.3+b`.
      return valid.filter(v => v === constraint.version)
    case 'latest': {
      // As Helm resolves "no version": prereleases only when asked for.
      const stable = valid.filter(v => semver.prerelease(v) === null)
      return stable.length === 0 ? [] : [stable[stable.length - 1]]
    }
    case 'range': {
      const range = nodeRange(constraint.range)
      return range === null ? [] : valid.filter(v => semver.satisfies(v, range))
    }
  }
}

/** The constraint in words, for messages. */
export function describeConstraint(line: MirrorLine): string {
  const { constraint } = line
  if (constraint.kind === 'latest')
    return '`latest` (the highest stable version)'
  if (constraint.kind === 'exact') return `version ${constraint.version}`
  return `the range \`${constraint.range}\``
}

/** The highest few versions offered, for a message. */
function offered(valid: string[]): string {
  if (valid.length === 0) return 'no SemVer version at all'
  const top = valid.slice(-5).reverse()
  const more = valid.length > top.length ? `, … (${valid.length} in all)` : ''
  return `${top.join(', ')}${more}`
}
