import { expect, test } from 'vitest'
import { dependencyLevels } from '../../src/chart/order.js'
import { mapLimit } from '../../src/concurrency.js'

const chart = (name: string, deps: string[] = []) => ({
  name,
  dir: `/w/charts/${name}`,
  dependencies: deps.map(d => ({
    name: d,
    repository: d.startsWith('oci') ? d : `file://../${d}`
  }))
})

test('charts used through file:// come first; independent ones share a level', () => {
  const common = chart('common')
  const api = chart('api', ['common'])
  const web = chart('web', ['common', 'oci://ghcr.io/x'])
  const edge = chart('edge', ['api'])
  const other = chart('other')
  expect(
    dependencyLevels([edge, web, api, common, other]).map(l =>
      l.map(c => c.name)
    )
  ).toEqual([['common', 'other'], ['web', 'api'], ['edge']])
})

test('a dependency outside the release does not hold a chart back', () => {
  expect(
    dependencyLevels([chart('api', ['unreleased'])]).map(l =>
      l.map(c => c.name)
    )
  ).toEqual([['api']])
})

test('a cycle is refused with the charts in it', () => {
  expect(() =>
    dependencyLevels([chart('a', ['b']), chart('b', ['a']), chart('c')])
  ).toThrow(/The charts a, b depend on each other .* in a cycle/)
})

test('mapLimit keeps order, bounds concurrency and throws after all settle', async () => {
  let running = 0
  let peak = 0
  const settled: number[] = []
  const work = async (n: number): Promise<number> => {
    running++
    peak = Math.max(peak, running)
    await new Promise(resolve => setTimeout(resolve, 5 * (5 - n)))
    running--
    settled.push(n)
    if (n === 1) throw new Error('one failed')
    return n * 10
  }
  expect(await mapLimit([0, 2, 3, 4], 2, work)).toEqual([0, 20, 30, 40])
  expect(peak).toBe(2)
  settled.length = 0
  await expect(mapLimit([0, 1, 2, 3], 2, work)).rejects.toThrow('one failed')
  expect(settled.sort()).toEqual([0, 1, 2, 3])
})
