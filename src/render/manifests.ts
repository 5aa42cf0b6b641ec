// `helm template` output, split into resources keyed by kind, namespace and name.
import { parseDocument } from 'yaml'

/** One Kubernetes resource of a rendered manifest. */
export interface Resource {
  kind: string
  namespace: string
  name: string
  /** The resource's YAML as Helm rendered it (one document). */
  text: string
  /** Printed from the chart's `crds/` folder (`--include-crds`), not a template. */
  crdsFolder?: true
}

/** `# Source: <chart>[/charts/<sub>…]/crds/<file>`: Helm's comment on a CRD file. */
const CRDS_FOLDER_SOURCE = /^[^/]+(\/charts\/[^/]+)*\/crds\//

/** Kinds that live outside namespaces: no namespace is given to them. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PersistentVolume',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'IngressClass'
])

export interface SplitManifests {
  /** In the order Helm printed them; one per key (the first one seen). */
  resources: Resource[]
  /** `Kind namespace/name` of each resource rendered more than once. */
  duplicates: string[]
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped one: for messages. */
export function describeResource(resource: {
  kind: string
  namespace: string
  name: string
}): string {
  const where = resource.namespace
    ? `${resource.namespace}/${resource.name}`
    : resource.name
  return `${resource.kind} ${where}`
}

/** The identity of a resource; `# Source:` comments take no part in it. */
export function resourceKey(resource: {
  kind: string
  namespace: string
  name: string
}): string {
  return `${resource.kind}\u0000${resource.namespace}\u0000${resource.name}`
}

/**
 * Splits a multi-document manifest. A resource without namespace gets
 * `defaultNamespace` unless its kind is cluster-scoped (as `kubectl apply -n`
 * would place it). A document that is not a Kubernetes object (no kind or
 * name, or not YAML) is kept under kind `(unidentified)`, named by its
 * `# Source:` template, so that a change in it still shows.
 */
export function splitManifests(
  manifest: string,
  defaultNamespace: string
): SplitManifests {
  const resources: Resource[] = []
  const duplicates: string[] = []
  const seen = new Set<string>()
  for (const [index, document] of splitDocuments(manifest).entries()) {
    const resource = identify(document, defaultNamespace, index)
    if (!resource) continue
    const key = resourceKey(resource)
    if (seen.has(key)) {
      duplicates.push(describeResource(resource))
      continue
    }
    seen.add(key)
    resources.push(resource)
  }
  return { resources, duplicates }
}

interface RawDocument {
  source?: string
  /** The document without its `# Source:` lines, ending in a newline. */
  text: string
}

function splitDocuments(manifest: string): RawDocument[] {
  const documents: RawDocument[] = []
  let lines: string[] = []
  let source: string | undefined
  const flush = (): void => {
    const text = lines.join('\n').replace(/\s+$/, '')
    if (text) documents.push({ source, text: `${text}\n` })
    lines = []
    source = undefined
  }
  for (const line of manifest.replace(/\r\n/g, '\n').split('\n')) {
    if (/^---(\s.*)?$/.test(line)) {
      flush()
      continue
    }
    const sourceComment = /^# Source: (.*)$/.exec(line)
    if (sourceComment) source = sourceComment[1].trim()
    else lines.push(line)
  }
  flush()
  return documents
}

function identify(
  document: RawDocument,
  defaultNamespace: string,
  index: number
): Resource | undefined {
  const metadata = readMetadata(document.text)
  if (metadata === 'empty') return undefined
  if (!metadata) {
    return {
      kind: '(unidentified)',
      namespace: '',
      name: document.source ?? `document ${index + 1}`,
      text: document.text
    }
  }
  const namespace =
    metadata.namespace ??
    (CLUSTER_SCOPED_KINDS.has(metadata.kind) ? '' : defaultNamespace)
  const crdsFolder = CRDS_FOLDER_SOURCE.test(document.source ?? '')
  return {
    kind: metadata.kind,
    name: metadata.name,
    namespace,
    text: document.text,
    ...(crdsFolder ? { crdsFolder } : {})
  }
}

interface Metadata {
  kind: string
  name: string
  namespace?: string
}

/** kind, name and namespace; 'empty' for a document of comments only. */
function readMetadata(text: string): Metadata | 'empty' | undefined {
  const document = parseDocument(text)
  if (document.errors.length > 0) return undefined
  if (document.contents === null) return 'empty'
  const kind: unknown = document.get('kind')
  const name: unknown = document.getIn(['metadata', 'name'])
  const namespace: unknown = document.getIn(['metadata', 'namespace'])
  if (typeof kind !== 'string' || !kind) return undefined
  if (typeof name !== 'string' || !name) return undefined
  return {
    kind,
    name,
    namespace:
      typeof namespace === 'string' && namespace ? namespace : undefined
  }
}
