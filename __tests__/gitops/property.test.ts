// Property tests: random GitOps files (quoting, comments, CRLF, BOM, extra
// keys, key order, flow and block style, random versions; plain and with Helm
// template lines) are bumped, and the result must parse to exactly the
// model's expected documents while every byte outside the edited version
// scalars stays the same. Flux OCIRepository pins may hold a digest (a
// `digest` field or `tag: 1.2.3@sha256:…`), which moves with the version: a
// pin then has two spans, or a longer one.
import fc from 'fast-check'
import semver from 'semver'
import { describe, expect, test } from 'vitest'
import { parseAllDocuments } from 'yaml'
import {
  applyEdits,
  bumpFile,
  editFor,
  editsFor,
  planBump
} from '../../src/gitops/edit.js'
import { findPins } from '../../src/gitops/tools/index.js'
import type { ChartRef } from '../../src/gitops/scan/types.js'

const CHART: ChartRef = {
  name: 'webapp',
  registry: 'ghcr.io',
  repository: 'acme/charts'
}

type Quote = 'plain' | 'single' | 'double'
type Json = string | Json[] | { [key: string]: Json }

interface Entry {
  key: string
  value: string
  quote: Quote
}

interface Version {
  text: string
  /** The bare SemVer version when `text` is an exact pin. */
  exact?: string
  prefix: string
}

/** The digest pinned now, and the one the registry serves for the new version. */
const OLD_DIGEST = 'sha256:' + '1'.repeat(64)
const NEW_DIGEST = 'sha256:' + '2'.repeat(64)

interface Source {
  /** Whether this source is a pin of CHART (by its location). */
  pins: boolean
  /** OCIRepository only: where the digest is written, if anywhere. */
  digest: 'none' | 'field' | 'suffix'
  entries: Entry[]
  version: Version
  flow: boolean
  comment?: string
}

interface Doc {
  form: 'application' | 'applicationset' | 'ocirepository' | 'configmap'
  name: string
  source: Source
  /** Argo CD only: put the source in `sources` after a git `ref:` source. */
  multi: boolean
  leadingComment?: string
}

interface Model {
  docs: Doc[]
  crlf: boolean
  bom: boolean
  indent: number
  newVersion: string
}

const COMMENT = fc.stringMatching(/^[ -~]{0,24}$/)
// Always has a dash, so YAML never reads it as a boolean, null or number.
const WORD = fc.stringMatching(/^[a-z]{1,4}-[a-z0-9]{0,8}$/)

