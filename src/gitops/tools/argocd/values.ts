// Argo CD's `helm.valueFiles` and `helm.fileParameters` of one source. For an
// OCI chart, a plain path is a file inside the chart package (Argo CD runs
// Helm in the unpacked chart), read by the renderer at each version. In a
// multi-source Application, `$<ref>/path` is a file of the source whose
// `ref` is `<ref>`: read here only when that source is the GitOps repository
// itself (the clone at hand); any other repository is not fetched. Paths
// go through the build environment first (env.ts); a path with `*`, `?` or
// `[` is a glob (Argo CD 3.4), expanded in the chart at each version by the
// renderer. Each file is used once, where it is first named
// (`getResolvedValueFiles`, v3.4.0: `appendUnique`).
import type { SetValue, ValuesFile } from '../../../render/place.js'
import type { PlaceContext } from '../../places/context.js'
import {
  booleanAt,
  listAt,
  stringAt,
  type PlainMap
} from '../../places/plain.js'
import { readValuesText, repoPath } from '../../places/repo-files.js'
import type { ArgoEnvironment } from './env.js'
import { isGlob, refGlobMatches } from './ref-globs.js'

/** Value files looked at per source at most. */
const MAX_VALUE_FILES = 50

/** Files `$ref` globs may bring in per source at most: each is read. */
export const MAX_REF_GLOB_FILES = 100

export interface ArgoSourceFiles {
  valueFiles: ValuesFile[]
  fileParameters: SetValue[]
  notes: string[]
}

/** What a source's files are read with: its Application's sources, the variables. */
interface SourceRead {
  sources: readonly unknown[]
  env: ArgoEnvironment
  context: PlaceContext
  /** What is left of MAX_REF_GLOB_FILES. */
  globFiles: { left: number }
}

/** Both lists of one source, in Argo CD's order; what could not be read becomes a note. */
export function argoSourceFiles(
  helm: PlainMap | undefined,
  sources: readonly unknown[],
  context: PlaceContext,
  env: ArgoEnvironment
): ArgoSourceFiles {
  const result: ArgoSourceFiles = {
    valueFiles: [],
    fileParameters: [],
    notes: []
  }
  const globFiles = { left: MAX_REF_GLOB_FILES }
  const read: SourceRead = { sources, env, context, globFiles }
  const optional = booleanAt(helm, 'ignoreMissingValueFiles') === true
  const written = listAt(helm, 'valueFiles').slice(0, MAX_VALUE_FILES)
  const paths = written.filter(path => typeof path === 'string')
  // A file listed by name keeps that place: a glob leaves it out.
  const listed = new Set(paths.flatMap(path => listedKey(path, read) ?? []))
  const seen = new Set<string>()
  for (const path of paths) {
    const files = valueFiles(path, optional, read)
    if (typeof files === 'string') {
      result.notes.push(files)
      continue
    }
    for (const { file, key, matched } of files) {
      if (seen.has(key) || (matched && listed.has(key))) continue
      seen.add(key)
      result.valueFiles.push(file)
    }
  }
  for (const parameter of listAt(helm, 'fileParameters')) {
    const set = fileParameter(parameter, read)
    if (typeof set === 'string') result.notes.push(set)
    else result.fileParameters.push(set)
  }
  return result
}

/** A values file and what it is the same file as (each is used once). */
interface NamedFile {
  file: ValuesFile
  key: string
  /** Found by a glob: left out when listed by name too. */
  matched?: boolean
}

/** The key of an entry that names one file (no glob), to leave it out of globs. */
function listedKey(path: string, read: SourceRead): string | undefined {
  const ref = refSource(path, read)
  if (typeof ref === 'string') return undefined
  const written = ref === undefined ? read.env.subst(path) : ref.path
  const resolved = repoPath('', written)
  if ('refused' in resolved || isGlob(resolved.path)) return undefined
  return `${ref === undefined ? 'chart' : 'repo'}:${resolved.path}`
}

/** One `valueFiles` entry (several for a glob), or the note that says why it is not used. */
function valueFiles(
  path: string,
  optional: boolean,
  read: SourceRead
): NamedFile[] | string {
  const name = `valueFiles ${path}`
  const ref = refSource(path, read)
  if (ref !== undefined) {
    if (typeof ref === 'string') return `${name} ${ref}`
    if (isGlob(ref.path)) return refGlob(name, ref, optional, read)
    const found = readFromRef(name, ref, optional, read)
    if ('note' in found) return found.note
    return [{ file: { name, text: found.text }, key: `repo:${found.path}` }]
  }
  const inChart = repoPath('', read.env.subst(path))
  if ('refused' in inChart) return `${name} refused: ${inChart.refused}`
  // A glob in the chart is expanded by the renderer, at each version.
  const glob = isGlob(inChart.path)
  const file: ValuesFile = { name, text: '', fromChart: inChart.path }
  if (optional) file.optional = true
  if (glob) file.glob = true
  return [{ file, key: `${glob ? 'glob' : 'chart'}:${inChart.path}` }]
}

