import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { DEFAULT_HELM_VERSION, getConfig } from '../../src/inputs/release.js'
import { actionYml, inputEnv } from '../helpers/action-runner.js'
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

test('the defaults publish to ghcr.io/<owner, lowercased>/charts with the workflow token', () => {
  withInputs({})
  expect(getConfig()).toEqual({
    workspace,
    chartPatterns: ['.'],
    registry: 'ghcr.io',
    repository: 'acme-corp/charts',
    username: 'octocat',
    password: 'ghs_abc',
    helmVersion: { kind: 'exact', version: '4.2.3' },
    helmDownloadUrl: 'https://get.helm.sh',
    plainHttp: false,
    caFile: undefined,
    insecureSkipTlsVerify: false,
    appVersion: undefined,
    lint: true,
    dryRun: false,
    tag: undefined,
    githubRef: '',
    tagPattern: 'v{version}',
    checkTag: true,
    ifExists: 'fail',
    gitops: undefined
  })
})

test("the workflow token may go to GitHub's registries only", () => {
  withInputs({ registry: 'containers.ghes.example.com' })
  process.env.GITHUB_SERVER_URL = 'https://ghes.example.com'
  expect(getConfig().password).toBe('ghs_abc')
  withInputs({
    registry: 'registry-1.docker.io',
    repository: 'acme/charts',
    password: 'dckr_pat_x'
  })
  expect(getConfig().password).toBe('dckr_pat_x')
})

test('the tag comes from GITHUB_REF on a tag push', () => {
  withInputs({})
  process.env.GITHUB_REF = 'refs/tags/v1.2.3'
  expect(getConfig()).toMatchObject({
    tag: 'v1.2.3',
    githubRef: 'refs/tags/v1.2.3'
  })
})

test("action.yml's helm-version default is the one the code falls back to", () => {
  expect(actionYml().inputs['helm-version'].default).toBe(DEFAULT_HELM_VERSION)
})

test('every input is read', () => {
  withInputs({
    chart: 'charts/hello',
    registry: 'oci://Registry.Example.com:8443/',
    repository: 'team/charts',
    username: 'robot$ci',
    password: 'p:$+',
    'helm-version': '3',
    'helm-download-url': 'https://mirror.example.com/helm/',
    'ca-file': 'ca.pem',
    'app-version': '2.0.0',
    lint: 'false',
    'dry-run': 'true',
    tag: 'refs/tags/hello-1.0.0',
    'tag-pattern': '{name}-{version}',
    'check-tag': 'false',
    'if-exists': 'skip'
  })
  expect(getConfig()).toMatchObject({
    chartPatterns: ['charts/hello'],
    registry: 'registry.example.com:8443',
    repository: 'team/charts',
    username: 'robot$ci',
    password: 'p:$+',
    helmVersion: { kind: 'channel', channel: '3' },
    helmDownloadUrl: 'https://mirror.example.com/helm',
    caFile: path.join(workspace, 'ca.pem'),
    appVersion: '2.0.0',
    lint: false,
    dryRun: true,
    tag: 'hello-1.0.0',
    tagPattern: '{name}-{version}',
    checkTag: false,
    ifExists: 'skip'
  })
})

describe('bad values name the input', () => {
  test.each([
    [
      { 'plain-http': 'yes please' },
      /Input 'plain-http' is 'yes please': use true or false/
    ],
    [{ lint: 'maybe' }, /Input 'lint' is 'maybe'/],
    [
      { chart: 'charts/a\n../outside' },
      /Input 'chart' has '\.\.\/outside'.*without '\.\.'/
    ],
    [
      { 'if-exists': 'overwrite' },
      /Input 'if-exists' is 'overwrite': use 'fail'.*or 'skip'.*Nothing is ever overwritten/
    ],
    [
      { 'tag-pattern': 'release-{name}' },
      /Input 'tag-pattern'.*has no \{version\}/
    ],
    [{ 'check-tag': 'nope' }, /Input 'check-tag' is 'nope'/],
    [{ 'helm-version': '2.17.0' }, /Input 'helm-version' is "2.17.0"/],
    [{ 'helm-download-url': 'ftp://x' }, /helm-download-url/],
    [
      { 'ca-file': 'missing.pem' },
      /Input 'ca-file' is 'missing.pem', but there is no such file/
    ],
    [
      { 'plain-http': 'true', 'insecure-skip-tls-verify': 'true' },
      /'plain-http: true'.*'insecure-skip-tls-verify'/
    ],
    [{ username: '' }, /'password' is set but 'username' is empty/],
    [{ registry: 'ghcr.io/acme' }, /Input 'registry'.*'registry: ghcr.io'/],
    [
      { registry: 'r.example.com', repository: 'Acme/charts' },
      /Input 'repository'.*use 'acme\/charts'/
    ]
  ])('%j', (inputs, message) => {
    withInputs(inputs)
    expect(() => getConfig()).toThrow(message)
  })
})

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
        'gitops-branch': 'bump..{name}'
      },
      /Input 'gitops-branch' is 'bump\.\.\{name\}', which is not a usable branch name: it must not contain \.\./
    ]
  ])('%j is refused', (inputs, message) => {
    withInputs(inputs)
    expect(() => getConfig()).toThrow(message)
  })
})

