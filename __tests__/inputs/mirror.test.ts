// The mirror's inputs: defaults, masking, and refusals that name the input.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { UserError } from '../../src/errors.js'
import { getMirrorConfig } from '../../src/inputs/mirror.js'
import { removeDir, tempDir } from '../helpers/paths.js'
import { mirrorInputEnv } from '../mirror/mirror-action.helpers.js'

const github = {
  repository_owner: 'Acme-Corp',
  actor: 'octocat',
  token: 'ghs_abc'
}
const PODINFO = 'oci://ghcr.io/stefanprodan/charts/podinfo 6.7.0'
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
  vi.restoreAllMocks()
})

function withInputs(inputs: Record<string, string>): void {
  for (const key of Object.keys(process.env))
    if (key.startsWith('INPUT_')) delete process.env[key]
  Object.assign(process.env, mirrorInputEnv(inputs, github), {
    GITHUB_WORKSPACE: workspace
  })
}

/** The message of the UserError `read` throws. */
function refusal(read: () => unknown): string {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return (error as UserError).message
  }
  throw new Error('no refusal')
}

test('the defaults mirror into ghcr.io/<owner, lowercased>/charts with the workflow token, anonymously from the source', () => {
  withInputs({ charts: PODINFO })
  const config = getMirrorConfig()
  expect(config).toMatchObject({
    workspace,
    registry: 'ghcr.io',
    repository: 'acme-corp/charts',
    username: 'octocat',
    password: 'ghs_abc',
    plainHttp: false,
    caFile: undefined,
    insecureSkipTlsVerify: false,
    source: { plainHttp: false },
    dryRun: false,
    helmVersion: { kind: 'exact', version: '4.2.3' },
    helmDownloadUrl: 'https://get.helm.sh'
  })
  expect(config.source.password).toBeUndefined()
  expect(config.lines).toHaveLength(1)
  expect(config.lines[0]).toMatchObject({
    source: { kind: 'oci', registry: 'ghcr.io' },
    name: 'podinfo'
  })
})

test('several lines, OCI and classic, and the destination and source inputs', () => {
  withInputs({
    charts: `${PODINFO}\n\nhttps://prometheus-community.github.io/helm-charts kube-prometheus-stack 65.1.0\n`,
    registry: 'oci://Registry.Example.com:5000',
    repository: 'platform/charts',
    password: 'hunter22',
    username: 'robot',
    'ca-file': 'ca.pem',
    'source-plain-http': 'true',
    'dry-run': 'true'
  })
  const config = getMirrorConfig()
  expect(config.registry).toBe('registry.example.com:5000')
  expect(config.repository).toBe('platform/charts')
  expect(config.caFile).toBe(path.join(workspace, 'ca.pem'))
  expect(config.source.plainHttp).toBe(true)
  expect(config.dryRun).toBe(true)
  expect(config.lines.map(l => l.source.kind)).toEqual(['oci', 'classic'])
})

test('passwords are masked, with the base64 form Helm stores, each once, before anything can refuse', () => {
  const written: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  withInputs({
    charts: 'oci://registry.example.com/charts/app 1.0.0',
    registry: 'registry.example.com',
    repository: 'acme/charts',
    username: 'robot',
    password: 'dest-s3cret',
    'source-username': 'reader',
    'source-password': 'src-s3cret'
  })
  getMirrorConfig()
  // One `::add-mask::` line per value: the runner keeps a mask for the job.
  const masks = written
    .join('')
    .split(/\r?\n/)
    .filter(line => line.startsWith('::add-mask::'))
  expect(masks.sort()).toEqual(
    [
      '::add-mask::dest-s3cret',
      '::add-mask::src-s3cret',
      `::add-mask::${Buffer.from('robot:dest-s3cret').toString('base64')}`,
      `::add-mask::${Buffer.from('reader:src-s3cret').toString('base64')}`
    ].sort()
  )

  written.length = 0
  withInputs({
    charts: 'ftp://nope',
    'source-password': 'other-s3cret',
    'source-username': 'reader'
  })
  expect(() => getMirrorConfig()).toThrow(UserError)
  expect(written.join('')).toContain('::add-mask::other-s3cret')
})

