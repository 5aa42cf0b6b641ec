// Builds render places the way the GitOps step will: the repository's
// files are bumped (the real scan finds the pins), then the bumped pins
// become places. Values files live in an in-memory repository whose reader
// refuses symlinks, as the real one does.
import { posix } from 'node:path'
import { bumpBothWays } from '../scan/prefiltered.js'
import type { ChartRef } from '../../../src/gitops/scan/types.js'
import { renderPlaces } from '../../../src/gitops/tools/index.js'
import type { RenderPlace } from '../../../src/render/place.js'

export const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}
export const CHART_REF = 'oci://ghcr.io/acme/charts/webapp'
export const GITOPS_URLS = [
  'https://github.com/acme/gitops',
  'https://github.com/acme/gitops.git'
]

export const lines = (...rows: string[]): string => rows.join('\n') + '\n'

export interface Repository {
  /** Files scanned for pins (YAML manifests). */
  manifests: Record<string, string>
  /** Other files of the clone, read through the reader only. */
  files?: Record<string, string>
  /** Paths that are symlinks: the reader refuses them. */
  symlinks?: string[]
}

export interface Built {
  places: RenderPlace[]
  /** Every path the reader was asked for, in order. */
  reads: string[]
}

export function build(repository: Repository): Built {
  const texts = new Map(Object.entries(repository.manifests))
  const bump = bumpBothWays(texts, CHART, '1.5.0')
  const reads: string[] = []
  const all = { ...repository.manifests, ...repository.files }
  const readRepoFile = (path: string): Buffer | undefined => {
    reads.push(path)
    if (repository.symlinks?.includes(path))
      throw new Error(`${path} is a symbolic link`)
    const text = all[path]
    return text === undefined ? undefined : Buffer.from(text)
  }
  // The files directly in a folder, symlinks left out (as the clone lists them).
  const listRepoFolder = (folder: string): string[] =>
    [...Object.keys(all), ...(repository.symlinks ?? [])]
      .filter(path => posix.dirname(path) === (folder || '.'))
      .filter(path => !repository.symlinks?.includes(path))
      .map(path => posix.basename(path))
  const places = renderPlaces(bump.changes, {
    texts,
    readRepoFile,
    listRepoFolder,
    chartRef: CHART_REF,
    repositoryUrls: GITOPS_URLS
  })
  return { places, reads }
}

/** The one place a repository makes. */
export function onePlace(repository: Repository): RenderPlace {
  const { places } = build(repository)
  if (places.length !== 1)
    throw new Error(`expected one place, got ${places.length}`)
  return places[0]
}
