// ghcr.io links a package to its repository by the manifest annotation
// `org.opencontainers.image.source`, which Helm writes from Chart.yaml
// (chart/oci-source.ts). A package pushed without it starts private and
// unconnected; the fix is one line of Chart.yaml, so the release says it
// before the push and changes nothing of what Helm pushes. Pure.
// GitHub's rule: https://docs.github.com/en/packages/learn-github-packages/connecting-a-repository-to-a-package
import type { OciSource } from '../chart/oci-source.js'
import { OCI_SOURCE_ANNOTATION } from '../chart/oci-source.js'

/** The one registry whose packages are linked by the annotation. */
const GHCR = 'ghcr.io'
/** An outside value is shown up to this many characters. */
const SHOWN = 200

/** What the notice needs of a chart's release. */
export interface LinkedChart {
  /** Chart.yaml's path in the workspace. */
  file: string
  registry: string
  /** oci://ghcr.io/owner/…/name */
  ref: string
  ociSource?: OciSource & { line: number }
}

/** The notice and where it points, or undefined when nothing is to say. */
export interface LinkNotice {
  message: string
  file: string
  line: number
}

/**
 * On ghcr.io, when what Helm will write as `org.opencontainers.image.source`
 * does not name `githubRepository` (owner/name): the notice that the package
 * will not be linked, with the line to add to Chart.yaml. Undefined elsewhere,
 * when the annotation names the repository, or without a repository.
 */
export function ghcrLinkNotice(
  chart: LinkedChart,
  githubRepository: string | undefined
): LinkNotice | undefined {
  const source = chart.ociSource
  if (chart.registry !== GHCR || !githubRepository || !source) return undefined
  const url = `https://github.com/${githubRepository}`
  if (source.value !== undefined && namesRepository(source.value, url))
    return undefined
  const message =
    `ghcr.io will not link ${chart.ref} to the repository ${githubRepository}: ` +
    `ghcr.io links a package by the manifest annotation ${OCI_SOURCE_ANNOTATION}, ` +
    `which Helm writes from Chart.yaml, and ${why(source)}. ` +
    `${fix(source, url)} The package is pushed as Helm pushes it.`
  return { message, file: chart.file, line: source.line }
}

/**
 * True when `value` is the repository's URL, as ghcr.io would read it:
 * case-insensitive, with or without a trailing slash or `.git`.
 */
export function namesRepository(value: string, repositoryUrl: string): boolean {
  return normalize(value) === normalize(repositoryUrl)
}

function normalize(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
}

/** What Chart.yaml gives Helm to write. */
function why(source: OciSource): string {
  if (source.from === 'annotation')
    return `its annotation ${OCI_SOURCE_ANNOTATION} (which Helm writes over sources[0]) is ${shown(source.value ?? '')}`
  if (source.from === 'sources')
    return `its sources[0] is ${shown(source.value ?? '')}`
  return source.hasSources
    ? "its 'sources' list has no first item Helm writes"
    : "it has no 'sources'"
}

/** The exact line that links the package. */
function fix(source: OciSource, url: string): string {
  if (source.from === 'annotation')
    return `Set the annotation under 'annotations:' to: ${OCI_SOURCE_ANNOTATION}: "${url}"`
  if (source.hasSources)
    return `Make this the first item of 'sources:': - "${url}"`
  return `Add this line to Chart.yaml: sources: ["${url}"]`
}

/** An outside value, quoted as JSON (no line breaks), bounded. */
function shown(value: string): string {
  const cut = value.length > SHOWN ? `${value.slice(0, SHOWN)}…` : value
  return JSON.stringify(cut)
}
