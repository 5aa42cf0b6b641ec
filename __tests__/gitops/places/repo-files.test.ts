import { describe, expect, test } from 'vitest'
import { repoPath } from '../../../src/gitops/places/repo-files.js'

describe('repoPath', () => {
  test.each([
    ['', 'values.yaml', { path: 'values.yaml' }],
    ['apps/shop', '../common/v.yaml', { path: 'apps/common/v.yaml' }],
    ['apps', '../../etc/passwd', { refused: 'a path outside the repository' }],
    [
      '',
      '/etc/passwd',
      { refused: 'an absolute path, outside the repository' }
    ],
    ['', 'C:/x.yaml', { refused: 'an absolute path, outside the repository' }],
    ['', 'a\\..\\..\\x', { refused: 'a path with a backslash, not read' }],
    ['', 'file:///etc/passwd', { refused: 'a remote URL, not read' }],
    ['', 'a/..', { refused: 'not a file' }]
  ])('%s + %s', (base, written, expected) => {
    expect(repoPath(base, written)).toEqual(expected)
  })
})
