import { describe, expect, test } from 'vitest'
import {
  checkTag,
  expectedTag,
  releaseTag,
  tagMatches,
  validateTagPattern
} from '../../src/chart/tag.js'
import { UserError } from '../../src/errors.js'

const chart = {
  name: 'hello',
  version: '1.2.3',
  file: 'charts/hello/Chart.yaml',
  versionLine: 5
}

describe('releaseTag', () => {
  test.each([
    ['', 'refs/tags/v1.2.3', 'v1.2.3'],
    ['', 'refs/heads/main', undefined],
    ['', '', undefined],
    ['v2.0.0', 'refs/heads/main', 'v2.0.0'],
    ['refs/tags/hello-1.0.0', '', 'hello-1.0.0'],
    ['  ', 'refs/tags/x', 'x']
  ])('input %j, GITHUB_REF %j -> %j', (input, ref, tag) => {
    expect(releaseTag(input, ref)).toBe(tag)
  })
})

describe('tagMatches', () => {
  test.each([
    ['v1.2.3', 'v{version}', true],
    ['1.2.3', 'v{version}', true],
    ['v1.2.4', 'v{version}', false],
    ['v1.2.3-rc.1', 'v{version}', false],
    ['hello-1.2.3', '{name}-{version}', true],
    ['1.2.3', '{name}-{version}', false],
    ['hello-v1.2.3', '{name}-v{version}', true],
    ['other-v1.2.3', '{name}-v{version}', false],
    ['charts/hello/1.2.3', 'charts/{name}/{version}', true]
  ])('%s with %s -> %s', (tag, pattern, matches) => {
    expect(tagMatches(tag, pattern, 'hello', '1.2.3')).toBe(matches)
  })

  test('build metadata is part of the version', () => {
    expect(
      tagMatches('v1.2.3+build.1', 'v{version}', 'h', '1.2.3+build.1')
    ).toBe(true)
    expect(tagMatches('v1.2.3', 'v{version}', 'h', '1.2.3+build.1')).toBe(false)
  })
})

test('expectedTag', () => {
  expect(expectedTag('{name}-v{version}', 'hello', '1.0.0')).toBe(
    'hello-v1.0.0'
  )
})

describe('validateTagPattern', () => {
  test.each([
    ['{name}', /has no \{version\}/],
    ['v{ver}', /unknown placeholder \{ver\}/],
    ['release', /has no \{version\}/]
  ])('refuses %j', (pattern, message) => {
    expect(() => validateTagPattern(pattern)).toThrow(message)
  })
  test('accepts and trims', () => {
    expect(validateTagPattern(' {name}-{version} ')).toBe('{name}-{version}')
  })
})

describe('checkTag', () => {
  function refusal(
    tag: string | undefined,
    pattern = 'v{version}',
    ref = 'refs/tags/x'
  ): UserError {
    try {
      checkTag({ tag, githubRef: ref, pattern, chart })
    } catch (error) {
      if (error instanceof UserError) return error
      throw error
    }
    throw new Error('expected a refusal')
  }

  test('a mismatch names tag, chart, version, pattern and fix, on the version line', () => {
    const error = refusal('v1.2.4')
    expect(error.message).toBe(
      "Tag 'v1.2.4' does not release chart 'hello' at version 1.2.3 " +
        "(charts/hello/Chart.yaml says 'version: 1.2.3'; tag-pattern 'v{version}' expects 'v1.2.3'). " +
        "Set 'version:' in charts/hello/Chart.yaml to the version the tag names and tag again, " +
        "or fix 'tag-pattern' if your tags are formed differently."
    )
    expect([error.file, error.line]).toEqual(['charts/hello/Chart.yaml', 5])
  })

  test('no tag says how to run it', () => {
    const error = refusal(undefined, '{name}-v{version}', 'refs/heads/main')
    expect(error.message).toMatch(/GITHUB_REF is 'refs\/heads\/main'/)
    expect(error.message).toMatch(/tags: \['\*-v\*'\]/)
    expect(error.message).toMatch(/'tag' \(here 'hello-v1.2.3'\)/)
    expect(error.message).toMatch(/'check-tag: false'/)
  })

  test('a match passes', () => {
    expect(() =>
      checkTag({ tag: 'v1.2.3', githubRef: '', pattern: 'v{version}', chart })
    ).not.toThrow()
  })
})
