// Which versions a constraint picks, and the OCI tags of versions.
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { parseLine } from '../../src/inputs/mirror-lines.js'
import {
  ociTag,
  selectVersions,
  tagVersion,
  versionsOfTags
} from '../../src/mirror/versions.js'

const line = (constraint: string) =>
  parseLine(`oci://ghcr.io/org/app ${constraint}`, 4)

const TAGS = [
  'latest',
  '17.9.0',
  '18.0.0',
  '18.1.0_build.2',
  '18.2.0-rc.1',
  '18.10.1',
  '19.0.0',
  '20.0.0-beta.1',
  'sha256-' + 'a'.repeat(64) + '.sig',
  'sha256-' + 'a'.repeat(64)
]

describe('tags and versions', () => {
  test('a tag holds a version with + written _', () => {
    expect(tagVersion('1.2.3_build.7')).toBe('1.2.3+build.7')
    expect(ociTag('1.2.3+build.7')).toBe('1.2.3_build.7')
    expect(tagVersion('latest')).toBeUndefined()
    expect(tagVersion('sha256-' + 'a'.repeat(64))).toBeUndefined()
    expect(versionsOfTags(TAGS)).toEqual([
      '17.9.0',
      '18.0.0',
      '18.1.0+build.2',
      '18.2.0-rc.1',
      '18.10.1',
      '19.0.0',
      '20.0.0-beta.1'
    ])
  })
})

describe('selectVersions', () => {
  const versions = versionsOfTags(TAGS)

  test('a range with spaces picks every stable version in it, ascending', () => {
    expect(selectVersions(line('>=18.0.0 <19'), versions)).toEqual([
      '18.0.0',
      '18.1.0+build.2',
      '18.10.1'
    ])
    expect(selectVersions(line('^18.1, <18.5'), versions)).toEqual([
      '18.1.0+build.2'
    ])
  })

  test('latest is the highest stable version', () => {
    expect(selectVersions(line('latest'), versions)).toEqual(['19.0.0'])
  })

  test('exact versions: build metadata and prereleases by name', () => {
    expect(selectVersions(line('18.1.0+build.2'), versions)).toEqual([
      '18.1.0+build.2'
    ])
    expect(selectVersions(line('20.0.0-beta.1'), versions)).toEqual([
      '20.0.0-beta.1'
    ])
    expect(() => selectVersions(line('18.1.0'), versions)).toThrow(
      /Line 4 .*no version of app matches version 18\.1\.0; the source has 20\.0\.0-beta\.1, 19\.0\.0/
    )
  })

  test('nothing matching is refused, naming the line and what exists', () => {
    let error: unknown
    try {
      selectVersions(line('>=30'), versions)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(
      /Line 4 of 'charts' \(oci:\/\/ghcr\.io\/org\/app >=30\): no version .*range `>=30`.*\(7 in all\).*Fix the constraint/
    )
    expect(() => selectVersions(line('latest'), ['1.0.0-rc.1'])).toThrow(
      /`latest` \(the highest stable version\)/
    )
    expect(() => selectVersions(line('latest'), [])).toThrow(
      /no SemVer version at all/
    )
  })

  test('too many matches are refused', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `1.0.${i}`)
    expect(() => selectVersions(line('1.x'), many)).toThrow(/Narrow the range/)
  })
})
