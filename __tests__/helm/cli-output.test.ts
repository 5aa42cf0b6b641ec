// The readers of what Helm prints, on output captured from the real Helm
// 3.17.3, 4.1.4 and 4.2.3 (`helm lint` and `helm package` of several charts,
// run by hand in /tmp/ws): alpha; beta in the folder beta-folder; badyaml,
// whose Chart.yaml does not parse; failmsg, whose template calls `fail` (lint
// passes; Helm logs the message on stderr); gamma, whose template does not
// parse; warn, without values.yaml. stdout is the same in all three versions;
// only the line a template's `fail` logs on stderr differs.
import { describe, expect, test } from 'vitest'
import {
  splitLintOutput,
  splitPackageOutput,
  templateError,
  type HelmOutput
} from '../../src/helm/cli-output.js'

type Version = '3.17.3' | '4.1.4' | '4.2.3'
type Scenario =
  | 'lintSeveral'
  | 'lintPassing'
  | 'lintOne'
  | 'packageSeveral'
  | 'packageFailing'

const C = '/tmp/ws/charts'
const dirs = (...names: string[]): string[] => names.map(n => `${C}/${n}`)

const CAPTURED: Record<Version, Record<Scenario, HelmOutput>> = {
  '3.17.3': {
    lintSeveral: {
      exitCode: 1,
      stdout: `==> Linting /tmp/ws/charts/alpha
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/beta-folder
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/badyaml
[ERROR] Chart.yaml: unable to parse YAML
\terror converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
[ERROR] templates/: cannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
[ERROR] : unable to load chart
\tcannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'

==> Linting /tmp/ws/charts/failmsg
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/gamma
[INFO] Chart.yaml: icon is recommended
[ERROR] templates/: parse error at (gamma/templates/configmap.yaml:2): unexpected "}" in operand

==> Linting /tmp/ws/charts/warn
[INFO] Chart.yaml: icon is recommended
[INFO] values.yaml: file does not exist

`,
      stderr: `engine.go:227: [INFO] Fail: ::warning::boom
Error: 6 chart(s) linted, 2 chart(s) failed
`
    },
    lintPassing: {
      exitCode: 0,
      stdout: `==> Linting /tmp/ws/charts/alpha
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/beta-folder
[INFO] Chart.yaml: icon is recommended

2 chart(s) linted, 0 chart(s) failed
`,
      stderr: ``
    },
    lintOne: {
      exitCode: 1,
      stdout: `==> Linting /tmp/ws/charts/gamma
[INFO] Chart.yaml: icon is recommended
[ERROR] templates/: parse error at (gamma/templates/configmap.yaml:2): unexpected "}" in operand

`,
      stderr: `Error: 1 chart(s) linted, 1 chart(s) failed
`
    },
    packageSeveral: {
      exitCode: 0,
      stdout: `Successfully packaged chart and saved it to: /tmp/ws/out/alpha-1.0.0.tgz
Successfully packaged chart and saved it to: /tmp/ws/out/beta-2.0.0+build.1.tgz
Successfully packaged chart and saved it to: /tmp/ws/out/warn-1.0.0.tgz
`,
      stderr: ``
    },
    packageFailing: {
      exitCode: 1,
      stdout: `Successfully packaged chart and saved it to: /tmp/ws/out/alpha-1.0.0.tgz
`,
      stderr: `Error: cannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
`
    }
  },
  '4.1.4': {
    lintSeveral: {
      exitCode: 1,
      stdout: `==> Linting /tmp/ws/charts/alpha
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/beta-folder
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/badyaml
[ERROR] Chart.yaml: unable to parse YAML
\terror converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
[ERROR] templates/: cannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
[ERROR] : unable to load chart
\tcannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'

==> Linting /tmp/ws/charts/failmsg
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/gamma
[INFO] Chart.yaml: icon is recommended
[ERROR] templates/: parse error at (gamma/templates/configmap.yaml:2): unexpected "}" in operand

==> Linting /tmp/ws/charts/warn
[INFO] Chart.yaml: icon is recommended
[INFO] values.yaml: file does not exist

`,
      stderr: `level=INFO msg="funcMap fail" message=::warning::boom
Error: 6 chart(s) linted, 2 chart(s) failed
`
    },
    lintPassing: {
      exitCode: 0,
      stdout: `==> Linting /tmp/ws/charts/alpha
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/beta-folder
[INFO] Chart.yaml: icon is recommended

2 chart(s) linted, 0 chart(s) failed
`,
      stderr: ``
    },
    lintOne: {
      exitCode: 1,
      stdout: `==> Linting /tmp/ws/charts/gamma
[INFO] Chart.yaml: icon is recommended
[ERROR] templates/: parse error at (gamma/templates/configmap.yaml:2): unexpected "}" in operand

`,
      stderr: `Error: 1 chart(s) linted, 1 chart(s) failed
`
    },
    packageSeveral: {
      exitCode: 0,
      stdout: `Successfully packaged chart and saved it to: /tmp/ws/out/alpha-1.0.0.tgz
Successfully packaged chart and saved it to: /tmp/ws/out/beta-2.0.0+build.1.tgz
Successfully packaged chart and saved it to: /tmp/ws/out/warn-1.0.0.tgz
`,
      stderr: ``
    },
    packageFailing: {
      exitCode: 1,
      stdout: `Successfully packaged chart and saved it to: /tmp/ws/out/alpha-1.0.0.tgz
`,
      stderr: `Error: cannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
`
    }
  },
  '4.2.3': {
    lintSeveral: {
      exitCode: 1,
      stdout: `==> Linting /tmp/ws/charts/alpha
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/beta-folder
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/badyaml
[ERROR] Chart.yaml: unable to parse YAML
\terror converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
[ERROR] templates/: cannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
[ERROR] : unable to load chart
\tcannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'

==> Linting /tmp/ws/charts/failmsg
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/gamma
[INFO] Chart.yaml: icon is recommended
[ERROR] templates/: parse error at (gamma/templates/configmap.yaml:2): unexpected "}" in operand

==> Linting /tmp/ws/charts/warn
[INFO] Chart.yaml: icon is recommended
[INFO] values.yaml: file does not exist

`,
      stderr: `level=INFO msg="funcMap fail" message=::warning::boom
Error: 6 chart(s) linted, 2 chart(s) failed
`
    },
    lintPassing: {
      exitCode: 0,
      stdout: `==> Linting /tmp/ws/charts/alpha
[INFO] Chart.yaml: icon is recommended

==> Linting /tmp/ws/charts/beta-folder
[INFO] Chart.yaml: icon is recommended

2 chart(s) linted, 0 chart(s) failed
`,
      stderr: ``
    },
    lintOne: {
      exitCode: 1,
      stdout: `==> Linting /tmp/ws/charts/gamma
[INFO] Chart.yaml: icon is recommended
[ERROR] templates/: parse error at (gamma/templates/configmap.yaml:2): unexpected "}" in operand

`,
      stderr: `Error: 1 chart(s) linted, 1 chart(s) failed
`
    },
    packageSeveral: {
      exitCode: 0,
      stdout: `Successfully packaged chart and saved it to: /tmp/ws/out/alpha-1.0.0.tgz
Successfully packaged chart and saved it to: /tmp/ws/out/beta-2.0.0+build.1.tgz
Successfully packaged chart and saved it to: /tmp/ws/out/warn-1.0.0.tgz
`,
      stderr: ``
    },
    packageFailing: {
      exitCode: 1,
      stdout: `Successfully packaged chart and saved it to: /tmp/ws/out/alpha-1.0.0.tgz
`,
      stderr: `Error: cannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'
`
    }
  }
}