const exactVersion = fc
  .tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 12 }),
    fc.integer({ min: 0, max: 12 }),
    fc.constantFrom('', '-rc.1', '-beta.2', '-alpha')
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre}`)

const versionArb: fc.Arbitrary<Version> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('', '', 'v'), exactVersion)
      .map(([prefix, exact]) => ({ text: prefix + exact, exact, prefix }))
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '1.*',
        '^1.2',
        '>=1.0.0 <2.0.0',
        'latest',
        '{{ .v }}',
        '${V}'
      )
      .map(text => ({ text, prefix: '' }))
  }
)

const quoteArb = fc.constantFrom<Quote>('plain', 'single', 'double')

// Helm-style locations and the one `chart` that completes each into CHART's
// path (undefined: none does). Argo CD pulls <repoURL>/<chart>.
const CLASSIC_URLS: [string, string | undefined][] = [
  ['oci://ghcr.io/acme/charts', 'webapp'],
  ['ghcr.io/acme/charts', 'webapp'],
  ['OCI://GHCR.io/acme/charts/', 'webapp'],
  ['oci://ghcr.io:443/acme', 'charts/webapp'],
  ['ghcr.io', 'acme/charts/webapp'],
  ['oci://ghcr.io/acme/chart', undefined],
  ['oci://quay.io/acme/charts', undefined],
  ['https://ghcr.io/acme/charts', undefined],
  ['ghcr.io/acme/other', undefined]
]
const CHART_NAMES = [
  'webapp',
  'webapp',
  'charts/webapp',
  'acme/charts/webapp',
  'webapp-api',
  'charts/webapp-api',
  's/webapp'
]
const NATIVE_URLS: [string, boolean][] = [
  ['oci://ghcr.io/acme/charts/webapp', true],
  ['oci://Ghcr.IO/acme/charts/webapp/', true],
  ['oci://ghcr.io/acme/charts/webapp-api', false],
  ['ghcr.io/acme/charts/webapp', false]
]

/** A Helm-style repoURL, and whether it and `chart` join into CHART's path. */
function classicLocation(index: number, chart: string): [string, boolean] {
  const [url, completing] = CLASSIC_URLS[index % CLASSIC_URLS.length]
  return [url, chart === completing]
}

function sourceArb(form: Doc['form']): fc.Arbitrary<Source> {
  const native = form === 'ocirepository'
  return fc
    .record({
      style: native
        ? fc.constant('native')
        : fc.constantFrom('classic', 'native'),
      url: fc.nat(),
      chart: fc.constantFrom(...CHART_NAMES),
      version: versionArb,
      quotes: fc.array(quoteArb, { minLength: 4, maxLength: 4 }),
      extras: fc.array(fc.tuple(WORD, quoteArb, fc.boolean()), {
        maxLength: 3
      }),
      order: fc.array(fc.double({ noNaN: true }), {
        minLength: 8,
        maxLength: 8
      }),
      flow: fc.boolean(),
      comment: fc.option(COMMENT, { nil: undefined }),
      digest: native
        ? fc.constantFrom<Source['digest']>('none', 'field', 'suffix')
        : fc.constant<Source['digest']>('none')
    })
    .map(r => buildSource(form, r))
}

function buildSource(
  form: Doc['form'],
  r: {
    style: string
    url: number
    chart: string
    version: Version
    quotes: Quote[]
    extras: [string, Quote, boolean][]
    order: number[]
    flow: boolean
    comment?: string
    digest: Source['digest']
  }
): Source {
  // `1.2.3@sha256:…` is written only after an exact version.
  const digest = r.digest === 'suffix' && !r.version.exact ? 'none' : r.digest
  const version =
    digest === 'suffix'
      ? { ...r.version, text: `${r.version.text}@${OLD_DIGEST}` }
      : r.version
  const [url, urlPins] =
    r.style === 'classic'
      ? classicLocation(r.url, r.chart)
      : NATIVE_URLS[r.url % NATIVE_URLS.length]
  const versionQuote = r.version.exact
    ? r.quotes[0]
    : r.quotes[0] === 'double'
      ? 'double'
      : 'single'
  const entries: Entry[] = [
    {
      key: form === 'ocirepository' ? 'url' : 'repoURL',
      value: url,
      quote: r.quotes[1]
    },
    r.style === 'classic'
      ? { key: 'chart', value: r.chart, quote: r.quotes[2] }
      : {
          key: 'path',
          value: '.',
          quote: r.quotes[2] === 'plain' ? 'single' : r.quotes[2]
        },
    {
      key: form === 'ocirepository' ? 'tag' : 'targetRevision',
      value: version.text,
      quote: versionQuote
    },
    ...(digest === 'field'
      ? [{ key: 'digest', value: OLD_DIGEST, quote: r.quotes[3] }]
      : []),
    // Trap: an extra key whose value is the very same version text.
    ...r.extras.map(([word, quote, same], i) => ({
      key: `extra${i}`,
      value: same && r.version.exact ? version.text : word,
      quote
    }))
  ]
  const order = entries.map((_, i) => r.order[i])
  const sorted = entries
    .map((entry, i) => ({ entry, at: order[i] }))
    .sort((a, b) => a.at - b.at)
    .map(e => e.entry)
  const pins = urlPins
  return {
    pins,
    digest,
    entries: sorted,
    version,
    flow: r.flow,
    comment: r.comment
  }
}

const docArb: fc.Arbitrary<Doc> = fc
  .constantFrom<Doc['form']>(
    'application',
    'applicationset',
    'ocirepository',
    'configmap'
  )
  .chain(form =>
    fc.record({
      form: fc.constant(form),
      name: WORD,
      source: sourceArb(form),
      multi: fc.boolean(),
      leadingComment: fc.option(COMMENT, { nil: undefined })
    })
  )

const modelArb: fc.Arbitrary<Model> = fc.record({
  docs: fc.array(docArb, { minLength: 1, maxLength: 5 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  indent: fc.constantFrom(2, 4),
  newVersion: exactVersion
})

// ---------------------------------------------------------------------------
// Rendering the model as YAML text, and as the data YAML must read back.

function scalar(entry: Entry): string {
  if (entry.quote === 'single') return `'${entry.value}'`
  if (entry.quote === 'double') return `"${entry.value}"`
  return entry.value
}

function renderSource(
  source: Source,
  pad: string,
  unit: string,
  key: string
): string[] {
  const comment = source.comment !== undefined ? ` # ${source.comment}` : ''
  if (source.flow) {
    const body = source.entries.map(e => `${e.key}: ${scalar(e)}`).join(', ')
    return [`${pad}${key}{${body}}${comment}`]
  }
  const inner = key.startsWith('- ') ? pad + '  ' : pad + unit
  const rows = source.entries.map((e, i) => {
    const tail = e.key === 'targetRevision' || e.key === 'tag' ? comment : ''
    return `${i === 0 && key.startsWith('- ') ? pad + key : inner}${e.key}: ${scalar(e)}${tail}`
  })
  return key.startsWith('- ') ? rows : [`${pad}${key.trimEnd()}`, ...rows]
}

