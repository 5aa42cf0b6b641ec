// A package's name and version as `helm push` reads them from its
// Chart.yaml, or a refusal when Helm could read another (what Helm reads
// each of these as is checked against real Helm in package-chart.int.test).
import { describe, expect, test } from 'vitest'
import { Refused } from '../../src/mirror/artifact.js'
import {
  chartIdentity,
  foldedField,
  readAsWritten,
  shown
} from '../../src/mirror/chart-identity.js'

const identity = (chart: string, requirements?: string) =>
  chartIdentity(
    Buffer.from(chart),
    requirements === undefined ? undefined : Buffer.from(requirements)
  )

function refusal(chart: string | Buffer, requirements?: string): string {
  try {
    chartIdentity(
      Buffer.from(chart),
      requirements === undefined ? undefined : Buffer.from(requirements)
    )
  } catch (error) {
    expect(error).toBeInstanceOf(Refused)
    return (error as Error).message
  }
  throw new Error('expected a refusal')
}

describe('chartIdentity reads', () => {
  test.each([
    ['plain', 'apiVersion: v2\nname: m7\nversion: 1.0.0\n'],
    ['quoted', 'name: \'m7\'\nversion: "1.0.0"\n'],
    ['tagged !!str', 'name: !!str m7\nversion: !!str 1.0.0\n'],
    ['with a BOM', '\ufeffname: m7\nversion: 1.0.0\n'],
    ['with comments', '# chart\nname: m7 # the name\nversion: 1.0.0\n'],
    ['a flow mapping', '{name: m7, version: 1.0.0}'],
    ['only the first document', 'name: m7\nversion: 1.0.0\n---\nname: v\n'],
    ['an anchored value', 'name: &n m7\nversion: 1.0.0\n'],
    ['a CRLF file', 'name: m7\r\nversion: 1.0.0\r\n']
  ])('%s', (_what, text) => {
    expect(identity(text)).toEqual({ name: 'm7', version: '1.0.0' })
  })

  test('a key in another case is the field Go fills', () => {
    expect(identity('NAME: victim\nVersion: 2.0.0\n')).toEqual({
      name: 'victim',
      version: '2.0.0'
    })
    expect(identity('name: m7\nver\u017fion: 2.0.0\n').version).toBe('2.0.0')
  })

  test('requirements.yaml with dependencies only changes nothing', () => {
    expect(
      identity(
        'name: m7\nversion: 1.0.0\n',
        'dependencies:\n  - name: dep\n    version: 1.0.0\n'
      )
    ).toEqual({ name: 'm7', version: '1.0.0' })
  })
})

describe('chartIdentity refuses', () => {
  test.each([
    [
      'a second name',
      'name: m7\nversion: 1.0.0\nname: victim\n',
      'sets name more than once'
    ],
    [
      'a name in two cases',
      'name: m7\nNAME: victim\nversion: 1\n',
      'sets name more than once'
    ],
    [
      'a merge key',
      'version: 1.0.0\n<<: {name: victim}\nname: m7\n',
      'merge key'
    ],
    [
      'a binary value',
      'name: !!binary dmljdGlt\nversion: 1.0.0\n',
      'tagged tag:yaml.org,2002:binary'
    ],
    [
      'a binary key',
      '!!binary bmFtZQ==: victim\nname: m7\nversion: 1.0.0\n',
      'tagged'
    ],
    [
      'an alias value',
      'x: &v victim\nname: *v\nversion: 1.0.0\n',
      'gives name no text value'
    ],
    [
      'a multi-line value',
      'name: "m\n  7"\nversion: 1.0.0\n',
      'over several lines'
    ],
    ['a block value', 'name: |-\n  m7\nversion: 1.0.0\n', 'over several lines'],
    ['an empty name', 'name:\nversion: 1.0.0\n', 'gives name no text value'],
    ['no version', 'name: m7\n', 'has no version'],
    ['an empty file', '', 'has no name'],
    ['a list', '- name: m7\n', 'is not a YAML mapping'],
    ['broken YAML', 'name: [m7\nversion: 1.0.0\n', 'is not valid YAML'],
    [
      'a float Helm reads as 1.1',
      'name: m7\nversion: 1.10\n',
      "'version: 1.10', which Helm does not read as written"
    ],
    ['a YAML 1.1 boolean', 'name: yes\nversion: 1.0.0\n', "'name: yes'"]
  ])('%s', (_what, text, message) => {
    expect(refusal(text)).toContain(message)
  })

  test('UTF-16 and bytes that are not UTF-8', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('name: victim\nversion: 2.0.0\n', 'utf16le')
    ])
    expect(refusal(utf16)).toBe('its Chart.yaml is not UTF-8 text')
    expect(refusal(Buffer.from([0x6e, 0x3a, 0x20, 0xff]))).toBe(
      'its Chart.yaml is not UTF-8 text'
    )
  })

  test.each([
    ['name: victim\n', 'its requirements.yaml sets name'],
    ['Version: 2.0.0\nname: victim\n', 'sets version and name'],
    ['<<: {name: victim}\n', 'merge key']
  ])('a requirements.yaml that sets the metadata: %j', (text, message) => {
    expect(refusal('name: m7\nversion: 1.0.0\n', text)).toContain(message)
  })
})

test('an escaped control character is read as Go reads it; messages show it escaped', () => {
  const { version } = identity('name: m7\nversion: "1.0\\n::error::x"\n')
  expect(version).toBe('1.0\n::error::x')
  expect(shown(version)).toBe('"1.0\\n::error::x"')
  expect(shown('x'.repeat(150))).toBe(`${'x'.repeat(100)}…`)
})

test.each([
  ['1.2.3', true],
  ['1.2.3-rc.1+build.5', true],
  ['m7', true],
  ['v1.0.0', true],
  ['0x1p-2', true],
  ['yes', false],
  ['Y', false],
  ['off', false],
  ['~', false],
  ['null', false],
  ['.inf', false],
  ['1e3', false],
  ['1.10', false],
  ['.5', false],
  ['10', false],
  ['-7', false],
  ['1_0', false],
  ['0o17', false],
  ['0x1F', false],
  ['0b11', false],
  ['-0b11', false],
  ['2001-12-14', false],
  ['', false]
])('readAsWritten(%j) is %s', (plain, expected) => {
  expect(readAsWritten(plain)).toBe(expected)
})

test.each([
  ['name', 'name'],
  ['Name', 'name'],
  ['NAME', 'name'],
  ['VERSION', 'version'],
  ['ver\u017fion', 'version'],
  ['appVersion', undefined],
  ['names', undefined],
  ['n\u0430me', undefined]
])('foldedField(%j) is %s', (key, field) => {
  expect(foldedField(key)).toBe(field)
})
