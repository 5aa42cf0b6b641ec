import { describe, expect, test } from 'vitest'
import { escapeCommas } from '../../src/render/render.js'

// Argo CD's util/helm/cmd.go, cleanSetParameters: commas escaped unless the
// value is a {a,b} list; a comma already escaped stays as it is.
describe('escapeCommas', () => {
  test.each<[string, string]>([
    ['a,b', 'a\\,b'],
    ['{a,b}', '{a,b}'],
    ['a\\,b', 'a\\,b'],
    ['{a,b', '{a\\,b'],
    [',', '\\,'],
    ['no comma', 'no comma']
  ])('%j → %j', (value, expected) => {
    expect(escapeCommas(value)).toBe(expected)
  })
})