function renderArgoSpec(doc: Doc, pad: string, unit: string): string[] {
  if (!doc.multi)
    return [
      `${pad}project: default`,
      ...renderSource(doc.source, pad, unit, 'source: ')
    ]
  return [
    `${pad}sources:`,
    `${pad}${unit}- repoURL: https://github.com/acme/gitops.git`,
    `${pad}${unit}  targetRevision: main`,
    `${pad}${unit}  ref: values`,
    ...renderSource(doc.source, pad + unit, unit, '- ')
  ]
}

function renderDoc(doc: Doc, unit: string): string[] {
  const head =
    doc.leadingComment !== undefined ? [`# ${doc.leadingComment}`] : []
  const meta = ['metadata:', `${unit}name: ${doc.name}`]
  switch (doc.form) {
    case 'application':
      return [
        ...head,
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        ...meta,
        'spec:',
        ...renderArgoSpec(doc, unit, unit)
      ]
    case 'applicationset':
      return [
        ...head,
        'apiVersion: argoproj.io/v1alpha1',
        'kind: ApplicationSet',
        ...meta,
        'spec:',
        `${unit}template:`,
        `${unit}${unit}spec:`,
        ...renderArgoSpec(doc, unit.repeat(3), unit)
      ]
    case 'ocirepository':
      return [
        ...head,
        'apiVersion: source.toolkit.fluxcd.io/v1',
        'kind: OCIRepository',
        ...meta,
        'spec:',
        ...renderSource(ociSpec(doc.source), unit, unit, 'ref: ')
      ]
    case 'configmap':
      // Not a pin whatever it says.
      return [
        ...head,
        'apiVersion: v1',
        'kind: ConfigMap',
        ...meta,
        'data:',
        ...renderSource(doc.source, unit, unit, 'source: ')
      ]
  }
}

/** OCIRepository: only the tag goes under spec.ref; the URL sits in spec. */
function ociSpec(source: Source): Source {
  return {
    ...source,
    entries: source.entries.filter(e => e.key !== 'url' && e.key !== 'path')
  }
}

function renderOciUrl(doc: Doc, unit: string): string[] {
  const url = doc.source.entries.find(e => e.key === 'url')
  return url ? [`${unit}url: ${scalar(url)}`] : []
}

function render(model: Model): string {
  const unit = ' '.repeat(model.indent)
  const docs = model.docs.map(doc => {
    const rows = renderDoc(doc, unit)
    if (doc.form === 'ocirepository')
      rows.splice(rows.indexOf('spec:') + 1, 0, ...renderOciUrl(doc, unit))
    return rows.join('\n') + '\n'
  })
  const text = docs.join('---\n')
  return (
    (model.bom ? '\uFEFF' : '') +
    (model.crlf ? text.replace(/\n/g, '\r\n') : text)
  )
}

function sourceData(source: Source, bumped: boolean, newVersion: string): Json {
  const data: { [key: string]: Json } = {}
  for (const e of source.entries) data[e.key] = e.value
  const key = 'targetRevision' in data ? 'targetRevision' : 'tag'
  if (bumped) data[key] = newValue(source, newVersion)
  if (bumped && source.digest === 'field') data.digest = NEW_DIGEST
  return data
}

