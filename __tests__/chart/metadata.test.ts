import { describe, expect, test } from 'vitest'
import { parseChartYaml } from '../../src/chart/metadata.js'
import { UserError } from '../../src/errors.js'

const FILE = 'charts/hello/Chart.yaml'

function refusal(text: string): UserError {
  try {
    parseChartYaml(text, FILE)
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('parseChartYaml', () => {
  test('reads name, version, appVersion, dependencies and the version line', () => {
    const chart = parseChartYaml(
      [
        'apiVersion: v2',
        'name: hello',
        '# the release version',
        'version: 1.2.3-rc.1+build.5',
        'appVersion: "2.0"',
        'dependencies:',
        '  - name: common',
        '    version: 1.x',
        '    repository: oci://ghcr.io/acme/charts',
        ''
      ].join('\n'),
      FILE
    )
    expect(chart).toEqual({
      file: FILE,
      name: 'hello',
      version: '1.2.3-rc.1+build.5',
      appVersion: '2.0',
      dependencies: [
        {
          name: 'common',
          version: '1.x',
          repository: 'oci://ghcr.io/acme/charts'
        }
      ],
      apiVersion: 'v2',
      versionLine: 4,
      ociSource: { from: 'none', hasSources: false, line: 1 }
    })
  })

  test('CRLF and a BOM are fine', () => {
    const chart = parseChartYaml(
      '\uFEFFapiVersion: v2\r\nname: a\r\nversion: 0.1.0\r\n',
      FILE
    )
    expect([chart.name, chart.version, chart.versionLine]).toEqual([
      'a',
      '0.1.0',
      3
    ])
  })

  test.each([
    [
      'a version YAML reads as a number',
      'version: 1.10',
      /'version: 1.10'.*not a SemVer 2/,
      3
    ],
    ['a leading v', 'version: v1.2.3', /'version: v1.2.3'.*no leading v/, 3],
    ['two parts', 'version: "1.2"', /not a SemVer 2/, 3],
    ['a leading zero', 'version: 01.2.3', /not a SemVer 2/, 3]
  ])('refuses %s, on the version line', (_name, versionLine, message, line) => {
    const error = refusal(`apiVersion: v2\nname: hello\n${versionLine}\n`)
    expect(error.message).toMatch(message)
    expect(error.message).toContain(FILE)
    expect(error.line).toBe(line)
    expect(error.file).toBe(FILE)
  })

  test.each([
    [
      'an apiVersion Helm does not know',
      'apiVersion: v3\nname: a\nversion: 1.0.0\n',
      /'apiVersion: v3'.*set 'apiVersion: v2'/,
      1
    ],
    [
      'no apiVersion',
      'name: a\nversion: 1.0.0\n',
      /no apiVersion.*set 'apiVersion: v2'/,
      1
    ],
    [
      'dependencies in a v1 Chart.yaml (helm lint refuses them)',
      'apiVersion: v1\nname: a\nversion: 1.0.0\ndependencies:\n  - name: b\n',
      /'apiVersion: v1' and lists 'dependencies'.*move them into requirements\.yaml/,
      4
    ],
    [
      'type in a v1 Chart.yaml (helm lint refuses it)',
      'apiVersion: v1\nname: a\nversion: 1.0.0\ntype: application\n',
      /'apiVersion: v1' and sets 'type'.*remove 'type'/,
      4
    ],
    ['no name', 'apiVersion: v2\nversion: 1.0.0\n', /has no 'name'/, 1],
    ['no version', 'apiVersion: v2\nname: a\n', /has no 'version'/, 1],
    [
      'an uppercase name',
      'apiVersion: v2\nname: Hello\nversion: 1.0.0\n',
      /'Hello'.*e\.g\. 'hello'/,
      2
    ],
    ['a list', '- a\n- b\n', /must be a YAML mapping/, 1],
    [
      'broken YAML',
      'apiVersion: v2\nname: [a\nversion: 1.0.0\n',
      /not valid YAML \(line \d\)/,
      undefined
    ]
  ])('refuses %s', (_name, text, message, line) => {
    const error = refusal(text)
    expect(error.message).toMatch(message)
    if (line !== undefined) expect(error.line).toBe(line)
  })
})

describe('an apiVersion v1 chart (Helm 2 format, as Helm 3 and 4 publish it)', () => {
  const podinfo = [
    'apiVersion: v1',
    'name: podinfo',
    'version: 6.10.0',
    'appVersion: 6.10.0',
    'kubeVersion: ">=1.23.0-0"',
    ''
  ].join('\n')
  const REQUIREMENTS = 'charts/hello/requirements.yaml'

  test('is read, without dependencies when there is no requirements.yaml', () => {
    const chart = parseChartYaml(podinfo, FILE)
    expect(chart).toMatchObject({
      apiVersion: 'v1',
      name: 'podinfo',
      version: '6.10.0',
      dependencies: []
    })
  })

  test("takes its dependencies from requirements.yaml, as Helm's loader does", () => {
    const requirements = [
      'dependencies:',
      '  - name: redis',
      '    version: 1.x',
      '    repository: oci://ghcr.io/acme/charts',
      ''
    ].join('\n')
    const chart = parseChartYaml(podinfo, FILE, {
      text: requirements,
      file: REQUIREMENTS
    })
    expect(chart.dependencies).toEqual([
      {
        name: 'redis',
        version: '1.x',
        repository: 'oci://ghcr.io/acme/charts'
      }
    ])
  })

  test.each([
    ['broken YAML', 'dependencies: [a\n', /requirements\.yaml is not a YAML/],
    ['a list', '- a\n', /requirements\.yaml is not a YAML mapping/],
    [
      'dependencies that are not a list',
      'dependencies: redis\n',
      /requirements\.yaml: 'dependencies' must be a list/
    ],
    [
      'a dependency without a name',
      'dependencies:\n  - version: 1.x\n',
      /requirements\.yaml: dependency #1 has no 'name'/
    ]
  ])(
    'refuses a requirements.yaml with %s, naming it',
    (_name, text, message) => {
      let error: unknown
      try {
        parseChartYaml(podinfo, FILE, { text, file: REQUIREMENTS })
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(UserError)
      expect((error as UserError).message).toMatch(message)
      expect((error as UserError).file).toBe(REQUIREMENTS)
    }
  )

  test("requirements.yaml's dependencies win over a v2 Chart.yaml's, as Helm's loader reads them", () => {
    const v2 = `${podinfo.replace('apiVersion: v1', 'apiVersion: v2')}dependencies:\n  - name: mine\n`
    const chart = parseChartYaml(v2, FILE, {
      // encoding/json folds keys: Helm reads `Dependencies` too.
      text: 'Dependencies:\n  - name: redis\n',
      file: REQUIREMENTS
    })
    expect(chart.dependencies).toEqual([{ name: 'redis' }])
    expect(chart.dependenciesFile).toBe(REQUIREMENTS)
    const without = parseChartYaml(v2, FILE, {
      text: 'x: 1\n',
      file: REQUIREMENTS
    })
    expect(without.dependencies).toEqual([{ name: 'mine' }])
    expect(without.dependenciesFile).toBeUndefined()
  })

  test.each(['name: other', 'VERSION: 9.9.9', 'verſion: 9.9.9'])(
    'a requirements.yaml that sets %s (Helm reads it over Chart.yaml) is refused',
    line => {
      expect(() =>
        parseChartYaml(podinfo, FILE, { text: `${line}\n`, file: REQUIREMENTS })
      ).toThrow(
        /requirements\.yaml sets '.+', which Helm reads over Chart\.yaml's/
      )
    }
  )
})

describe("the 'artifacthub.io/changes' annotation (for the GitHub release's notes)", () => {
  const base = 'apiVersion: v2\nname: web\nversion: 1.2.0\n'
  test('is kept as written: a string, or a list', () => {
    const text = `${base}annotations:\n  artifacthub.io/changes: |\n    - kind: added\n      description: a thing\n`
    expect(parseChartYaml(text, FILE).changes).toBe(
      '- kind: added\n  description: a thing\n'
    )
    const list = `${base}annotations:\n  artifacthub.io/changes:\n    - kind: fixed\n      description: x\n`
    expect(parseChartYaml(list, FILE).changes).toEqual([
      { kind: 'fixed', description: 'x' }
    ])
  })
  test('is absent without annotations', () => {
    expect(parseChartYaml(base, FILE).changes).toBeUndefined()
  })
})
