// Files of the GitOps repository that a consumer reads its values from.
// Nothing outside the clone is read: a path that is absolute, a URL, or that
// climbs out with `..` is refused here, before the reader is asked; the
// reader itself refuses symlinks (it throws or answers undefined).
import { posix } from 'node:path'
import type { ReadRepoFile } from '../../render/place.js'

/** Values files larger than this are not read: no real one comes close. */
export const MAX_VALUES_BYTES = 1024 * 1024

export type RepoPath = { path: string } | { refused: string }

/**
 * `written` as a path of the repository, relative to the folder `base`
 * (`''` for the repository's root).
 */
export function repoPath(base: string, written: string): RepoPath {
  if (written.trim() === '') return { refused: 'an empty path' }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(written))
    return { refused: 'a remote URL, not read' }
  if (/^([/\\]|[a-z]:)/i.test(written))
    return { refused: 'an absolute path, outside the repository' }
  if (written.includes('\\'))
    return { refused: 'a path with a backslash, not read' }
  const path = posix.normalize(posix.join(base, written))
  if (path === '..' || path.startsWith('../'))
    return { refused: 'a path outside the repository' }
  if (path === '.' || path.endsWith('/')) return { refused: 'not a file' }
  return { path }
}

/** The folder of a repository file, `''` at the root (a `base` for `repoPath`). */
export function folderOf(file: string): string {
  const folder = posix.dirname(file)
  return folder === '.' ? '' : folder
}

export type RepoText =
  { text: string } | { missing: true } | { refused: string }

/** The file's text, or why there is none. */
export function readRepoText(read: ReadRepoFile, path: string): RepoText {
  let bytes: Buffer | undefined
  try {
    bytes = read(path)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { refused: reason }
  }
  if (bytes === undefined) return { missing: true }
  if (bytes.length > MAX_VALUES_BYTES)
    return { refused: `larger than ${MAX_VALUES_BYTES} bytes` }
  return { text: bytes.toString('utf8') }
}

/** A values file read from the repository, or the note that says why not. */
export type ValuesText = { text: string; path: string } | { note: string }

/**
 * Reads `written` (relative to `base`) for `what` (e.g. `valueFiles x`). A
 * missing file is a note either way, so a reviewer knows it was looked for;
 * `optional` only changes its words.
 */
export function readValuesText(
  read: ReadRepoFile,
  what: string,
  base: string,
  written: string,
  optional = false
): ValuesText {
  const resolved = repoPath(base, written)
  if ('refused' in resolved)
    return { note: `${what} refused: ${resolved.refused}` }
  const found = readRepoText(read, resolved.path)
  if ('text' in found) return { text: found.text, path: resolved.path }
  if ('refused' in found)
    return { note: `${what} refused: ${resolved.path}: ${found.refused}` }
  return optional
    ? { note: `${what} not found (${resolved.path}), left out as allowed` }
    : { note: `${what} not found in the repository (${resolved.path})` }
}
