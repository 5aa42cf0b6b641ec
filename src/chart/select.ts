// Which of the charts found a run releases. Pure: no I/O.
import { UserError } from '../errors.js'
import { checkTag, expectedTag, tagMatches } from './tag.js'

export interface SelectableChart {
  name: string
  version: string
  file: string
  versionLine: number
  dir: string
}

export interface Selection {
  checkTag: boolean
  tag: string | undefined
  githubRef: string
  pattern: string
}

/**
 * One chart: the tag check as always. Several: without a tag check, all of
 * them; with one, those the tag releases. A tag that names a chart (through
 * `{name}`) at another version is refused on that chart's version line; a tag
 * that releases none of them is refused with the list of charts found.
 */
export function selectCharts<T extends SelectableChart>(
  charts: readonly T[],
  selection: Selection
): T[] {
  if (!selection.checkTag) return [...charts]
  if (charts.length === 1) {
    checkTag({ ...selection, chart: charts[0] })
    return [...charts]
  }
  const { tag, pattern } = selection
  if (tag === undefined) {
    throw new UserError(
      `There is no git tag to say which of ${charts.length} charts to release (GITHUB_REF is '${selection.githubRef || 'unset'}'). ` +
        `Push a tag such as '${expectedTag(pattern, charts[0].name, charts[0].version)}', give it in 'tag', ` +
        "or set 'check-tag: false' (with 'if-exists: skip', every chart not yet published is released)."
    )
  }
  const matching = charts.filter(c =>
    tagMatches(tag, pattern, c.name, c.version)
  )
  if (matching.length) return matching
  const named = charts.find(c => tagNamesChart(tag, pattern, c.name))
  if (named) checkTag({ ...selection, chart: named })
  throw new UserError(
    `Tag '${tag}' releases none of the charts found (tag-pattern '${pattern}'): ` +
      charts
        .map(
          c =>
            `${c.name} ${c.version} (tag '${expectedTag(pattern, c.name, c.version)}', ${c.file})`
        )
        .join('; ') +
      ". Tag one of them, or fix 'tag-pattern' or 'chart'."
  )
}

/** True when `tag` is `pattern` for this chart name, whatever the version. */
function tagNamesChart(tag: string, pattern: string, name: string): boolean {
  if (!pattern.includes('{name}')) return false
  const [before, after] = pattern.replaceAll('{name}', name).split('{version}')
  return (
    tag.startsWith(before) &&
    tag.endsWith(after ?? '') &&
    tag.length > before.length + (after ?? '').length
  )
}
