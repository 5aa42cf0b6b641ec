// The cases of Helm's own pkg/strvals/parser_test.go (`TestParseSet`,
// v4.2), with Helm's expected results: the port parses as Helm does.
import { describe, expect, test } from 'vitest'
import { parseInto } from '../../../../src/gitops/tools/flux/strvals.js'

const parse = (text: string, asString = false): unknown => {
  const values = {}
  const error = parseInto(text, values, asString)
  return error === undefined ? values : { error }
}

describe('parseInto, typed (strvals.ParseInto)', () => {
  test.each<[string, unknown]>([
    ['name1=null,f=false,t=true', { name1: null, f: false, t: true }],
    ['name1=value1,name2=value2,', { name1: 'value1', name2: 'value2' }],
    ['name1=,name2=value2', { name1: '', name2: 'value2' }],
    ['leading_zeros=00009', { leading_zeros: '00009' }],
    ['zero_int=0', { zero_int: 0 }],
    ['long_int=1234567890', { long_int: 1234567890 }],
    ['TRUE=True', { TRUE: true }],
    [
      'name1=one\\,two,name2=three\\=four',
      { name1: 'one,two', name2: 'three=four' }
    ],
    ['outer.middle.inner=value', { outer: { middle: { inner: 'value' } } }],
    [
      'outer.inner1=value,outer.middle.inner=value',
      { outer: { inner1: 'value', middle: { inner: 'value' } } }
    ],
    ['name1.name2=', { name1: { name2: '' } }],
    ['name1={value1,value2}', { name1: ['value1', 'value2'] }],
    ['name1={1021,902}', { name1: [1021, 902] }],
    [
      'list[0].foo=bar,list[0].hello=world',
      { list: [{ foo: 'bar', hello: 'world' }] }
    ],
    ['list[0]=foo,list[3]=bar', { list: ['foo', null, null, 'bar'] }],
    ['noval[0]', { noval: [] }],
    ['noval[0]=', { noval: [''] }],
    ['nested[1][1]=1', { nested: [null, [null, 1]] }],
    ['name1.name2[1].foo=bar', { name1: { name2: [null, { foo: 'bar' }] } }],
    ['a.b\\.c=d', { a: { 'b.c': 'd' } }],
    [
      'name1=value1,,,,name2=value2,',
      { error: 'key "" has no value (cannot end with ,)' }
    ],
    [
      'name1,name2=value2',
      { error: 'key "name1" has no value (cannot end with ,)' }
    ],
    ['name1.name2', { error: 'key "name2" has no value' }],
    ['name1.=name2', { error: 'key map "name1" has no value' }],
    ['name1={1021,902', { error: "list must terminate with '}'" }],
    ['list[0]=foo,list[-20]=bar', { error: 'negative -20 index not allowed' }],
    [
      'illegal[0]name.foo=bar',
      { error: 'unexpected data at end of array index: "name"' }
    ],
    [
      'list[70000]=x',
      {
        error: 'index of 70000 is greater than maximum supported index of 65536'
      }
    ]
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected)
  })
})

describe('parseInto, strings (strvals.ParseIntoString)', () => {
  test.each<[string, unknown]>([
    ['long_int_string=1234567890', { long_int_string: '1234567890' }],
    ['boolean=true', { boolean: 'true' }],
    ['is_null=null', { is_null: 'null' }],
    ['zero=0', { zero: '0' }]
  ])('%s', (text, expected) => {
    expect(parse(text, true)).toEqual(expected)
  })
})

describe('parseInto writes into the map it is given', () => {
  test('in place, as Go does: a map already there is the one changed', () => {
    const image = { tag: 'old', pullPolicy: 'Always' }
    const values = { image }
    expect(parseInto('image.tag=new', values, false)).toBeUndefined()
    expect(image).toEqual({ tag: 'new', pullPolicy: 'Always' })
    expect(values.image).toBe(image)
  })

  test.each<[string, Record<string, unknown>, string]>([
    [
      'a string where a map is needed',
      { image: 'nginx' },
      'unable to parse key: interface conversion: interface {} is string, not map[string]interface {}'
    ],
    [
      'a map where a list is needed',
      { hosts: { a: 1 } },
      'unable to parse key: interface conversion: interface {} is map[string]interface {}, not []interface {}'
    ]
  ])('%s: Go panics, Flux reports it', (_name, values, error) => {
    const path = 'image' in values ? 'image.tag=1' : 'hosts[0]=x'
    expect(parseInto(path, values, false)).toBe(error)
  })
})

describe("the action's own bounds (Helm runs its parser in a sandbox)", () => {
  test('list items created in one value are bounded', () => {
    const many = Array.from({ length: 16 }, (_, i) => `l${i}[65536]=x`)
    expect(parse(many.join(','))).toEqual({
      error: 'not composed here: more than 1000000 list items'
    })
  })

  test('a nesting deeper than the stack is refused, not a crash', () => {
    expect(parse(`a${'[0]'.repeat(200_000)}=1`)).toEqual({
      error: 'not composed here: nested too deeply'
    })
  })
})
