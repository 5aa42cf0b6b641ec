// The release action's inputs: the defaults, every input read, refusals that
// name the input, and secrets kept as given.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { DEFAULT_HELM_VERSION } from '../../src/inputs/helm.js'
import { getConfig } from '../../src/inputs/release.js'
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
    gitops: undefined,
    artifacthubRepo: { kind: 'auto' }
  })
})

test.each<[string, object]>([
  ['', { kind: 'auto' }],
  ['false', { kind: 'off' }],
  [
    ' charts/artifacthub-repo.yml ',
    { kind: 'file', path: 'charts/artifacthub-repo.yml' }
  ]
])("'artifacthub-repo: %s'", (value, expected) => {
  withInputs({ 'artifacthub-repo': value })
  expect(getConfig().artifacthubRepo).toEqual(expected)
})

test.each(['/etc/passwd', '../artifacthub-repo.yml', 'a/../../b.yml'])(
  "'artifacthub-repo: %s' is refused: a path in the workspace, without '..'",
  value => {
    withInputs({ 'artifacthub-repo': value })
    expect(() => getConfig()).toThrow(
      `Input 'artifacthub-repo' is '${value}': give the file's path relative to the workspace, without '..'`
    )
  }
)

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
