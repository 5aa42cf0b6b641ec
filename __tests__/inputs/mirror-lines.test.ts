// The `charts` input of the mirror: every accepted form, and every bad line
// refused with its number and the fix.
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { MAX_LINES, parseCharts } from '../../src/inputs/mirror-lines.js'

function refusal(input: string, options = {}): string {
  try {
    parseCharts(input, options)
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return (error as Error).message
  }
  throw new Error('not refused')
}

describe('parseCharts', () => {
  test('OCI lines: exact, range with spaces, latest, comments and blanks', () => {
    const lines = parseCharts(
      [
        '# mirrored upstreams',
        '',
        'oci://registry-1.docker.io/bitnamicharts/nginx 18.1.2',
        '  oci://ghcr.io/org/charts/app   >=18.0.0 <19  ',
        'oci://127.0.0.1:5000/a/b LATEST',
        'oci://ghcr.io/org/app 1.2.3+build.7',
        'oci://ghcr.io/org/app 2.0.0-rc.1',
        'oci://ghcr.io/org/app >=1.2, <2'
      ].join('\n')
    )
    expect(lines.map(l => [l.line, l.name, l.constraint])).toEqual([
      [3, 'nginx', { kind: 'exact', version: '18.1.2' }],
      [4, 'app', { kind: 'range', range: '>=18.0.0 <19' }],
      [5, 'b', { kind: 'latest' }],
      [6, 'app', { kind: 'exact', version: '1.2.3+build.7' }],
      [7, 'app', { kind: 'exact', version: '2.0.0-rc.1' }],
      [8, 'app', { kind: 'range', range: '>=1.2, <2' }]
    ])
    expect(lines[1].source).toEqual({
      kind: 'oci',
      registry: 'ghcr.io',
      repository: 'org/charts/app'
    })
    expect(lines[1].text).toBe('oci://ghcr.io/org/charts/app   >=18.0.0 <19')
  })

  test('classic lines: URL, name, constraint', () => {
    const [line] = parseCharts('https://charts.example.com/stable/ nginx ^15.1')
    expect(line).toMatchObject({
      source: { kind: 'classic', url: 'https://charts.example.com/stable' },
      name: 'nginx',
      constraint: { kind: 'range', range: '^15.1' }
    })
  })

  test('http:// only when allowed', () => {
    expect(refusal('http://127.0.0.1:8080 app 1.0.0')).toMatch(
      /Line 1 .*plain http:\/\/ .*https:\/\//
    )
    const [line] = parseCharts('http://127.0.0.1:8080 app 1.0.0', {
      allowHttp: true
    })
    expect(line.source).toEqual({
      kind: 'classic',
      url: 'http://127.0.0.1:8080'
    })
  })

  test.each([
    [
      's3://bucket/charts app 1.0.0',
      /Line 2 .*"s3:\/\/bucket\/charts app 1\.0\.0".*scheme s3:\/\/ is not supported.*oci:\/\//
    ],
    [
      'oci://ghcr.io 1.0.0',
      /Line 2 .*no repository path.*oci:\/\/ghcr\.io\/org/
    ],
    ['oci://ghcr.io/ 1.0.0', /Line 2 .*no repository path/],
    [
      'https://charts.example.com',
      /Line 2 .*no chart name.*https:\/\/repo-url name/
    ],
    [
      'https://charts.example.com nginx',
      /Line 2 .*no version constraint.*latest/
    ],
    [
      'oci://ghcr.io/org/app >=banana',
      /Line 2 .*">=banana" is neither an exact version.*>=18\.0\.0 <19/
    ],
    ['oci://ghcr.io/org/app', /Line 2 .*no version constraint/],
    ['oci://ghcr.io/org/app:1.0.0 1.0.0', /Line 2 .*carries a tag or digest/],
    ['oci://ghcr.io/Org/App 1.0.0', /Line 2 .*not a valid OCI repository path/],
    [
      'https://user:pw@charts.example.com app 1',
      /Line 2 .*carries credentials/
    ],
    ['oci://user:pw@ghcr.io/org/app 1', /Line 2 .*carries credentials/],
    [
      'https://charts.example.com Nginx 1',
      /Line 2 .*cannot be an OCI repository name/
    ],
    ['ghcr.io/org/app 1.0.0', /Line 2 .*not an oci:\/\/ or https:\/\/ address/]
  ])('refuses %s naming the line', (bad, message) => {
    const text = refusal(`oci://ghcr.io/org/ok 1.0.0\n${bad}\n`)
    expect(text).toMatch(message)
    expect(text).not.toContain('pw@')
  })

  test('an empty input and an overlong list are refused', () => {
    expect(refusal('# nothing\n\n')).toMatch(/lists no chart/)
    const many = Array.from(
      { length: MAX_LINES + 1 },
      (_, i) => `oci://ghcr.io/org/c${i} latest`
    ).join('\n')
    expect(refusal(many)).toMatch(/more than 500 charts/)
  })

  test('an overlong line is refused without echoing all of it', () => {
    const text = refusal(`oci://ghcr.io/org/app ${'1'.repeat(5000)}`)
    expect(text).toMatch(/longer than 1000/)
    expect(text.length).toBeLessThan(600)
  })
})
