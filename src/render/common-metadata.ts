// Labels and annotations a consumer sets on every object it applies: Flux's
// `commonMetadata`, applied by helm-controller's post-renderer
// (internal/postrender/common_renderer.go `CommonRenderer.Run`, with
// kustomize's LabelTransformer and AnnotationsTransformer on
// `metadata/labels` and `metadata/annotations`, created when absent; a key
// already there is overwritten). Only the object's own metadata, never
// selectors or pod templates. Pure: no I/O.
import { isMap, parseDocument } from 'yaml'
import type { Resource } from './manifests.js'
import type { CommonMetadata } from './place.js'

/** `resources` with `metadata` set on each one that is an object. */
export function withCommonMetadata(
  resources: Resource[],
  metadata: CommonMetadata | undefined
): Resource[] {
  if (!metadata) return resources
  const { labels, annotations } = metadata
  if (Object.keys(labels).length + Object.keys(annotations).length === 0)
    return resources
  return resources.map(resource => withMetadata(resource, metadata))
}

function withMetadata(resource: Resource, metadata: CommonMetadata): Resource {
  const document = parseDocument(resource.text)
  if (document.errors.length > 0 || !isMap(document.contents)) return resource
  for (const [field, entries] of [
    ['labels', metadata.labels],
    ['annotations', metadata.annotations]
  ] as const) {
    for (const [key, value] of Object.entries(entries))
      document.setIn(['metadata', field, key], value)
  }
  return { ...resource, text: document.toString() }
}
