import { describe, expect, test } from 'vitest'
import {
  isRepository,
  normaliseRepositoryUrl
} from '../../../../src/gitops/tools/argocd/values.js'

describe('normaliseRepositoryUrl', () => {
  test.each([
    ['https://github.com/acme/gitops', 'github.com/acme/gitops'],
    ['https://GitHub.com/acme/gitops.git/', 'github.com/acme/gitops'],
    ['git@github.com:acme/gitops.git', 'github.com/acme/gitops'],
    ['ssh://git@github.com/acme/gitops', 'github.com/acme/gitops'],
    [
      'https://git.example.com:8443/acme/gitops',
      'git.example.com:8443/acme/gitops'
    ]
  ])('%s', (url, normalised) => {
    expect(normaliseRepositoryUrl(url)).toBe(normalised)
  })

  test('an empty repoURL is no repository', () => {
    expect(isRepository('', [''])).toBe(false)
  })
})
