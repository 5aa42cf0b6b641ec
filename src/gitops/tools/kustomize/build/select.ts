// Which resources a patch applies to, as Kustomize decides it: with a
// `target`, every resource the selector matches (api/resmap/reswrangler.go,
// `resWrangler.Select`: group, version, kind, name and namespace are regular
// expressions anchored at both ends, `anchorRegex` in api/types/selector.go;
// name and namespace match the original or the current one; then the label
// and annotation selectors); without one, the one resource whose id the
// patch's own apiVersion, kind, name and namespace give
// (`resWrangler.GetById` over `GetMatchingResourcesByAnyId`). Pure.
import type { Selector } from './kustomization.js'
import type { BuiltResource } from './resource.js'

/** A patch's own id, for a patch without `target`. */
export interface PatchId {
  apiVersion: string
  kind: string
  name: string
  namespace: string
}

/**
 * Kustomize compiles these with Go's RE2, which never backtracks; a pattern
 * is used here only when it is short, has no group followed by a
 * quantifier and at most three quantifiers, so that no selector can make JavaScript's engine work long.
 */
const MAX_PATTERN = 200
const SAFE_PATTERN = /^[\w.\-*+?^$|()[\]{},/: ]*$/
const NESTED_QUANTIFIER = /\)[*+?{]/
/** `a*a*a*…b` backtracks polynomially in the number of quantifiers. */
const MAX_QUANTIFIERS = 3

/** A compiled selector part, or why it cannot be used. */
function patternOf(value: string): RegExp | string {
  if (/^[\w.-]*$/.test(value))
    return new RegExp(`^(?:${value.replaceAll('.', '\\.')})$`)
  if (
    value.length > MAX_PATTERN ||
    !SAFE_PATTERN.test(value) ||
    NESTED_QUANTIFIER.test(value) ||
    (value.match(/[*+?{]/g) ?? []).length > MAX_QUANTIFIERS
  )
    return `the pattern '${value}' is not one this action matches safely`
  try {
    return new RegExp(`^(?:${value})$`)
  } catch {
    return `the pattern '${value}' is not a regular expression`
  }
}

/** The resources `selector` picks, or why it cannot be read. */
export function selectTargets(
  resources: readonly BuiltResource[],
  selector: Selector
): BuiltResource[] | string {
  const parts: [keyof Selector, RegExp][] = []
  for (const key of [
    'group',
    'version',
    'kind',
    'name',
    'namespace'
  ] as const) {
    const value = selector[key]
    if (value === undefined) continue
    const pattern = patternOf(value)
    if (typeof pattern === 'string') return pattern
    parts.push([key, pattern])
  }
  const labels = labelTest(selector.labelSelector)
  const annotations = labelTest(selector.annotationSelector)
  if (typeof labels === 'string') return labels
  if (typeof annotations === 'string') return annotations
  return resources.filter(
    resource =>
      parts.every(([key, pattern]) =>
        valuesOf(resource, key).some(value => pattern.test(value))
      ) &&
      labels(resource.labels) &&
      annotations(resource.annotations)
  )
}

/** What a selector part is compared with: both ids' name and namespace. */
function valuesOf(resource: BuiltResource, key: keyof Selector): string[] {
  const [group, version] = splitApiVersion(resource.apiVersion)
  switch (key) {
    case 'group':
      return [group]
    case 'version':
      return [version]
    case 'kind':
      return [resource.kind]
    case 'name':
      return [resource.orgName, resource.name]
    default:
      return [effective(resource.orgNamespace), effective(resource.namespace)]
  }
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? ['', apiVersion]
    : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)]
}

/** resid.ResId.EffectiveNamespace: unset is `default`. */
function effective(namespace: string): string {
  return namespace === '' ? 'default' : namespace
}

type MapTest = (map: Record<string, string>) => boolean

/**
 * Kubernetes' equality-based selectors (`k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * comma-separated); set-based ones (`in`, `notin`) are refused, said.
 */
function labelTest(selector: string | undefined): MapTest | string {
  if (selector === undefined) return () => true
  const tests: MapTest[] = []
  for (const raw of selector.split(',')) {
    const term = raw.trim()
    const match = /^(!?)([\w./-]+)\s*(?:(==|=|!=)\s*([\w.-]*))?$/.exec(term)
    if (!match) return `the selector '${selector}' is not one this action reads`
    const [, not, key, op, value] = match
    if (op === undefined) tests.push(map => key in map !== (not === '!'))
    else if (not === '!') return `the selector '${selector}' is not valid`
    else if (op === '!=') tests.push(map => map[key] !== value)
    else tests.push(map => map[key] === value)
  }
  return map => tests.every(test => test(map))
}

/** The one resource a patch without `target` applies to: kustomize's GetById. */
export function resourceById(
  resources: readonly BuiltResource[],
  id: PatchId
): BuiltResource[] {
  const found = resources.filter(
    resource =>
      resource.apiVersion === id.apiVersion &&
      resource.kind === id.kind &&
      (resource.orgName === id.name || resource.name === id.name) &&
      (effective(resource.orgNamespace) === effective(id.namespace) ||
        effective(resource.namespace) === effective(id.namespace))
  )
  return found.length === 1 ? found : []
}
