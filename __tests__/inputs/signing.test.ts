// The signing inputs, read through the release's config: the defaults, the
// OIDC token they need, and refusals that name the input.
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
