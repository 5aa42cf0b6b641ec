import { describe, expect, test } from 'vitest'
import {
  helmError,
  lintResults,
  parsePushOutput,
  splitPackageOutput
} from '../../src/helm/cli-output.js'

const C = '/tmp/ws/charts'
const dirs = (...names: string[]): string[] => names.map(n => `${C}/${n}`)

const DIGEST = 'sha256:' + 'ab'.repeat(32)

test.each([
  [
    'stderr (Helm 3, Helm 4 < 4.2.1)',
    `Pushed: r/c/hello:1.0.0\nDigest: ${DIGEST}\n`
  ],
  [
    'with the underscore notice after it',
    `Pushed: r/c/hello:1.0.0_b\nDigest: ${DIGEST}\nr/c/hello:1.0.0_b contains an underscore.\n`
  ]
])('parsePushOutput reads %s', (_name, output) => {
  expect(parsePushOutput(`\n${output}`)).toEqual({
    pushedRef: expect.stringMatching(/^r\/c\/hello:1\.0\.0/),
    digest: DIGEST
  })
})

test('parsePushOutput refuses output without a digest', () => {
  expect(() => parsePushOutput('Pushed: r/c/hello:1.0.0\n')).toThrow(
    /did not report/
  )
})

test.each([
  [
    { stdout: '', stderr: 'Error: unauthorized: authentication required\n' },
    'unauthorized: authentication required'
  ],
  [{ stdout: 'a\nb\nc\nd\n', stderr: '' }, 'b c d'],
  [{ stdout: '', stderr: '' }, 'no output']
])('helmError %#', (result, expected) => {
  expect(helmError(result)).toBe(expected)
})

describe('package output that does not add up', () => {
  const saved = (name: string): string =>
    `Successfully packaged chart and saved it to: /out/${name}-1.0.0.tgz\n`

  test('success with a chart not saved: an error, not a guess', () => {
    const output = { exitCode: 0, stdout: saved('a'), stderr: '' }
    expect(() => splitPackageOutput(dirs('a', 'b'), output)).toThrow(
      /saved 1 of the 2 charts/
    )
  })

  test('more packages than charts: an error', () => {
    const output = { exitCode: 0, stdout: saved('a') + saved('b'), stderr: '' }
    expect(() => splitPackageOutput(dirs('a'), output)).toThrow(
      /more packages than the 1 charts/
    )
  })

  test('a failure after every chart was saved fails them all', () => {
    const output = {
      exitCode: 1,
      stdout: saved('a') + saved('b'),
      stderr: 'Error: something\n'
    }
    const { parts, rest } = splitPackageOutput(dirs('a', 'b'), output)
    expect(parts.map(p => [p.saved, p.error])).toEqual([
      [undefined, 'something'],
      [undefined, 'something']
    ])
    expect(rest).toEqual([])
  })
})

describe('lintResults', () => {
  const odd = { exitCode: 1, stdout: 'no sections here\n', stderr: '' }

  test('one chart Helm failed, output not as expected: refused all the same', () => {
    expect(lintResults(dirs('a'), odd, '[command]helm lint a')).toEqual([
      {
        dir: `${C}/a`,
        output: ['[command]helm lint a', 'no sections here'],
        error: `helm lint found errors in ${C}/a; fix them or set 'lint: false':\nno sections here`
      }
    ])
  })

  test('several charts, output not as expected: none passed, to be linted alone', () => {
    expect(lintResults(dirs('a', 'b'), odd, '[command]helm lint a b')).toBe(
      undefined
    )
  })
})
