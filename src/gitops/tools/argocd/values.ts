// Argo CD's `helm.valueFiles` and `helm.fileParameters` of one source. For an
// OCI chart, a plain path is a file inside the chart package (Argo CD runs
// Helm in the unpacked chart), read by the renderer at each version. In a
// multi-source Application, `$<ref>/path` is a file of the source whose
// `ref` is `<ref>`: read here only when that source is the GitOps repository
// itself (the clone at hand); any other repository is not fetched.
import type { SetValue, ValuesFile } from '../../../render/place.js'
import type { PlaceContext } from '../../places/context.js'
import {
  booleanAt,
  listAt,
  stringAt,
  type PlainMap
} from '../../places/plain.js'
import { readValuesText, repoPath } from '../../places/repo-files.js'

/** Value files looked at per source at most. */
const MAX_VALUE_FILES = 50

export interface ArgoSourceFiles {
  valueFiles: ValuesFile[]
  fileParameters: SetValue[]
  notes: string[]
}

/** Both lists of one source, in Argo CD's order; what could not be read becomes a note. */
export function argoSourceFiles(
  helm: PlainMap | undefined,
  sources: readonly unknown[],
  context: PlaceContext
): ArgoSourceFiles {
  const result: ArgoSourceFiles = {
    valueFiles: [],
    fileParameters: [],
    notes: []
  }
  const optional = booleanAt(helm, 'ignoreMissingValueFiles') === true
  const written = listAt(helm, 'valueFiles').slice(0, MAX_VALUE_FILES)
  for (const path of written) {
    if (typeof path !== 'string') continue
    const file = valueFile(path, optional, sources, context)
    if (typeof file === 'string') result.notes.push(file)
    else result.valueFiles.push(file)
  }
  for (const parameter of listAt(helm, 'fileParameters')) {
    const set = fileParameter(parameter, sources, context)
    if (typeof set === 'string') result.notes.push(set)
    else result.fileParameters.push(set)
  }
  return result
}

/** One `valueFiles` entry, or the note that says why it is not used. */
function valueFile(
  path: string,
  optional: boolean,
  sources: readonly unknown[],
  context: PlaceContext
): ValuesFile | string {
  const name = `valueFiles ${path}`
  if (path.startsWith('$')) {
    const read = readFromRef(name, path, optional, sources, context)
    return 'note' in read ? read.note : { name, text: read.text }
  }
  const inChart = repoPath('', path)
  if ('refused' in inChart) return `${name} refused: ${inChart.refused}`
  return {
    name,
    text: '',
    fromChart: inChart.path,
    ...(optional ? { optional } : {})
  }
}

function fileParameter(
  parameter: unknown,
  sources: readonly unknown[],
  context: PlaceContext
): SetValue | string {
  const name = stringAt(parameter, 'name')
  const path = stringAt(parameter, 'path') ?? ''
  const what = `fileParameters ${name ?? '(no name)'} (${path})`
  if (!name) return `${what} left out: it has no name`
  if (!path.startsWith('$'))
    return `${what} not resolved: a file inside the chart package is not read for --set-file`
  const read = readFromRef(what, path, false, sources, context)
  if ('note' in read) return read.note
  return { path: name, value: read.text, forceString: false, fromFile: true }
}

/** `$<ref>/path` read from the GitOps repository, or why not. */
function readFromRef(
  what: string,
  written: string,
  optional: boolean,
  sources: readonly unknown[],
  context: PlaceContext
): { text: string } | { note: string } {
  const match = /^\$([^/]+)\/(.+)$/.exec(written)
  if (!match) return { note: `${what} not resolved: no path after the $ref` }
  const [, ref, path] = match
  const source = sources.find(item => stringAt(item, 'ref') === ref)
  if (!source)
    return { note: `${what} not resolved: no source has \`ref: ${ref}\`` }
  const repoURL = stringAt(source, 'repoURL') ?? ''
  if (!isRepository(repoURL, context.repositoryUrls))
    return {
      note: `${what} not resolved: source \`ref: ${ref}\` is ${repoURL || 'no repository'}, not the GitOps repository`
    }
  return readValuesText(context.readRepoFile, what, '', path, optional)
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
