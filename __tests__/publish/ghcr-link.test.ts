// The notice that a ghcr.io package will not be linked to the repository:
// when it is given, and that the line it suggests does link it.
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { parseChartYaml } from '../../src/chart/metadata.js'
import { ociSource } from '../../src/chart/oci-source.js'
import {
  ghcrLinkNotice,
  namesRepository,
  type LinkedChart
} from '../../src/publish/ghcr-link.js'

const FILE = 'charts/hello/Chart.yaml'
const REPO = 'Acme/App'
const URL = 'https://github.com/Acme/App'

function chart(extra: string, registry = 'ghcr.io'): LinkedChart {
  const text = `apiVersion: v2\nname: hello\nversion: 1.0.0\n${extra}\n`
  return {
    ...parseChartYaml(text, FILE),
    registry,
    ref: `oci://${registry}/acme/charts/hello`
  }
}

describe('namesRepository', () => {
  test.each<[string, boolean]>([
    ['https://github.com/Acme/App', true],
    ['https://github.com/acme/app', true],
    ['https://GitHub.com/ACME/APP/', true],
    ['https://github.com/acme/app.git', true],
    ['https://github.com/acme/app.git/', true],
    [' https://github.com/acme/app ', true],
    ['https://github.com/acme/app2', false],
    ['https://github.com/acme', false],
    ['http://github.com/acme/app', false],
    ['https://gitlab.com/acme/app', false],
    ['', false]
  ])('%j: %s', (value, expected) => {
    expect(namesRepository(value, URL)).toBe(expected)
  })
})

describe('ghcrLinkNotice', () => {
  test.each<[string, LinkedChart, string | undefined]>([
    [
      'sources[0] names the repository',
      chart(`sources: ["${URL}.git"]`),
      undefined
    ],
    ['another registry', chart('', 'registry.example.com'), undefined],
    ['a ghcr.io look-alike host', chart('', 'ghcr.io.example.com'), undefined]
  ])('nothing to say: %s', (_name, given, expected) => {
    expect(ghcrLinkNotice(given, REPO)).toBe(expected)
  })

  test('nothing to say without GITHUB_REPOSITORY', () => {
    expect(ghcrLinkNotice(chart(''), undefined)).toBeUndefined()
  })

  test.each<[string, string, RegExp, number]>([
    [
      'no sources',
      'description: x',
      /it has no 'sources'\. Add this line to Chart\.yaml: sources: \["https:\/\/github\.com\/Acme\/App"\]/,
      1
    ],
    [
      'an empty list',
      'sources: []',
      /its 'sources' list has no first item Helm writes\. Make this the first item of 'sources:': - "https:\/\/github\.com\/Acme\/App"/,
      4
    ],
    [
      'another first source',
      'sources:\n  - https://example.com/docs\n  - https://github.com/acme/app',
      /its sources\[0\] is "https:\/\/example\.com\/docs"\. Make this the first item/,
      4
    ],
    [
      'an annotation over sources[0]',
      `sources: [${URL}]\nannotations:\n  org.opencontainers.image.source: https://github.com/fork/app`,
      /its annotation org\.opencontainers\.image\.source \(which Helm writes over sources\[0\]\) is "https:\/\/github\.com\/fork\/app"\. Set the annotation under 'annotations:' to: org\.opencontainers\.image\.source: "https:\/\/github\.com\/Acme\/App"/,
      4
    ]
  ])('%s', (_name, extra, message, line) => {
    const notice = ghcrLinkNotice(chart(extra), REPO)
    expect(notice?.message).toMatch(
      /^ghcr\.io will not link oci:\/\/ghcr\.io\/acme\/charts\/hello to the repository Acme\/App: /
    )
    expect(notice?.message).toMatch(message)
    expect(notice?.message).toMatch(
      /The package is pushed as Helm pushes it\.$/
    )
    expect(notice).toMatchObject({ file: FILE, line })
  })

  test('an outside value is quoted on one line and bounded', () => {
    const hostile = `x\n::error::boom${'y'.repeat(500)}`
    const notice = ghcrLinkNotice(
      chart(`sources: [${JSON.stringify(hostile)}]`),
      REPO
    )
    expect(notice?.message).not.toMatch(/\n/)
    expect(notice?.message).toContain('"x\\n::error::boom')
    expect(notice?.message.length).toBeLessThan(700)
  })

  test.each<[string, string]>([
    ['no sources', 'description: x'],
    ['an annotation', 'annotations:\n  org.opencontainers.image.source: x']
  ])('the suggested line makes Helm write the repository (%s)', (_n, extra) => {
    const message = ghcrLinkNotice(chart(extra), REPO)?.message ?? ''
    const suggested = /(?:Chart\.yaml|to): (.*?) The package/.exec(message)?.[1]
    expect(suggested).toBeDefined()
    const fixed = extra.startsWith('annotations')
      ? `annotations:\n  ${suggested}`
      : suggested
    const data = parse(`name: hello\n${fixed}`) as Record<string, unknown>
    expect(ociSource(data).value).toBe(URL)
  })
})