/** A `$ref` glob expanded in the GitOps repository: each match read. */
function refGlob(
  name: string,
  ref: RefPath,
  optional: boolean,
  read: SourceRead
): NamedFile[] | string {
  const elsewhere = otherRepository(name, ref, read.context)
  if (elsewhere) return elsewhere
  const pattern = repoPath('', ref.path)
  if ('refused' in pattern) return `${name} refused: ${pattern.refused}`
  const matches = refGlobMatches(pattern.path, read.context.listRepoFolder)
  if ('refused' in matches) return `${name} not expanded: ${matches.refused}`
  if (matches.length > read.globFiles.left)
    return `${name} not expanded: the globs of this source would read more than ${MAX_REF_GLOB_FILES} files`
  read.globFiles.left -= matches.length
  if (matches.length === 0)
    return optional
      ? `${name} matched no files (left out as allowed)`
      : `${name} matched no files in the repository: Argo CD fails to render this source (ignoreMissingValueFiles would leave it out)`
  const files: NamedFile[] = []
  for (const match of matches) {
    const what = `${name}: ${match}`
    const found = readFromRef(what, { ...ref, path: match }, optional, read)
    if ('note' in found) return found.note
    const file = { name: what, text: found.text }
    files.push({ file, key: `repo:${found.path}`, matched: true })
  }
  return files
}

function fileParameter(
  parameter: unknown,
  read: SourceRead
): SetValue | string {
  const name = stringAt(parameter, 'name')
  const path = stringAt(parameter, 'path') ?? ''
  const what = `fileParameters ${name ?? '(no name)'} (${path})`
  if (!name) return `${what} left out: it has no name`
  const ref = refSource(path, read)
  if (ref === undefined)
    return `${what} not resolved: a file inside the chart package is not read for --set-file`
  if (typeof ref === 'string') return `${what} ${ref}`
  const found = readFromRef(what, ref, false, read)
  if ('note' in found) return found.note
  return { path: name, value: found.text, forceString: false, fromFile: true }
}

/** A `$<ref>/path` and the source whose `ref` it names. */
interface RefPath {
  ref: string
  source: unknown
  /** The path in that source, variables substituted. */
  path: string
}

/**
 * `$<ref>/path` when a source has `ref: <ref>` (`getReferencedSource`); a
 * `$word/…` naming no source and no variable is said (Argo CD would read
 * the word as an empty variable); anything else is a path in the chart.
 */
function refSource(
  written: string,
  read: SourceRead
): RefPath | string | undefined {
  const match = /^\$([^/]*)(?:\/(.*))?$/s.exec(written)
  if (!match) return undefined
  const [, ref, rest] = match
  const source = read.sources.find(item => stringAt(item, 'ref') === ref)
  if (source === undefined) {
    const variable = /^[A-Za-z0-9_]+$/.test(ref) && ref.startsWith('ARGOCD_')
    if (variable || !/^[A-Za-z0-9_-]+$/.test(ref)) return undefined
    return `not resolved: no source has \`ref: ${ref}\``
  }
  if (!rest) return 'not resolved: no path after the $ref'
  // Argo CD substitutes after taking the ref off (getResolvedRefValueFile).
  return { ref, source, path: read.env.subst(`/${rest}`).slice(1) }
}

/** `$<ref>/path` read from the GitOps repository, or why not. */
function readFromRef(
  what: string,
  { ref, source, path }: RefPath,
  optional: boolean,
  { context }: SourceRead
): { text: string; path: string } | { note: string } {
  const elsewhere = otherRepository(what, { ref, source, path }, context)
  if (elsewhere) return { note: elsewhere }
  return readValuesText(context.readRepoFile, what, '', path, optional)
}

/** Why a `$ref` source is not read: it is not the GitOps repository. */
function otherRepository(
  what: string,
  { ref, source }: RefPath,
  context: PlaceContext
): string | undefined {
  const repoURL = stringAt(source, 'repoURL') ?? ''
  if (isRepository(repoURL, context.repositoryUrls)) return undefined
  return `${what} not resolved: source \`ref: ${ref}\` is ${repoURL || 'no repository'}, not the GitOps repository`
}

/** `repoURL` names one of `urls`, however written (scheme, `.git`, case, scp form). */
export function isRepository(
  repoURL: string,
  urls: readonly string[]
): boolean {
  const wanted = normaliseRepositoryUrl(repoURL)
  return (
    wanted !== '' && urls.some(url => normaliseRepositoryUrl(url) === wanted)
  )
}

/** `https://GitHub.com/acme/gitops.git/` and `git@github.com:acme/gitops` → `github.com/acme/gitops`. */
export function normaliseRepositoryUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d+\/)/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
}
