// README's first set-up command ends in `npm run demo`: the story it tells
// (publish, a release whose pull request previews a real change, signatures
// and provenance verified, the mirror, a GitHub release) must be all there,
// each step with its result, and without one error mark.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { removeDir, repoRoot, tempDir } from '../helpers/paths.js'

let out = ''
let plain = ''

/** A file the demo wrote (and named on the terminal). */
function written(name: string): string {
  const file = path.join(out, name)
  expect(plain).toContain(file)
  return fs.readFileSync(file, 'utf8')
}

// One run of the demo for the whole file: it starts a registry, the
// stand-ins, and the action four times; on a busy machine more came close
// to the test timeout.
beforeAll(async () => {
  out = tempDir('hor-demo-out-')
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(repoRoot, 'scripts', 'demo.ts'),
      '--out',
      out
    ],
    {
      cwd: repoRoot,
      maxBuffer: 20 * 1024 * 1024,
      env: { ...process.env, RUNNER_DEBUG: '' }
    }
  )
  plain = stdout
})

afterAll(() => removeDir(out))

const DIGEST = 'sha256:[a-f0-9]{64}'

test('every step of the story is there, with its result', () => {
  for (const n of [1, 2, 3, 4, 5]) expect(plain).toMatch(`━━ ${n}/5 `)
  for (const [where, version] of [
    ['demo/charts/hello', '0.1.0'],
    ['demo/charts/hello', '0.2.0'],
    ['demo/mirror/hello', '0.2.0']
  ])
    expect(plain).toMatch(
      new RegExp(
        `^demo: read back from the registry: oci://127\\.0\\.0\\.1:\\d+/` +
          `${where}:${version} is ${DIGEST}, the digest the action reported$`,
        'm'
      )
    )
  expect(plain.match(/^ {2}pushed = true$/gm)).toHaveLength(2)
  expect(plain).toMatch(/^ {2}pull-request-operation = created$/m)
  expect(plain).toMatch(
    /^ {2}updated-files = \["apps\/hello\.yaml","flux\/hello\.yaml"\]$/m
  )
  expect(plain).toMatch(/^ {2}copied = 1$/m)
  expect(plain).toMatch(/^demo: the copy is the release, digest for digest$/m)
  expect(plain).toMatch(/^demo: assets: hello-0\.2\.0\.tgz$/m)
  expect(written('5-release-notes.md')).toContain('--version 0.2.0')
  expect(plain).toMatch(/\ndemo: done\. Files: /)
})

test('the signatures and the provenance verify, on the chart and its mirror', () => {
  const signer =
    'signed by https://github.com/demo/charts/.github/workflows/release.yml' +
    '@refs/tags/v0.2.0 (issuer https://token.actions.githubusercontent.com)'
  for (const kind of [
    'cosign signature (.sig tag)',
    'Sigstore bundle (referrer)'
  ])
    expect(plain.split(`${kind}: verified: ${signer}`)).toHaveLength(3)
  expect(
    plain.match(/^demo: SLSA v1 provenance \(referrer\): verified, /gm)
  ).toHaveLength(2)
})

test('the preview shows a real rendered diff of each place, and the changelog', () => {
  const body = written('2-pull-request.md')
  expect(plain).toContain(body)
  expect(body).toContain('### Application hello (spec.source)')
  expect(body).toContain('### HelmRelease hello (via OCIRepository hello)')
  expect(
    body.match(/^-\s+app\.kubernetes\.io\/version: "1\.0\.0"$/gm)
  ).toHaveLength(2)
  expect(body.match(/^\+\s+farewell: "See you soon"$/gm)).toHaveLength(2)
  expect(body).toMatch(/^ {3}greeting: "Hello from Argo CD"$/m)
  expect(body).toContain('### Chart changelog 0.1.0 → 0.2.0')
  expect(body).toContain("A farewell next to the greeting (value 'farewell')")
})

test('no error mark anywhere: terminal, pull request, summaries', () => {
  const texts = [
    plain,
    written('2-pull-request.md'),
    ...['1-publish', '2a-release', '2b-gitops', '4-mirror'].map(step =>
      written(`${step}-summary.md`)
    )
  ]
  for (const text of texts) {
    expect(text).not.toContain('[!CAUTION]')
    expect(text).not.toContain('[!WARNING]')
    expect(text).not.toMatch(/does not render/i)
    expect(text).not.toMatch(/^\s*::error/m)
    expect(text).not.toMatch(/^(error|warning): /m)
  }
})

test('the stand-ins are labelled as what they are', () => {
  expect(plain).toMatch(/^ {2}registry .* in place of ghcr\.io$/m)
  expect(plain).toMatch(/^ {2}git server .* in place of github\.com/m)
  expect(plain).toMatch(/^ {2}GitHub API .* GitHub API double/m)
  expect(plain).toMatch(
    /^ {2}Sigstore .* the local Sigstore stand-in .* trusted by nothing real$/m
  )
  expect(plain).toContain("(the double's address for it: nothing is on GitHub)")
})

test('it reads like the run page: groups collapsed, no commands, no debug', () => {
  expect(plain).not.toMatch(/^\s*::/m)
  expect(plain).toMatch(/^▸ Install Helm \(\d+ lines?\)$/m)
  expect(plain).toMatch(/^▸ Sign and attest \(\d+ lines?\)$/m)
  expect(plain).not.toMatch(/^debug: /m)
  expect(plain).not.toContain('GNU GPL')
  // What a group holds is in the step's whole log, expanded.
  expect(written('1-publish.log')).toMatch(
    /^Pushed: 127\.0\.0\.1:\d+\/demo\/charts\/hello:0\.1\.0$/m
  )
})
