import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { selectCharts } from '../../src/chart/select.js'

const chart = (name: string, version: string) => ({
  name,
  version,
  file: `charts/${name}/Chart.yaml`,
  versionLine: 3,
  dir: `/w/charts/${name}`
})
const charts = [
  chart('api', '1.2.0'),
  chart('web', '2.0.0'),
  chart('common', '1.2.0')
]
const select = (
  tag: string | undefined,
  pattern = '{name}-v{version}',
  checkTag = true
) =>
  selectCharts(charts, {
    checkTag,
    tag,
    githubRef: tag ? `refs/tags/${tag}` : 'refs/heads/main',
    pattern
  })

describe('selectCharts', () => {
  test.each([
    ['web-v2.0.0', '{name}-v{version}', ['web']],
    ['api-v1.2.0', '{name}-v{version}', ['api']],
    ['v1.2.0', 'v{version}', ['api', 'common']]
  ])('tag %s with %s releases %j', (tag, pattern, names) => {
    expect(select(tag, pattern).map(c => c.name)).toEqual(names)
  })

  test('without a tag check every chart is a candidate', () => {
    expect(select(undefined, '{name}-v{version}', false)).toHaveLength(3)
  })

  test('a tag naming a chart at another version is refused on its version line', () => {
    const error = (() => {
      try {
        select('web-v2.0.1')
      } catch (e) {
        return e as UserError
      }
    })()
    expect(error?.message).toMatch(
      /Tag 'web-v2\.0\.1' does not release chart 'web' at version 2\.0\.0/
    )
    expect([error?.file, error?.line]).toEqual(['charts/web/Chart.yaml', 3])
  })

  test.each([
    [
      'nope-v1.0.0',
      /Tag 'nope-v1\.0\.0' releases none of the charts found .*api 1\.2\.0 \(tag 'api-v1\.2\.0', charts\/api\/Chart\.yaml\); web 2\.0\.0 .*; common 1\.2\.0/
    ],
    [
      undefined,
      /no git tag to say which of 3 charts to release .*'check-tag: false'/
    ]
  ])('tag %j is refused with the charts found', (tag, message) => {
    expect(() => select(tag)).toThrow(message)
  })
})