describe.each(Object.keys(CAPTURED) as Version[])('Helm %s', version => {
  const captured = CAPTURED[version]

  test('lint of six charts, two failing: each its own section and errors', () => {
    const names = [
      'alpha',
      'beta-folder',
      'badyaml',
      'failmsg',
      'gamma',
      'warn'
    ]
    const parts = splitLintOutput(dirs(...names), captured.lintSeveral)
    expect(parts?.map(p => [p.dir, p.errors.length])).toEqual(
      names.map((n, i) => [`${C}/${n}`, [0, 0, 5, 0, 1, 0][i]])
    )
    const [, beta, badyaml, , gamma] = parts!
    expect(badyaml.errors[0]).toBe('[ERROR] Chart.yaml: unable to parse YAML')
    expect(badyaml.errors[1]).toMatch(/^\terror converting YAML to JSON/)
    expect(gamma.errors).toEqual([
      '[ERROR] templates/: parse error at (gamma/templates/configmap.yaml:2): unexpected "}" in operand'
    ])
    // The folder, not the chart's name, opens the section.
    expect(beta.lines[0]).toBe(`==> Linting ${C}/beta-folder`)
    expect(beta.lines.join('\n')).not.toMatch(/gamma|badyaml/)
    // Lines of no chart (a template's log on stderr) go with each; Helm's
    // count of all the charts does not.
    expect(beta.lines.at(-1)).toMatch(/::warning::boom$/)
    expect(beta.lines.join('\n')).not.toContain('chart(s) linted')
  })

  test('lint of charts that all pass: no errors, each its own section', () => {
    const parts = splitLintOutput(
      dirs('alpha', 'beta-folder'),
      captured.lintPassing
    )
    expect(parts?.map(p => p.errors)).toEqual([[], []])
    expect(parts?.[0].lines).toEqual([
      `==> Linting ${C}/alpha`,
      '[INFO] Chart.yaml: icon is recommended'
    ])
  })

  test('lint of one failing chart: all of the output is its', () => {
    const [gamma] = splitLintOutput(dirs('gamma'), captured.lintOne)!
    expect(gamma.errors).toHaveLength(1)
    expect(gamma.lines).toEqual([
      ...captured.lintOne.stdout.trimEnd().split('\n'),
      ...captured.lintOne.stderr.trimEnd().split('\n')
    ])
  })

  test('package of three charts: saved in order, named by Chart.yaml', () => {
    const names = ['alpha', 'beta-folder', 'warn']
    const { parts, rest } = splitPackageOutput(
      dirs(...names),
      captured.packageSeveral
    )
    expect(rest).toEqual([])
    expect(parts.map(p => [p.dir, p.saved, p.error])).toEqual([
      [`${C}/alpha`, '/tmp/ws/out/alpha-1.0.0.tgz', undefined],
      [`${C}/beta-folder`, '/tmp/ws/out/beta-2.0.0+build.1.tgz', undefined],
      [`${C}/warn`, '/tmp/ws/out/warn-1.0.0.tgz', undefined]
    ])
    expect(parts[1].lines).toEqual([
      'Successfully packaged chart and saved it to: /tmp/ws/out/beta-2.0.0+build.1.tgz'
    ])
  })

  test('package stopped by the second chart: its error, the third left for another run', () => {
    const { parts, rest } = splitPackageOutput(
      dirs('alpha', 'badyaml', 'beta-folder'),
      captured.packageFailing
    )
    expect(parts.map(p => [p.dir, p.saved, p.error])).toEqual([
      [`${C}/alpha`, '/tmp/ws/out/alpha-1.0.0.tgz', undefined],
      [
        `${C}/badyaml`,
        undefined,
        "cannot load Chart.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'"
      ]
    ])
    expect(parts[1].lines).toEqual([captured.packageFailing.stderr.trimEnd()])
    expect(rest).toEqual([`${C}/beta-folder`])
  })
})

