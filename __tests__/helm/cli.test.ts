import { expect, test } from 'vitest'
import { helmError, parsePushOutput } from '../../src/helm/cli.js'

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
