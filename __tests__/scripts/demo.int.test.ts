// README's first set-up command ends in `npm run demo`: keep it working.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, expect, test } from 'vitest'
import { repoRoot } from '../helpers/paths.js'

async function demo(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(repoRoot, 'scripts', 'demo.ts'),
      ...args
    ],
    {
      cwd: repoRoot,
      maxBuffer: 20 * 1024 * 1024,
      env: { ...process.env, RUNNER_DEBUG: '' }
    }
  )
  return stdout
}

// One run of the demo per test at most (each starts a registry, Helm and
// the action several times): on a busy machine two in one test came close
// to the test timeout.
let plain = ''
beforeAll(async () => {
  plain = await demo()
})

test('the demo publishes the example chart and prints the GitOps diff', () => {
  expect(plain).toMatch(/Pushed: 127\.0\.0\.1:\d+\/demo\/charts\/hello:0\.1\.0/)
  expect(plain).toMatch(/^ {2}pushed = true$/m)
  expect(plain).toContain(
    '-    targetRevision: 0.0.9 # bumped by helm-oci-release'
  )
  expect(plain).toContain(
    '+    targetRevision: 0.1.0 # bumped by helm-oci-release'
  )
  expect(plain).toContain("+    tag: '0.1.0'")
  expect(plain).toMatch(
    /^ {2}updated-files = \["apps\/hello\.yaml","flux\/hello\.yaml"\]$/m
  )
  expect(plain).toContain('demo: done.')
})

test('the demo reads like the run page: headings, no workflow commands, no debug', () => {
  expect(plain).not.toMatch(/^\s*::/m)
  expect(plain).toMatch(/^▸ Install Helm$/m)
  expect(plain).toMatch(/^▸ Package and push hello$/m)
  expect(plain).not.toMatch(/^debug: /m)
  expect(plain).not.toContain('GNU GPL')
})

test('--debug adds the debug lines, still no workflow commands', async () => {
  const debug = await demo('--debug')
  expect(debug).not.toMatch(/^\s*::/m)
  expect(debug).toMatch(/^debug: checking cache: /m)
})
