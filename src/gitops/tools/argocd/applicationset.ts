// Argo CD ApplicationSet: its template becomes one Application per element
// its generators make. Those are known here only for literal `list`
// generators; each element then fills the template's plain placeholders
// (`{{ .key }}` with goTemplate, `{{key}}` without). Anything more (other
// generators, nested keys, functions, templatePatch) is not guessed at: the
// place is skipped, saying why.
import type { RenderPlace } from '../../../render/place.js'
import type { PinPlace, PlaceContext } from '../../places/context.js'
import { skippedPlace } from '../../places/context.js'
import {
  booleanAt,
  isPlainMap,
  listAt,
  mapAt,
  scalarText,
  stringAt,
  type PlainMap
} from '../../places/plain.js'
import { applicationPlace } from './application.js'
import type { PinVersions } from './versions.js'

/** Elements rendered per ApplicationSet at most. */
export const MAX_ELEMENTS = 20

/** Nesting followed when filling a template; manifests are far shallower. */
const MAX_DEPTH = 64

const GENERATED = 'not rendered: generated per element'

export function applicationSetPlaces(
  applicationSet: PlainMap,
  pinPath: string,
  at: PinPlace,
  context: PlaceContext,
  versions?: PinVersions
): RenderPlace[] {
  const spec = mapAt(applicationSet, 'spec')
  const name = stringAt(mapAt(applicationSet, 'metadata'), 'name') ?? ''
  // The template is an Application: `spec.template.spec.source` is its `spec.source`.
  const sourcePath = pinPath.replace(/^spec\.template\./, '')
  const title = `ApplicationSet ${name} (${sourcePath})`
  const skip = (reason: string): RenderPlace[] => [
    skippedPlace(at, title, context.chartRef, reason)
  ]
  const template = mapAt(spec, 'template')
  if (!template) return skip('not rendered: the ApplicationSet has no template')
  if (spec?.templatePatch !== undefined)
    return skip(`${GENERATED} (templatePatch is not applied here)`)
  const elements = literalElements(spec)
  if (typeof elements === 'string') return skip(elements)
  const goTemplate = booleanAt(spec, 'goTemplate') === true
  return elements.slice(0, MAX_ELEMENTS).map((element, index) => {
    const elementTitle = `${title}, element ${index + 1}`
    const filled = fillTemplate(template, element, goTemplate, 0)
    if ('unknown' in filled)
      return skippedPlace(
        at,
        elementTitle,
        context.chartRef,
        `not rendered: element ${index + 1}: ${filled.unknown}`
      )
    const application = isPlainMap(filled.value) ? filled.value : {}
    return applicationPlace(
      application,
      sourcePath,
      at,
      elementTitle,
      context,
      versions
    )
  })
}

/** The elements of the `list` generators, or the skip reason. */
function literalElements(spec: PlainMap | undefined): PlainMap[] | string {
  const generators = listAt(spec, 'generators')
  if (generators.length === 0) return `${GENERATED} (no generator)`
  const elements: PlainMap[] = []
  for (const generator of generators) {
    const list = mapAt(generator, 'list')
    const others = isPlainMap(generator) ? Object.keys(generator) : []
    if (!list || others.length !== 1) {
      const kinds = others.filter(key => key !== 'list').join(', ')
      return `${GENERATED} (${kinds || 'an unreadable'} generator)`
    }
    if (list.elementsYaml !== undefined || list.template !== undefined)
      return `${GENERATED} (a list generator with elementsYaml or its own template)`
    const items = listAt(list, 'elements')
    if (!items.every(isPlainMap))
      return `${GENERATED} (a list element is not a mapping)`
    elements.push(...items)
  }
  return elements
}

type Filled = { value: unknown } | { unknown: string }

/** The template with every placeholder of its strings filled from `element`. */
function fillTemplate(
  value: unknown,
  element: PlainMap,
  goTemplate: boolean,
  depth: number
): Filled {
  if (depth > MAX_DEPTH) return { unknown: 'the template nests too deep' }
  if (typeof value === 'string') return fillString(value, element, goTemplate)
  if (Array.isArray(value)) return fillEach(value, element, goTemplate, depth)
  if (!isPlainMap(value)) return { value }
  const filled: PlainMap = {}
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('{{'))
      return { unknown: `a placeholder in the key ${key}` }
    const result = fillTemplate(item, element, goTemplate, depth + 1)
    if ('unknown' in result) return result
    Object.defineProperty(filled, key, {
      value: result.value,
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return { value: filled }
}

function fillEach(
  items: unknown[],
  element: PlainMap,
  goTemplate: boolean,
  depth: number
): Filled {
  const filled: unknown[] = []
  for (const item of items) {
    const result = fillTemplate(item, element, goTemplate, depth + 1)
    if ('unknown' in result) return result
    filled.push(result.value)
  }
  return { value: filled }
}

function fillString(
  text: string,
  element: PlainMap,
  goTemplate: boolean
): Filled {
  // goTemplate: `{{ .key }}`; fasttemplate (the default): `{{key}}`, spaces trimmed.
  const plain = goTemplate
    ? /^\s*\.([A-Za-z_]\w*)\s*$/
    : /^\s*([A-Za-z_][\w-]*)\s*$/
  let unknown: string | undefined
  const value = text.replace(
    /\{\{(.*?)\}\}/gs,
    (placeholder, inside: string) => {
      const key = plain.exec(inside)?.[1]
      const filled =
        key !== undefined && Object.hasOwn(element, key)
          ? scalarText(element[key])
          : undefined
      if (filled === undefined)
        unknown ??= `${placeholder} is not a plain field of the element`
      return filled ?? placeholder
    }
  )
  // A `{{` left open is a template this does not read.
  if (!unknown && text.replace(/\{\{.*?\}\}/gs, '').includes('{{'))
    unknown = 'a placeholder that is not closed'
  return unknown ? { unknown } : { value }
}
