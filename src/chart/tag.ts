// The git tag a release is for (`tag-pattern`): the version it names must be
// Chart.yaml's, so a tag never publishes another version (pure).
import { UserError } from '../errors.js'

/** The default `tag-pattern`: `v1.2.3` (and, by convention, the bare `1.2.3`). */
export const DEFAULT_TAG_PATTERN = 'v{version}'

const PLACEHOLDER_RE = /\{([^{}]*)\}/g
const KNOWN_PLACEHOLDERS = new Set(['name', 'version'])

/** Checks `tag-pattern`: it must hold `{version}` and no other placeholder than `{name}`. */
export function validateTagPattern(pattern: string): string {
  const value = pattern.trim()
  const unknown = [...value.matchAll(PLACEHOLDER_RE)]
    .map(m => m[1])
    .filter(p => !KNOWN_PLACEHOLDERS.has(p))
  if (unknown.length) {
    throw new UserError(
      `Input 'tag-pattern' is '${pattern}', with unknown placeholder {${unknown[0]}}: use {name} and {version}, e.g. '{name}-v{version}'.`
    )
  }
  if (!value.includes('{version}')) {
    throw new UserError(
      `Input 'tag-pattern' is '${pattern}', which has no {version}: the tag must carry the version, e.g. 'v{version}' or '{name}-{version}'.`
    )
  }
  return value
}

/**
 * The git tag being released: the `tag` input when given, else the tag of
 * GITHUB_REF when it is `refs/tags/…`; undefined on a branch push.
 */
export function releaseTag(
  tagInput: string,
  githubRef = ''
): string | undefined {
  const given = tagInput.trim().replace(/^refs\/tags\//, '')
  if (given) return given
  return githubRef.startsWith('refs/tags/')
    ? githubRef.slice('refs/tags/'.length)
    : undefined
}

/** The tag `pattern` forms for a chart. */
export function expectedTag(
  pattern: string,
  name: string,
  version: string
): string {
  return pattern.replaceAll('{name}', name).replaceAll('{version}', version)
}

/** True when `tag` releases this chart version under `pattern`. */
export function tagMatches(
  tag: string,
  pattern: string,
  name: string,
  version: string
): boolean {
  if (tag === expectedTag(pattern, name, version)) return true
  return pattern === DEFAULT_TAG_PATTERN && tag === version
}

export interface TagCheck {
  tag: string | undefined
  githubRef: string
  pattern: string
  chart: { name: string; version: string; file: string; versionLine: number }
}

/**
 * Refuses a release whose tag does not name the chart's version, with the tag,
 * chart, version, pattern and the fix; annotated on the `version:` line.
 */
export function checkTag({ tag, githubRef, pattern, chart }: TagCheck): void {
  const expected = expectedTag(pattern, chart.name, chart.version)
  if (tag === undefined) {
    throw new UserError(
      `There is no git tag to check the chart version against (GITHUB_REF is '${githubRef || 'unset'}'). ` +
        `Run the release on a tag push (on: push: tags: ['${pattern.replace(/\{(name|version)\}/g, '*')}']), ` +
        `give the tag in 'tag' (here '${expected}'), or set 'check-tag: false'.`
    )
  }
  if (tagMatches(tag, pattern, chart.name, chart.version)) return
  throw new UserError(
    `Tag '${tag}' does not release chart '${chart.name}' at version ${chart.version} ` +
      `(${chart.file} says 'version: ${chart.version}'; tag-pattern '${pattern}' expects '${expected}'). ` +
      `Set 'version:' in ${chart.file} to the version the tag names and tag again, ` +
      "or fix 'tag-pattern' if your tags are formed differently.",
    { file: chart.file, line: chart.versionLine }
  )
}
