// A `valueFiles` glob in a `$ref` source that is the GitOps repository
// (`$values/envs/*.yaml`), expanded in the clone as Argo CD 3.4 expands it in
// its checkout (reposerver/repository/repository.go, getResolvedValueFiles:
// doublestar.FilepathGlob, matches in lexical order). The clone is listed one
// folder at a time, so wildcards are followed in the file's name only: a
// folder with a wildcard, or `**`, is said rather than guessed. Pure: the
// folder listing is handed in.
import { posix } from 'node:path'
import { Minimatch } from 'minimatch'

/** Files one glob may bring in at most (as render/chart-globs.ts). */
export const MAX_REF_GLOB_MATCHES = 100

const WILDCARD = /[*?[]/

/** Whether a path is a glob (Argo CD's `isGlobPath`). */
export function isGlob(path: string): boolean {
  return WILDCARD.test(path)
}

/**
 * The repository paths `pattern` (a repository path) matches, in Go's
 * string order, or why it is not expanded.
 */
export function refGlobMatches(
  pattern: string,
  listFolder: (folder: string) => readonly string[]
): string[] | { refused: string } {
  const folder = posix.dirname(pattern)
  const name = posix.basename(pattern)
  if (isGlob(folder) || pattern.includes('**'))
    return {
      refused:
        'a wildcard in a folder (or **) is not expanded by the preview; only in the file name'
    }
  const base = folder === '.' ? '' : folder
  // doublestar matches names that start with a dot like any other.
  const matcher = new Minimatch(name, {
    dot: true,
    noext: true,
    nonegate: true,
    nocomment: true
  })
  const matches = listFolder(base)
    .filter(file => matcher.match(file))
    .map(file => (base ? `${base}/${file}` : file))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  if (matches.length > MAX_REF_GLOB_MATCHES)
    return {
      refused: `it matches ${matches.length} files; the preview uses at most ${MAX_REF_GLOB_MATCHES}`
    }
  return matches
}
