// The clone's texts as the scan's later readers see them: the texts the
// pre-filter kept as the clone was read (scan/prefilter.ts), and any other
// file read again from the checkout when a Kustomize build includes it or
// the preview looks documents up by kind. Shared by the GitOps step and the
// scan benchmark (bench/children/gitops-scan.ts), so both read alike.
import { decodeFile } from './encoding.js'
import { listRepositoryFiles, type GitopsFiles } from './files.js'
import type { BuildReader } from './tools/kustomize/build/tree.js'

/** What of the clone the readers here need: its folder, and a file of it. */
export interface Checkout {
  /** The checkout's folder; without one (a test's fake), only `files` are listed. */
  readonly dir?: string
  /** A regular file of the checkout (never through a symlink), or undefined. */
  readCheckoutFile(file: string): Uint8Array | undefined
}

/**
 * The whole checkout, for Kustomize builds: gitops-paths limits what is
 * edited, never what is read to resolve a pin. Files are read as the
 * globs' files are (regular files of the clone, never through a symlink).
 */
export function buildReader(clone: Checkout, files: GitopsFiles): BuildReader {
  const { texts } = files
  return {
    // The walk that read the files listed them all: no second walk.
    files: clone.dir
      ? (files.listed ?? listRepositoryFiles(clone.dir))
      : (files.paths ?? [...texts.keys()]),
    read: file => {
      const known = texts.get(file)
      if (known !== undefined) return known
      const bytes = clone.readCheckoutFile(file)
      if (!bytes) return undefined
      const decoded = decodeFile(bytes)
      return 'refused' in decoded ? undefined : decoded.text
    }
  }
}

/**
 * Every file the globs matched, as text, in listing order: the preview
 * looks documents up by kind anywhere in the paths (a HelmRelease's
 * ConfigMap), so the texts the pre-filter let go are read again.
 */
export function allTexts(
  files: GitopsFiles,
  reader: BuildReader
): ReadonlyMap<string, string> {
  if (!files.paths) return files.texts
  const texts = new Map<string, string>()
  for (const file of files.paths) {
    const text = files.texts.get(file) ?? reader.read(file)
    if (text !== undefined) texts.set(file, text)
  }
  return texts
}
