// When the YAML parser itself throws (as it can on hostile nesting), the file
// is reported as one that does not parse: the scan never crashes the step.
import { expect, test, vi } from 'vitest'
import { parseYaml } from '../../src/yaml/cursor.js'

vi.mock('yaml', async original => ({
  ...(await original<typeof import('yaml')>()),
  parseAllDocuments: () => {
    throw new RangeError('Maximum call stack size exceeded')
  }
}))

test('a parser that throws is a problem of the file, not a crash', () => {
  expect(parseYaml('apps/deep.yaml', 'a: 1\n').problem).toEqual({
    file: 'apps/deep.yaml',
    line: 1,
    message:
      'YAML does not parse (Maximum call stack size exceeded); the file is left unchanged.'
  })
})
