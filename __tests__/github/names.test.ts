// The one copy of the name rules (owner/repo, branch names, file paths,
// server URLs), with messages naming the input the caller passes.
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import {
  gitRevision,
  normalizeServerUrl,
  trimServerUrl,
  validateBranchName,
  validateFilePath,
  validateRepository
} from '../../src/github/names.js'
import { GITOPS_INPUTS } from '../../src/inputs/gitops.js'

describe('validation of what reaches git', () => {
  test.each([
    ['', 'it is empty'],
    ['-upload-pack=evil', 'must not start with -'],
    ['feature branch', 'may contain only'],
    ['a;rm -rf /', 'may contain only'],
    ['$(whoami)', 'may contain only'],
    ['`id`', 'may contain only'],
    ['a|b', 'may contain only'],
    ['a..b', 'must not contain ..'],
    ['a~1', 'may contain only'],
    ['a^', 'may contain only'],
    ['a:b', 'may contain only'],
    ['a*', 'may contain only'],
    ['a\\b', 'may contain only'],
    ['a\nb', 'may contain only'],
    ['a@{1}', 'may contain only'],
    ['@', 'is reserved'],
    ['HEAD', 'is reserved'],
    ['/a', 'must not start or end with /'],
    ['a/', 'must not start or end with /'],
    ['a//b', 'contain //'],
    ['a.', 'must not end with .'],
    ['.hidden', 'may start with .'],
    ['a/.b', 'may start with .'],
    ['a.lock', 'end with .lock'],
    ['a.lock/b', 'end with .lock'],
    ['refs/heads/main', 'without refs/heads/'],
    ['x'.repeat(201), 'longer than 200']
  ])('refuses the branch name %j (%s)', (name, why) => {
    expect(() => validateBranchName(name, 'gitops-branch')).toThrow(UserError)
    expect(() => validateBranchName(name, 'gitops-branch')).toThrow(
      new RegExp(
        `^Input 'gitops-branch': .* is not a usable branch name: .*${escape(why)}.*e\\.g\\. helm-oci-release/my-chart`,
        's'
      )
    )
  })

  test.each([
    'main',
    'helm-oci-release/webapp',
    'release/v1.2.3+build',
    'a_b.c'
  ])('accepts the branch name %j', name => {
    expect(validateBranchName(name, 'gitops-base-branch')).toBe(name)
  })

  test.each([
    ['acme', 'exactly one /'],
    ['acme/gitops/extra', 'exactly one /'],
    ['-acme/gitops', "owner '-acme'"],
    ['ac me/gitops', "owner 'ac me'"],
    ['acme/git ops', "name 'git ops'"],
    ['acme/..', "name '..'"],
    ['acme/$(id)', "name '$(id)'"],
    ['https://github.com/acme/gitops', 'exactly one /'],
    ['acme/', "name ''"]
  ])('refuses the repository %j (%s)', (repository, why) => {
    expect(() =>
      validateRepository(repository, GITOPS_INPUTS.repository)
    ).toThrow(
      new RegExp(
        `^Input 'gitops-repository': .* is not a GitHub repository: .*${escape(why)}.*owner/repo`
      )
    )
  })

  test.each([
    ['acme/gitops', 'acme/gitops'],
    ['Acme-Org/gitops.k8s', 'Acme-Org/gitops.k8s'],
    ['acme_emu/gitops', 'acme_emu/gitops'],
    ['acme/gitops.git', 'acme/gitops']
  ])('accepts the repository %j', (repository, expected) => {
    expect(validateRepository(repository, GITOPS_INPUTS.repository)).toBe(
      expected
    )
  })

  test.each([
    ['', 'empty'],
    ['/etc/passwd', 'relative'],
    ['-rf', 'start with -'],
    ['../outside.yaml', 'must not contain ..'],
    ['apps/../../x', 'must not contain ..'],
    ['apps//x', 'empty or . parts'],
    ['./x', 'empty or . parts'],
    ['.git/config', 'into .git'],
    ['apps/.GIT/hooks/pre-commit', 'into .git'],
    ['apps\\x', 'backslash'],
    ['a\nb', 'control character']
  ])('refuses the file path %j (%s)', (file, why) => {
    expect(() => validateFilePath(file, GITOPS_INPUTS.paths)).toThrow(
      new RegExp(
        `^Input 'gitops-paths': the file path .* cannot be used: .*${escape(why)}`,
        's'
      )
    )
  })
})

describe('server URLs', () => {
  test.each([
    ['https://github.com/', 'https://github.com'],
    ['https://ghe.example.com/ghe//', 'https://ghe.example.com/ghe'],
    ['http://localhost:8080', 'http://localhost:8080']
  ])('%j is trimmed to %j', (url, expected) => {
    expect(trimServerUrl(url)).toBe(expected)
    expect(normalizeServerUrl(url)).toBe(expected)
  })

  test.each([
    ['github.com', 'it is not a URL'],
    ['ftp://github.com', 'only http and https'],
    ['https://me:pw@github.com', 'must not contain credentials'],
    ['https://github.com/?a=1', 'query or fragment']
  ])('refuses the server URL %j (%s)', (url, why) => {
    expect(() => normalizeServerUrl(url)).toThrow(
      new RegExp(
        `^The GitHub server URL .* cannot be used: .*${escape(why)}.*GITHUB_SERVER_URL`
      )
    )
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

test.each<[string, boolean]>([
  ['HEAD', true],
  ['0123456789abcdef0123456789abcdef01234567', true],
  ['refs/remotes/origin/helm-oci-release/web', true],
  ['refs/remotes/origin/release+1=a,b@c', true],
  ['--output=/tmp/x', false],
  ['-p', false],
  ['HEAD..main', false],
  ['HEAD main', false],
  ['main^{tree}', false],
  ['', false]
])('gitRevision(%j) passes: %s', (ref, ok) => {
  if (ok) expect(gitRevision(ref)).toBe(ref)
  else expect(() => gitRevision(ref)).toThrow(/must not take/)
})
