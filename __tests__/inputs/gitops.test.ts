// The GitOps inputs, read through the release's config: defaults, lists,
// and refusals that name the input.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { getConfig } from '../../src/inputs/release.js'
import { inputEnv } from '../helpers/action-runner.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const github = {
  repository_owner: 'Acme-Corp',
  actor: 'octocat',
  token: 'ghs_abc'
}
let workspace: string
let saved: NodeJS.ProcessEnv

beforeEach(() => {
  saved = { ...process.env }
  workspace = tempDir()
  fs.writeFileSync(path.join(workspace, 'ca.pem'), 'pem')
})
afterEach(() => {
  process.env = saved
  removeDir(workspace)
})

/** Sets the environment a runner gives the action: action.yml defaults plus `with:`. */
function withInputs(inputs: Record<string, string>): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_')) delete process.env[key]
  }
  Object.assign(process.env, inputEnv(inputs, github), {
    GITHUB_WORKSPACE: workspace
  })
}

describe('gitops inputs', () => {
  test('empty gitops-repository: no GitOps step', () => {
    withInputs({})
    expect(getConfig().gitops).toBeUndefined()
  })

  test('defaults and lists', () => {
    withInputs({
      'gitops-repository': 'acme/gitops',
      'gitops-token': 'ghp_x',
      'gitops-pr-labels': 'deps, helm\nrelease',
      'gitops-pr-reviewers': 'alice\nacme/platform, bob',
      'gitops-auto-merge': 'squash'
    })
    process.env.GITHUB_SERVER_URL = 'https://ghes.example.com/'
    process.env.GITHUB_API_URL = 'https://ghes.example.com/api/v3'
    expect(getConfig().gitops).toEqual({
      owner: 'acme',
      repo: 'gitops',
      token: 'ghp_x',
      baseBranch: undefined,
      paths: ['**/*.yaml', '**/*.yml'],
      branch: 'helm-oci-release/{name}',
      commitMessage: 'chore(deps): bump {name} chart to {version}',
      prTitle: 'chore(deps): bump {name} chart to {version}',
      labels: ['deps', 'helm', 'release'],
      reviewers: ['alice', 'bob'],
      teamReviewers: ['acme/platform'],
      draft: false,
      autoMerge: 'squash',
      signCommits: false,
      render: true,
      kubeVersion: undefined,
      apiVersions: [],
      serverUrl: 'https://ghes.example.com',
      apiUrl: 'https://ghes.example.com/api/v3'
    })
  })

  test.each([
    [
      { 'gitops-repository': 'acme/gitops' },
      /Input 'gitops-token' is required with 'gitops-repository'/
    ],
    [
      { 'gitops-repository': 'acme', 'gitops-token': 't' },
      /Input 'gitops-repository': 'acme' is not a GitHub repository.*owner\/repo/
    ],
    [
      { 'gitops-repository': 'acme/../x', 'gitops-token': 't' },
      /Input 'gitops-repository'/
    ],
    [
      { 'gitops-repository': 'acme/$(id)', 'gitops-token': 't' },
      /Input 'gitops-repository'/
    ],
    [
      {
        'gitops-repository': 'a/b',
        'gitops-token': 't',
        'gitops-auto-merge': 'yes'
      },
      /Input 'gitops-auto-merge' is 'yes'/
    ],
    [
      {
        'gitops-repository': 'a/b',
        'gitops-token': 't',
        'gitops-branch': 'bump/{chart}'
      },
      /Input 'gitops-branch'.*unknown placeholder \{chart\}/
    ],
    [
      {
        'gitops-repository': 'a/b',
        'gitops-token': 't',
        'gitops-render-helm-version': '3.7.0'
      },
      /Input 'gitops-render-helm-version' is "3\.7\.0": .*3\.8\.0/
    ],
    [
      {
        'gitops-repository': 'a/b',
        'gitops-token': 't',
        'gitops-render-helm-version': 'v4.x'
      },
      /Input 'gitops-render-helm-version' is "v4\.x", which is not a Helm version this action understands/
    ],
    [
      {
        'gitops-repository': 'a/b',
        'gitops-token': 't',
        'gitops-render-helm-version': 'system'
      },
      /Input 'gitops-render-helm-version' is 'system', which it does not take.*leave it empty/
    ],
    [
      {
        'gitops-repository': 'a/b',
        'gitops-token': 't',
        'gitops-branch': 'bump..{name}'
      },
      /Input 'gitops-branch' is 'bump\.\.\{name\}', which is not a usable branch name: it must not contain \.\./
    ]
  ])('%j is refused', (inputs, message) => {
    withInputs(inputs)
    expect(() => getConfig()).toThrow(message)
  })

  test.each([
    ['', undefined],
    ['v3.17.3', { kind: 'exact', version: '3.17.3' }],
    [' 4.2.3 ', { kind: 'exact', version: '4.2.3' }],
    ['4', { kind: 'channel', channel: '4' }],
    ['latest', { kind: 'channel', channel: 'latest' }]
  ])('gitops-render-helm-version %j', (raw, expected) => {
    withInputs({
      'gitops-repository': 'a/b',
      'gitops-token': 't',
      'gitops-render-helm-version': raw
    })
    expect(getConfig().gitops?.renderHelmVersion).toEqual(expected)
  })
})
