// The files of the GitOps repository the scan reads: within `gitops-paths`,
// bounded in size and number, decoded byte-exact, symlinks not followed.
// Read one at a time as the walk lists them; the text of a file the caller's
// pre-filter lets go is dropped at once, so memory grows with the files that
// may pin the chart, not with the repository (a 100,000-file clone).
import fs from 'node:fs'
import path from 'node:path'
import { Minimatch } from 'minimatch'
import { filePathProblem } from '../github/names.js'
import { showable } from '../relay.js'
import { decodeFile, type FileEncoding } from './encoding.js'

/** Files larger than this are not manifests: they are skipped unread (and said so). */
export const MAX_FILE_BYTES = 1024 * 1024

/** A file that matches the globs but was not scanned, and why. */
export interface UnreadFile {
  /** The path as it can be shown on one line (control characters escaped). */
  file: string
  /** Why, and what to do. */
  reason: string
  /** A file over the size limit is a notice; one that cannot be read safely, a warning. */
  level: 'notice' | 'warning'
}

/** The matching files of a checkout, as text, with what it takes to write them back. */
export interface GitopsFiles {
  /** The texts of the files the pre-filter kept (all of them without one). */
  texts: Map<string, string>
  /** How every file read was decoded, kept or not: any may be written back. */
  encodings: Map<string, FileEncoding>
  unread: UnreadFile[]
  /**
   * Every file matched and read, in listing order, kept or not; absent when
   * `texts` holds them all. A file not kept is read again from the checkout
   * when something needs it (a Kustomize patch, the preview).
   */
  paths?: string[]
  /** Every regular file of the checkout, as the walk listed them (for Kustomize builds). */
  listed?: string[]
}

/** Whether a file's text is kept: false when it cannot matter to the scan. */
export type KeepText = (file: string, text: string) => boolean

/** Repository paths ('/'-separated, relative to `root`) of every file, `.git` left out. */
function* walkFiles(root: string, dir = ''): Generator<string> {
  for (const entry of fs.readdirSync(path.join(root, dir), {
    withFileTypes: true
  })) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory() && entry.name !== '.git')
      yield* walkFiles(root, relative)
    else if (entry.isFile()) yield relative
  }
}

/** Every regular file of a checkout ('/'-separated paths), `.git` left out; symlinks are not listed. */
export function listRepositoryFiles(root: string): string[] {
  return [...walkFiles(root)]
}

/**
 * Reads the files of a checkout that match any of `globs`, one at a time;
 * `keep` decides, as each is read, whether its text is held.
 */
export function readMatchingFiles(
  root: string,
  globs: readonly string[],
  keep?: KeepText
): GitopsFiles {
  const result: GitopsFiles = {
    texts: new Map(),
    encodings: new Map(),
    unread: []
  }
  const paths: string[] = []
  const listed: string[] = []
  // Compiled once: building a matcher per file cost 13% of a 50,000-file scan.
  const matchers = globs.map(glob => new Minimatch(glob, { dot: true }))
  for (const file of walkFiles(root)) {
    listed.push(file)
    if (!matchers.some(matcher => matcher.match(file))) continue
    const text = readOne(root, file, result)
    if (text === undefined) continue
    paths.push(file)
    if (!keep || keep(file, text)) result.texts.set(file, text)
  }
  if (paths.length > result.texts.size) result.paths = paths
  return { ...result, listed }
}

/** The file's text, its encoding recorded; undefined when it is not read (and said why). */
function readOne(
  root: string,
  file: string,
  result: GitopsFiles
): string | undefined {
  const unread = (reason: string, level: UnreadFile['level']): undefined => {
    result.unread.push({ file: showable(file), reason, level })
    return undefined
  }
  // A name git cannot be given (a newline in it…) would fail the run later, after the push.
  const badName = filePathProblem(file)
  if (badName)
    return unread(
      `not scanned: its name cannot be used (${badName}); rename it`,
      'warning'
    )
  const read = readBounded(path.join(root, file), MAX_FILE_BYTES)
  if (read === 'missing') {
    return unread(
      'not scanned: its name is not valid UTF-8; rename it',
      'warning'
    )
  }
  if (read === 'not a regular file') {
    return unread(
      'not scanned: it was replaced by a symlink or another kind of file while the clone was read',
      'warning'
    )
  }
  if (typeof read === 'number') {
    return unread(
      `not scanned: ${read} bytes, over the ${MAX_FILE_BYTES}-byte limit for GitOps files; a pin in it is not bumped: bump it by hand, or split the file`,
      'notice'
    )
  }
  const decoded = decodeFile(read)
  if ('refused' in decoded) {
    return unread(
      `left alone: ${decoded.refused}, and only UTF-8 or ASCII-compatible files are edited safely; bump a pin in it by hand, or convert it to UTF-8`,
      'warning'
    )
  }
  result.encodings.set(file, decoded.encoding)
  return decoded.text
}

/**
 * A listed file's bytes, opened once (one path lookup: a stat before the
 * read cost a sixth of a 100,000-file scan, #27): its size instead when over
 * `max`; `missing` when its name does not survive decoding (not UTF-8).
 * Never through a symlink, never blocking on a pipe, should the file have
 * been replaced since the walk listed it.
 */
export function readBounded(
  full: string,
  max: number
): Buffer | number | 'missing' | 'not a regular file' {
  let fd: number
  try {
    fd = fs.openSync(
      full,
      fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK
    )
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'missing'
    if (code === 'ELOOP') return 'not a regular file'
    throw error
  }
  try {
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) return 'not a regular file'
    if (stat.size > max) return stat.size
    // What the file holds now, up to the size it had: never more than `max`.
    const bytes = Buffer.allocUnsafe(stat.size)
    let filled = 0
    while (filled < bytes.length) {
      const n = fs.readSync(fd, bytes, filled, bytes.length - filled, filled)
      if (n === 0) break
      filled += n
    }
    return bytes.subarray(0, filled)
  } finally {
    fs.closeSync(fd)
  }
}

/** A regular file of the checkout (never through a symlink), or undefined. */
export function readCheckoutFile(
  root: string,
  file: string
): Uint8Array | undefined {
  const full = insideCheckout(root, file)
  if (!full) return undefined
  // One open, as the scan reads: never through a symlink, even one swapped
  // in after a check (an lstat, then a read, would follow it).
  const read = readBounded(full, MAX_FILE_BYTES)
  return Buffer.isBuffer(read) ? read : undefined
}

/** The regular files directly in a folder of the checkout; [] without one. */
export function listCheckoutFolder(root: string, folder: string): string[] {
  const full = insideCheckout(root, folder)
  if (!full) return []
  if (!fs.lstatSync(full, { throwIfNoEntry: false })?.isDirectory()) return []
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => entry.name)
}

/**
 * The path of a repository path in the checkout, or undefined when it would
 * leave it: `..` or an absolute path, or a folder on the way that is a
 * symbolic link out of the clone (a values file may name any path).
 */
function insideCheckout(root: string, file: string): string | undefined {
  const parts = file.split('/')
  if (path.isAbsolute(file) || parts.some(part => part === '..'))
    return undefined
  const full = path.join(root, ...parts)
  let realFolder: string
  try {
    realFolder = fs.realpathSync(path.dirname(full))
  } catch {
    return undefined
  }
  const realRoot = fs.realpathSync(root)
  const inside =
    realFolder === realRoot || realFolder.startsWith(realRoot + path.sep)
  return inside ? full : undefined
}