test('a multi-line secret is masked whole and line by line, each value once', () => {
  const written: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  const key = '{\n  "key": "pem-line-one"\n}'
  withInputs({ charts: PODINFO, password: key, 'source-password': '' })
  getMirrorConfig()
  const masks = written.join('').split(/\r?\n/)
  // The whole key (its newlines escaped by the command) and its one line
  // long enough to mask; `{` and `}` are too short to be worth masking.
  expect(masks.filter(l => l.startsWith('::add-mask::'))).toEqual([
    '::add-mask::{%0A  "key": "pem-line-one"%0A}',
    '::add-mask::"key": "pem-line-one"',
    `::add-mask::${Buffer.from(`octocat:${key}`).toString('base64')}`
  ])
})

test.each([
  ['an empty charts', { charts: '' }, "Input 'charts' is empty"],
  [
    'an unknown scheme',
    { charts: 'ftp://charts.example.com/app 1.0.0' },
    "'charts'"
  ],
  [
    'a plain http:// chart repository without source-plain-http',
    { charts: 'http://charts.example.com app 1.0.0' },
    'plain http:// repositories are not mirrored by default'
  ],
  [
    'a bad registry',
    { charts: PODINFO, registry: 'ghcr.io/acme' },
    "Input 'registry'"
  ],
  [
    'a bad repository',
    { charts: PODINFO, repository: 'Not Valid' },
    "Input 'repository'"
  ],
  [
    'a bad boolean',
    { charts: PODINFO, 'dry-run': 'yes please' },
    "Input 'dry-run'"
  ],
  [
    'a bad source boolean',
    { charts: PODINFO, 'source-plain-http': 'maybe' },
    "Input 'source-plain-http'"
  ],
  [
    'a missing ca-file',
    { charts: PODINFO, 'ca-file': 'nope.pem' },
    "Input 'ca-file'"
  ],
  [
    'a bad helm-version',
    { charts: PODINFO, 'helm-version': 'five' },
    "'helm-version'"
  ],
  [
    'plain-http with a CA',
    { charts: PODINFO, 'plain-http': 'true', 'ca-file': 'ca.pem' },
    "Input 'plain-http: true'"
  ],
  [
    'the workflow token to another registry',
    {
      charts: PODINFO,
      registry: 'registry.example.com',
      repository: 'acme/charts'
    },
    "Input 'password' is a GitHub token"
  ],
  [
    'a source password without a user',
    { charts: PODINFO, 'source-password': 'x-secret' },
    "Input 'source-password' is set but 'source-username' is empty"
  ],
  [
    'a source password for two hosts',
    {
      charts: `${PODINFO}\noci://registry-1.docker.io/bitnamicharts/postgresql 16.0.0`,
      'source-username': 'reader',
      'source-password': 'x-secret'
    },
    "Input 'source-password' is sent to every source"
  ],
  [
    'a GitHub token to another source',
    {
      charts: 'oci://registry-1.docker.io/bitnamicharts/postgresql 16.0.0',
      'source-username': 'reader',
      'source-password': 'ghp_abcdef'
    },
    "Input 'source-password' is a GitHub token"
  ]
])('refuses %s, naming the input', (_what, inputs, expected) => {
  withInputs(inputs)
  expect(refusal(() => getMirrorConfig())).toContain(expected)
})

test('a GitHub token may read from ghcr.io', () => {
  withInputs({
    charts: PODINFO,
    'source-username': 'octocat',
    'source-password': 'ghs_abc'
  })
  expect(getMirrorConfig().source).toEqual({
    username: 'octocat',
    password: 'ghs_abc',
    plainHttp: false
  })
})

test('source-plain-http also lets a classic repository be read over http://', () => {
  withInputs({
    charts: 'http://127.0.0.1:8080/charts app 1.0.0',
    'source-plain-http': 'true'
  })
  expect(getMirrorConfig().lines[0].source).toEqual({
    kind: 'classic',
    url: 'http://127.0.0.1:8080/charts'
  })
})