/** The version scalar's new value: the digest written in it moves too. */
function newValue(source: Source, newVersion: string): string {
  const suffix = source.digest === 'suffix' ? `@${NEW_DIGEST}` : ''
  return source.version.prefix + newVersion + suffix
}

function docData(doc: Doc, bumped: boolean, newVersion: string): Json {
  const metadata = { name: doc.name }
  const source = sourceData(doc.source, bumped, newVersion)
  const argoSpec: { [key: string]: Json } = doc.multi
    ? {
        sources: [
          {
            repoURL: 'https://github.com/acme/gitops.git',
            targetRevision: 'main',
            ref: 'values'
          },
          source
        ]
      }
    : { project: 'default', source }
  switch (doc.form) {
    case 'application':
      return {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata,
        spec: argoSpec
      }
    case 'applicationset':
      return {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata,
        spec: { template: { spec: argoSpec } }
      }
    case 'ocirepository': {
      const entries = Object.entries(source as { [key: string]: Json })
      const ref = Object.fromEntries(
        entries.filter(([k]) => k !== 'url' && k !== 'path')
      )
      const url = (source as { [key: string]: Json }).url
      return {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'OCIRepository',
        metadata,
        spec: { url, ref }
      }
    }
    case 'configmap':
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { source } }
  }
}

/** Whether the model says this document's version must be bumped. */
function shouldBump(doc: Doc, newVersion: string): boolean {
  const { exact } = doc.source.version
  return (
    doc.form !== 'configmap' &&
    doc.source.pins &&
    exact !== undefined &&
    semver.lt(exact, newVersion)
  )
}

function read(text: string): unknown[] {
  const docs = parseAllDocuments(text)
  for (const doc of docs) expect(doc.errors).toEqual([])
  return docs.map(doc => doc.toJS() as unknown)
}

const FILE = 'apps/webapp.yaml'

/** The release: its version, and the digest the registry serves for it. */
function targetOf(model: Model): { version: string; digest: string } {
  return { version: model.newVersion, digest: NEW_DIGEST }
}

function occurrences(line: string, token: string): number[] {
  const found: number[] = []
  for (
    let at = line.indexOf(token);
    at >= 0;
    at = line.indexOf(token, at + 1)
  ) {
    found.push(at)
  }
  return found
}

/** `after` is `line` with at most `depth` single tokens replaced. */
function explains(
  line: string,
  after: string,
  replacements: readonly [string, string][],
  depth: number
): boolean {
  if (line === after) return true
  if (depth === 0) return false
  return replacements.some(([from, to]) =>
    occurrences(line, from).some(at =>
      explains(
        line.slice(0, at) + to + line.slice(at + from.length),
        after,
        replacements,
        depth - 1
      )
    )
  )
}