describe('a lint failure that cannot be told apart per chart is not split', () => {
  const several = CAPTURED['4.2.3'].lintSeveral
  const names = dirs(
    'alpha',
    'beta-folder',
    'badyaml',
    'failmsg',
    'gamma',
    'warn'
  )

  test.each([
    [
      'a count of failures other than Helm’s',
      { ...several, stderr: 'Error: 6 chart(s) linted, 1 chart(s) failed\n' }
    ],
    ['no summary', { ...several, stderr: '' }],
    [
      'a section missing',
      {
        ...several,
        stdout: several.stdout.replace(`==> Linting ${C}/gamma\n`, '')
      }
    ],
    [
      'a section header twice (a chart echoing one)',
      {
        ...several,
        stdout: several.stdout.replace(
          '[INFO] values.yaml',
          `==> Linting ${C}/gamma\n[INFO] values.yaml`
        )
      }
    ],
    [
      'a section under another folder',
      { ...several, stdout: several.stdout.replace(`${C}/alpha`, `${C}/x`) }
    ]
  ])('%s', (_, output) => {
    expect(splitLintOutput(names, output)).toBeUndefined()
  })

  test('the same charts in another order than Helm printed them', () => {
    expect(splitLintOutput([...names].reverse(), several)).toBeUndefined()
  })

  test('a passing run it cannot split gives each chart the whole output', () => {
    const output = { exitCode: 0, stdout: 'something else\n', stderr: '' }
    expect(splitLintOutput(dirs('a', 'b'), output)).toEqual([
      { dir: `${C}/a`, lines: ['something else'], errors: [] },
      { dir: `${C}/b`, lines: ['something else'], errors: [] }
    ])
  })
})

// `helm template`'s failures as Helm 3.17.3 and 4.2.3 print them (captured by
// hand): the whole error, its lines kept.
test.each<[string, string, string]>([
  [
    'Helm 4: a template failure over indented lines',
    'Error: template: c/templates/x.yaml:3:4: executing "c/templates/x.yaml" at <fail "no">:\n\terror calling fail: no\n',
    'template: c/templates/x.yaml:3:4: executing "c/templates/x.yaml" at <fail "no">:\n\terror calling fail: no'
  ],
  [
    "Helm 4: a schema's failure, without the --debug hint",
    'Error: values don\'t meet the specifications of the schema(s) in the following chart(s):\nc:\nfailing loading "http://127.0.0.1:1/x.json": dial tcp: connect: network is unreachable\n\nUse --debug flag to render out invalid YAML\n',
    'values don\'t meet the specifications of the schema(s) in the following chart(s):\nc:\nfailing loading "http://127.0.0.1:1/x.json": dial tcp: connect: network is unreachable'
  ],
  [
    "Helm 3: a schema's failures, one per line",
    "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- tier: Invalid type. Expected: string, given: integer\n- port: Must be less than 65536\n",
    "values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- tier: Invalid type. Expected: string, given: integer\n- port: Must be less than 65536"
  ],
  [
    'fifteen failures: every one kept',
    `Error: values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n${Array.from({ length: 15 }, (_, i) => `- v${i}: Must be less than 2`).join('\n')}\n`,
    `values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n${Array.from({ length: 15 }, (_, i) => `- v${i}: Must be less than 2`).join('\n')}`
  ],
  [
    'warnings before the error are left out',
    'walk.go:75: found symbolic link in path\nError: release name check failed\n',
    'release name check failed'
  ],
  [
    'no Error: line: the last lines',
    'panic: boom\ngoroutine 1\n',
    'panic: boom goroutine 1'
  ]
])('templateError: %s', (_what, stderr, expected) => {
  expect(templateError({ stdout: '', stderr })).toBe(expected)
})