describe('secrets are kept as given, but for the newline a secret store adds', () => {
  test.each([
    [' p@ss word ', ' p@ss word '],
    ['\tpass\t', '\tpass\t'],
    ['pass\n', 'pass'],
    ['pass\r\n', 'pass'],
    [' pass \n\n', ' pass \n'],
    ['   ', '']
  ])('%j -> %j', (given, kept) => {
    withInputs({
      registry: 'registry.example.com',
      repository: 'acme/charts',
      password: given,
      username: 'robot',
      'gitops-repository': 'acme/gitops',
      'gitops-token': given.trim() ? given : 'x'
    })
    const config = getConfig()
    expect(config.password).toBe(kept)
    if (given.trim()) expect(config.gitops?.token).toBe(kept)
  })

  test('a GitHub token with a space around it is still kept from other registries', () => {
    withInputs({
      registry: 'registry.example.com',
      repository: 'acme/charts',
      password: ' ghs_abc '
    })
    expect(() => getConfig()).toThrow(/Input 'password' is a GitHub token/)
  })
})

describe('signing inputs', () => {
  const oidc = {
    ACTIONS_ID_TOKEN_REQUEST_URL:
      'https://runner.example/idtoken?api-version=2.0',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    GITHUB_REPOSITORY: 'Acme-Corp/charts'
  }

  test('off by default; on, the defaults are the legacy layout and the auto instance', () => {
    withInputs({})
    expect(getConfig().signing).toBeUndefined()
    withInputs({ sign: 'true' })
    Object.assign(process.env, oidc)
    expect(getConfig().signing).toEqual({
      sign: true,
      provenance: false,
      format: 'legacy',
      sigstore: 'auto',
      overrides: {
        fulcioUrl: undefined,
        rekorUrl: undefined,
        tsaUrl: undefined
      },
      githubToken: '',
      owner: 'Acme-Corp',
      repo: 'charts',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      asking: "'sign: true'"
    })
  })

  test('provenance takes github-token (masked) and is refused on GitHub Enterprise Server', () => {
    withInputs({ provenance: 'true' })
    Object.assign(process.env, oidc)
    expect(getConfig().signing?.githubToken).toBe('ghs_abc')
    process.env.GITHUB_SERVER_URL = 'https://github.acme.example'
    expect(() => getConfig()).toThrow(
      /github\.acme\.example \(GitHub Enterprise Server\) does not have/
    )
    process.env.GITHUB_SERVER_URL = 'https://acme.ghe.com'
    expect(getConfig().signing?.provenance).toBe(true)
  })

  test.each([
    [
      { 'signature-format': 'cosign' },
      /Input 'signature-format' is 'cosign': use 'legacy', 'bundle', 'both'/
    ],
    [{ sigstore: 'private' }, /Input 'sigstore' is 'private'/],
    [
      { 'sigstore-rekor-url': 'notaurl' },
      /Input 'sigstore-rekor-url' is "notaurl"/
    ],
    [{ sign: 'yes' }, /Input 'sign' is 'yes': use true or false/]
  ])('%j is refused naming the input', (inputs, message) => {
    withInputs({ sign: 'true', ...inputs })
    Object.assign(process.env, oidc)
    expect(() => getConfig()).toThrow(message)
  })

  test('without an OIDC token: refused, or only a warning on a dry run', () => {
    withInputs({ sign: 'true' })
    process.env.GITHUB_REPOSITORY = 'acme/charts'
    expect(() => getConfig()).toThrow(/id-token: write/)
    withInputs({ sign: 'true', 'dry-run': 'true' })
    process.env.GITHUB_REPOSITORY = 'acme/charts'
    expect(getConfig().signing?.sign).toBe(true)
  })
})
