// Whether a chart's schemas reach outside themselves, read as Helm reads a
// package: any entry named values.schema.json at any depth, in packages
// inside packages, with PAX and GNU long names, a UTF-8 BOM dropped.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { outsideReferences } from '../../src/render/schema-refs.js'
import { archive, END, entry, pax } from '../helm/tar-fixtures.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const CHART_YAML = 'apiVersion: v2\nname: web\nversion: 1.0.0\n'

/** A chart package (gzip of tar) holding `files` under `web/`. */
function pkg(files: Record<string, string | Buffer>): Buffer {
  const entries = Object.entries({ 'Chart.yaml': CHART_YAML, ...files }).map(
    ([name, data]) => entry(`web/${name}`, data)
  )
  return zlib.gzipSync(archive(...entries, END))
}

const schema = (value: unknown): string => JSON.stringify(value)
const ref = (target: string): string =>
  schema({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { tier: { $ref: target } }
  })

let dir: string
let count = 0

function write(bytes: Buffer): string {
  const file = path.join(dir, `web-${++count}.tgz`)
  fs.writeFileSync(file, bytes)
  return file
}

beforeAll(() => {
  dir = tempDir('hor-schema-refs-')
})

afterAll(() => removeDir(dir))

describe('a package', () => {
  test.each<[string, Record<string, string | Buffer>, RegExp[]]>([
    ['no schema', {}, []],
    [
      'references inside the document only, a draft Helm carries',
      {
        'values.schema.json': schema({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          $defs: { tier: { type: 'string' } },
          properties: {
            tier: { $ref: '#/$defs/tier' },
            any: { $dynamicRef: '#meta' },
            self: { $ref: '' }
          }
        })
      },
      []
    ],
    [
      'a $ref to a loopback URL',
      { 'values.schema.json': ref('http://127.0.0.1:8080/tier.json') },
      [
        /^web-\d+\.tgz\/web\/values\.schema\.json: \$ref "http:\/\/127\.0\.0\.1:8080\/tier\.json"$/
      ]
    ],
    [
      "a $ref to one of the runner's files",
      { 'values.schema.json': ref('file:///proc/self/environ') },
      [/\$ref "file:\/\/\/proc\/self\/environ"/]
    ],
    [
      'a relative $ref (Helm resolves it to file:///…)',
      { 'values.schema.json': ref('other.json#/x') },
      [/\$ref "other\.json#\/x"/]
    ],
    [
      'a $schema no library carries (it would be fetched)',
      {
        'values.schema.json': schema({
          $schema: 'https://json-schema.org/draft-07/schema'
        })
      },
      [/\$schema "https:\/\/json-schema\.org\/draft-07\/schema"/]
    ],
    [
      'a $ref that is not a string',
      { 'values.schema.json': schema({ items: { $ref: ['x'] } }) },
      [/\$ref \["x"\]/]
    ],
    [
      "a subchart folder's schema",
      { 'charts/db/values.schema.json': ref('https://example.com/x.json') },
      [/charts\/db\/values\.schema\.json: \$ref/]
    ],
    [
      'a schema with a UTF-8 BOM (Helm drops it)',
      { 'values.schema.json': `\uFEFF${schema({ type: 'object' })}` },
      []
    ],
    [
      'a schema that is not JSON',
      { 'values.schema.json': '{"type": ' },
      [/values\.schema\.json: not JSON the preview can read/]
    ],
    [
      'a folder name that hides nothing: only the file name counts',
      { 'values.schema.json/readme': 'x' },
      []
    ]
  ])('%s', (_what, files, expected) => {
    const { found } = outsideReferences(write(pkg(files)))
    expect(found).toHaveLength(expected.length)
    expected.forEach((pattern, i) => expect(found[i]).toMatch(pattern))
  })

  test("a subchart's package inside the package, two deep", () => {
    const inner = pkg({ 'values.schema.json': ref('http://10.0.0.1/x') })
    const middle = pkg({ 'charts/inner-1.0.0.tgz': inner })
    const { found } = outsideReferences(
      write(pkg({ 'charts/middle-1.0.0.tgz': middle }))
    )
    expect(found).toEqual([
      expect.stringMatching(
        /\/web\/charts\/middle-1\.0\.0\.tgz\/web\/charts\/inner-1\.0\.0\.tgz\/web\/values\.schema\.json: \$ref "http:\/\/10\.0\.0\.1\/x"$/
      )
    ])
  })

  test.each<[string, Buffer]>([
    [
      'a PAX path',
      archive(
        pax({ path: `web/${'a/'.repeat(60)}values.schema.json` }),
        entry('web/short-name', ref('http://x/')),
        END
      )
    ],
    [
      'a GNU long name',
      archive(
        entry('././@LongLink', `web/${'b/'.repeat(60)}values.schema.json\0`, {
          type: 'L'
        }),
        entry('web/short-name', ref('http://x/')),
        END
      )
    ],
    [
      'a name written with backslashes',
      archive(entry('web\\values.schema.json', ref('http://x/')), END)
    ]
  ])('a long or odd name as Helm reads it: %s', (_what, tar) => {
    const { found } = outsideReferences(write(zlib.gzipSync(tar)))
    expect(found).toEqual([expect.stringMatching(/\$ref "http:\/\/x\/"$/)])
  })

  test('only the first few references are listed', () => {
    const many = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`p${i}`, { $ref: `http://x/${i}` }])
    )
    const file = write(
      pkg({ 'values.schema.json': schema({ properties: many }) })
    )
    expect(outsideReferences(file).found).toHaveLength(3)
  })

  test('a package that is not gzip is not readable, which counts as a reference', () => {
    const { found } = outsideReferences(write(Buffer.from('not a package')))
    expect(found).toEqual([expect.stringMatching(/: not readable \(/)])
  })
})

test("an umbrella chart's folder: its own schema and its packages", () => {
  const chart = path.join(dir, 'platform')
  fs.mkdirSync(path.join(chart, 'charts'), { recursive: true })
  fs.writeFileSync(path.join(chart, 'Chart.yaml'), CHART_YAML)
  expect(outsideReferences(chart).found).toEqual([])
  fs.writeFileSync(
    path.join(chart, 'charts', 'web-1.0.0.tgz'),
    pkg({ 'values.schema.json': ref('http://127.0.0.1:1/x') })
  )
  fs.writeFileSync(
    path.join(chart, 'values.schema.json'),
    ref('file:///etc/passwd')
  )
  const { found } = outsideReferences(chart)
  expect(found.toSorted()).toEqual([
    'charts/web-1.0.0.tgz/web/values.schema.json: $ref "http://127.0.0.1:1/x"',
    'values.schema.json: $ref "file:///etc/passwd"'
  ])
})
