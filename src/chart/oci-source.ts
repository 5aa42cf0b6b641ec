// What Helm writes as the manifest annotation `org.opencontainers.image.source`
// when it pushes a chart (pure). ghcr.io links a package to a repository by
// this annotation, so the release can tell before the push whether the
// package will be linked. Helm's rule, the same in 3.17 and 4.x
// (pkg/registry/util.go in v3.17.3, pkg/registry/chart.go in v4.2.3):
// `generateChartOCIAnnotations` writes sources[0] when it is not blank
// (`addToMap`), then `generateOCIAnnotations` copies every Chart.yaml
// annotation over the generated ones (only version and title are kept), so an
// annotation `org.opencontainers.image.source`, even an empty one, wins.

/** The manifest annotation ghcr.io links a package to its repository by. */
export const OCI_SOURCE_ANNOTATION = 'org.opencontainers.image.source'

/** Where the annotation Helm writes comes from, and what it says. */
export interface OciSource {
  /** The annotation's value; undefined when Helm writes none. */
  value?: string
  /** Chart.yaml's annotation of that name, its `sources[0]`, or nothing. */
  from: 'annotation' | 'sources' | 'none'
  /** Chart.yaml has a `sources` key (a list Helm read as empty, perhaps). */
  hasSources: boolean
}

/** What Helm writes as `org.opencontainers.image.source` for Chart.yaml's data. */
export function ociSource(data: Record<string, unknown>): OciSource {
  const hasSources = data.sources !== undefined && data.sources !== null
  const annotation = annotationValue(data.annotations)
  if (annotation !== undefined)
    return { value: annotation, from: 'annotation', hasSources }
  const first: unknown = Array.isArray(data.sources)
    ? (data.sources as unknown[])[0]
    : undefined
  // addToMap: a blank value is not written.
  if (typeof first === 'string' && first.trim())
    return { value: first, from: 'sources', hasSources }
  return { from: 'none', hasSources }
}

/** The annotation as Helm reads Chart.yaml's map of strings; undefined when absent. */
function annotationValue(annotations: unknown): string | undefined {
  if (typeof annotations !== 'object' || annotations === null) return undefined
  const value: unknown = (annotations as Record<string, unknown>)[
    OCI_SOURCE_ANNOTATION
  ]
  if (value === undefined) return undefined
  return value === null ? '' : String(value)
}