describe('bumpFile on generated files', () => {
  test('output reads back as the model, with exactly the expected versions bumped', () => {
    fc.assert(
      fc.property(modelArb, model => {
        const input = render(model)
        expect(read(input)).toEqual(
          model.docs.map(d => docData(d, false, model.newVersion))
        )
        const result = bumpFile(FILE, input, CHART, targetOf(model))
        const expected = model.docs.map(d =>
          docData(d, shouldBump(d, model.newVersion), model.newVersion)
        )
        expect(read(result.text)).toEqual(expected)
        expect(result.changes).toHaveLength(
          model.docs.filter(d => shouldBump(d, model.newVersion)).length
        )
        expect(result.problems).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  test('bytes outside the edited scalars are identical, quotes kept', () => {
    fc.assert(
      fc.property(modelArb, model => {
        const input = render(model)
        const target = targetOf(model)
        const output = bumpFile(FILE, input, CHART, target).text
        const edits = planBump(findPins(FILE, input, CHART).pins, target)
          .flatMap(editsFor)
          .sort((a, b) => a.start - b.start)
        let inAt = 0
        let outAt = 0
        for (const edit of edits) {
          const kept = input.slice(inAt, edit.start)
          expect(output.slice(outAt, outAt + kept.length)).toBe(kept)
          outAt += kept.length
          // The new value, in the old scalar's quotes.
          const old = input.slice(edit.start, edit.end)
          const quote = /^['"]/.test(old) ? old[0] : ''
          const value = edit.text.slice(
            quote.length,
            edit.text.length - quote.length
          )
          expect(edit.text).toBe(`${quote}${value}${quote}`)
          expect(value).toMatch(
            new RegExp(
              `^(v?${model.newVersion.replace(/\./g, '\\.')}(@${NEW_DIGEST})?|${NEW_DIGEST})$`
            )
          )
          expect(output.slice(outAt, outAt + edit.text.length)).toBe(edit.text)
          outAt += edit.text.length
          inAt = edit.end
        }
        expect(output.slice(outAt)).toBe(input.slice(inAt))
      }),
      { numRuns: 300 }
    )
  })

  test('each bump changes its version line (and its digest line), only those tokens', () => {
    fc.assert(
      fc.property(modelArb, model => {
        const input = render(model)
        const output = bumpFile(FILE, input, CHART, targetOf(model)).text
        const bumped = model.docs.filter(d => shouldBump(d, model.newVersion))
        const replacements: [string, string][] = bumped.map(d => [
          d.source.version.text,
          newValue(d.source, model.newVersion)
        ])
        const digestFields = bumped.filter(d => d.source.digest === 'field')
        if (digestFields.length) replacements.push([OLD_DIGEST, NEW_DIGEST])
        const before = input.split('\n')
        const after = output.split('\n')
        expect(after).toHaveLength(before.length)
        const changed = before.flatMap((line, i) =>
          line === after[i] ? [] : [i]
        )
        const digestLines = digestFields.filter(d => !d.source.flow).length
        expect(changed).toHaveLength(bumped.length + digestLines)
        for (const i of changed) {
          // A flow mapping holds the tag and its digest on one line: two tokens.
          expect(
            explains(before[i], after[i], replacements, 2),
            `${before[i]} -> ${after[i]}`
          ).toBe(true)
        }
      }),
      { numRuns: 300 }
    )
  })

  test('bumping is idempotent', () => {
    fc.assert(
      fc.property(modelArb, model => {
        const once = bumpFile(FILE, render(model), CHART, targetOf(model)).text
        const twice = bumpFile(FILE, once, CHART, targetOf(model))
        expect(twice.text).toBe(once)
        expect(twice.changes).toEqual([])
      }),
      { numRuns: 100 }
    )
  })
})

// ---------------------------------------------------------------------------
// Helm-templated files: the same models with template-only lines put between
// their lines (conditionals, comments, toYaml, multi-line actions). Dropping
// those lines from the output must give the plain file's bump, byte for byte.

const TEMPLATE_LINES = [
  ['{{- if .Values.webapp.enabled }}'],
  ['{{- end }}'],
  ['{{/* a comment with }} in it */}}'],
  ['{{- toYaml .Values.extra | nindent 4 }}'],
  ['{{- $labels := dict', '      "team" "web" }}'],
  ['{{- /* over', '   two lines */ -}}'],
  ['{{ print "}}" `{{` }}']
]

interface Templated {
  model: Model
  /** Where (before which line of the plain file), which template, how indented. */
  inserts: [number, number, number][]
}

const templatedArb: fc.Arbitrary<Templated> = fc.record({
  model: modelArb,
  inserts: fc.array(
    fc.tuple(
      fc.nat(),
      fc.nat({ max: TEMPLATE_LINES.length - 1 }),
      fc.nat({ max: 6 })
    ),
    { minLength: 1, maxLength: 8 }
  )
})

/** The templated text, and how to drop its template lines again. */
function renderTemplated({ model, inserts }: Templated): {
  text: string
  plain: string
  untemplate: (text: string) => string
} {
  const plain = render(model)
  const eol = model.crlf ? '\r' : ''
  const rows = plain.split('\n')
  const added = new Set<number>()
  const out: string[] = []
  const before = new Map<number, string[]>()
  for (const [at, which, indent] of inserts) {
    // After the first line, so a BOM stays first; before the final ''.
    const line = 1 + (at % (rows.length - 1))
    const template = TEMPLATE_LINES[which].map(
      row => ' '.repeat(indent) + row + eol
    )
    before.set(line, [...(before.get(line) ?? []), ...template])
  }
  rows.forEach((row, i) => {
    for (const template of before.get(i) ?? []) {
      added.add(out.length)
      out.push(template)
    }
    out.push(row)
  })
  const untemplate = (text: string): string =>
    text
      .split('\n')
      .filter((_, i) => !added.has(i))
      .join('\n')
  return { text: out.join('\n'), plain, untemplate }
}

const changeOf = (c: { path: string; from: string; to: string }) => [
  c.path,
  c.from,
  c.to
]

describe('bumpFile on generated Helm-templated files', () => {
  test('without its template lines, the output is the plain file bumped', () => {
    fc.assert(
      fc.property(templatedArb, templated => {
        const { model } = templated
        const { text, plain, untemplate } = renderTemplated(templated)
        expect(untemplate(text)).toBe(plain)
        const result = bumpFile(FILE, text, CHART, targetOf(model))
        const expected = bumpFile(FILE, plain, CHART, targetOf(model))
        expect(result.problems).toEqual([])
        expect(untemplate(result.text)).toBe(expected.text)
        expect(result.changes.map(changeOf)).toEqual(
          expected.changes.map(changeOf)
        )
        // Re-parsed, the output is the model's expected documents.
        expect(read(untemplate(result.text))).toEqual(
          model.docs.map(d =>
            docData(d, shouldBump(d, model.newVersion), model.newVersion)
          )
        )
      }),
      { numRuns: 200 }
    )
  })

  test('bytes outside the edited version scalars are identical', () => {
    fc.assert(
      fc.property(templatedArb, templated => {
        const { text } = renderTemplated(templated)
        const target = targetOf(templated.model)
        const output = bumpFile(FILE, text, CHART, target).text
        const bumped = planBump(findPins(FILE, text, CHART).pins, target)
          .flatMap(editsFor)
          .sort((a, b) => a.start - b.start)
        let at = 0
        let outAt = 0
        for (const edit of bumped) {
          const kept = text.slice(at, edit.start)
          expect(output.slice(outAt, outAt + kept.length)).toBe(kept)
          outAt += kept.length + edit.text.length
          at = edit.end
        }
        expect(output.slice(outAt)).toBe(text.slice(at))
        expect(output.length - outAt).toBe(text.length - at)
      }),
      { numRuns: 200 }
    )
  })

  test('bumping a templated file is idempotent', () => {
    fc.assert(
      fc.property(templatedArb, templated => {
        const { text } = renderTemplated(templated)
        const target = targetOf(templated.model)
        const once = bumpFile(FILE, text, CHART, target).text
        const twice = bumpFile(FILE, once, CHART, target)
        expect(twice.text).toBe(once)
        expect(twice.changes).toEqual([])
      }),
      { numRuns: 100 }
    )
  })
})

describe('applyEdits', () => {
  test('equals splicing the edits in one at a time from the right', () => {
    const arb = fc.string({ maxLength: 60 }).chain(text =>
      fc.tuple(
        fc.constant(text),
        fc.uniqueArray(fc.integer({ min: 0, max: text.length }), {
          maxLength: 8
        }),
        fc.array(fc.string({ maxLength: 5 }), { minLength: 4, maxLength: 4 })
      )
    )
    fc.assert(
      fc.property(arb, ([text, cuts, inserts]) => {
        const points = [...cuts].sort((a, b) => a - b)
        const edits = []
        for (let i = 0; i + 1 < points.length; i += 2) {
          edits.push({
            start: points[i],
            end: points[i + 1],
            text: inserts[(i / 2) % 4]
          })
        }
        let expected = text
        for (const e of [...edits].reverse()) {
          expected = expected.slice(0, e.start) + e.text + expected.slice(e.end)
        }
        expect(applyEdits(text, edits)).toBe(expected)
        expect(applyEdits(text, [...edits].reverse())).toBe(expected)
      })
    )
  })

  test('editFor writes the version in the pin quote style', () => {
    fc.assert(
      fc.property(quoteArb, exactVersion, (quote, version) => {
        const text = `targetRevision: ${scalar({ key: '', value: '0.0.0-a', quote })}\n`
        const [plan] = planBump(
          findPins(
            'a.yaml',
            'apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    repoURL: oci://ghcr.io/acme/charts\n    chart: webapp\n    ' +
              text,
            CHART
          ).pins,
          version
        )
        const edit = editFor(plan)
        expect(edit?.text).toBe(scalar({ key: '', value: version, quote }))
      })
    )
  })
})
