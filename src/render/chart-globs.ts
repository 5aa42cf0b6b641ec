// Values files named by a glob inside the chart (Argo CD 3.4's `valueFiles`
// globs) expanded against the chart's own files at the version rendered:
// the files differ from one version to the next, so the expansion cannot be
// done when the place is built. Argo CD (reposerver/repository/repository.go,
// getResolvedValueFiles, v3.4.0) expands with doublestar.FilepathGlob, uses
// the matches "in lexical order", leaves out a match that is also listed by
// name (that entry keeps its own position) and uses each file once. Pure.
import { Minimatch } from 'minimatch'
import type { ValuesFile } from './place.js'
import { chartRelativePath } from './chart-file.js'

/** Files one glob may bring in at most: no real chart has more values files. */
export const MAX_GLOB_MATCHES = 100

/**
 * `files` with each `glob` entry replaced by the chart files it matches;
 * `chartFiles` lists the chart's regular files (relative to the chart). A
 * glob that matches nothing fails, unless it is optional.
 */
export function expandChartGlobs(
  files: readonly ValuesFile[],
  chartFiles: () => readonly string[]
): { files: ValuesFile[] } | { error: string; valuesFile: string } {
  if (!files.some(file => file.glob && file.fromChart !== undefined))
    return { files: [...files] }
  const listed = new Set<string>()
  for (const file of files) {
    const path = file.glob ? undefined : chartRelativePath(file.fromChart ?? '')
    if (path) listed.add(path)
  }
  const used = new Set<string>()
  const expanded: ValuesFile[] = []
  for (const file of files) {
    if (!file.glob || file.fromChart === undefined) {
      expanded.push(file)
      continue
    }
    const matches = globMatches(file.fromChart, chartFiles())
    if ('error' in matches) return { ...matches, valuesFile: file.name }
    if (matches.length === 0 && !file.optional)
      return {
        error: `values file glob ${file.fromChart} matched no files in the chart`,
        valuesFile: file.name
      }
    for (const match of matches) {
      if (listed.has(match) || used.has(match)) continue
      used.add(match)
      expanded.push({
        name: `${file.name}: ${match}`,
        text: '',
        fromChart: match
      })
    }
  }
  return { files: expanded }
}

/** The chart files `pattern` matches, in Go's string order (bytes). */
function globMatches(
  pattern: string,
  chartFiles: readonly string[]
): string[] | { error: string } {
  // doublestar matches names that start with a dot like any other, knows
  // `{a,b}` and `[!a]`, and has no extglobs or negation.
  const matcher = new Minimatch(pattern, {
    dot: true,
    noext: true,
    nonegate: true,
    nocomment: true
  })
  const matches = chartFiles
    .filter(file => matcher.match(file))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  if (matches.length > MAX_GLOB_MATCHES)
    return {
      error: `values file glob ${pattern} matches ${matches.length} files in the chart; the preview uses at most ${MAX_GLOB_MATCHES}`
    }
  return matches
}
