// README's first set-up command ends in `npm run demo`: keep it working.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'
import { repoRoot } from './helpers/paths.js'

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

test('the demo publishes the example chart and prints the GitOps diff', async () => {
  const stdout = await demo()
  expect(stdout).toMatch(
    /Pushed: 127\.0\.0\.1:\d+\/demo\/charts\/hello:0\.1\.0/
  )
  expect(stdout).toMatch(/^ {2}pushed = true$/m)
  expect(stdout).toContain(
    '-    targetRevision: 0.0.9 # bumped by helm-oci-release'
  )
  expect(stdout).toContain(
    '+    targetRevision: 0.1.0 # bumped by helm-oci-release'
  )
  expect(stdout).toContain("+    tag: '0.1.0'")
  expect(stdout).toMatch(
    /^ {2}updated-files = \["apps\/hello\.yaml","flux\/hello\.yaml"\]$/m
  )
  expect(stdout).toContain('demo: done.')
})

test('the demo reads like the run page: headings, no workflow commands, debug only on request', async () => {
  const plain = await demo()
  expect(plain).not.toMatch(/^\s*::/m)
  expect(plain).toMatch(/^▸ Install Helm$/m)
  expect(plain).toMatch(/^▸ Package and push hello$/m)
  expect(plain).not.toMatch(/^debug: /m)
  expect(plain).not.toContain('GNU GPL')
  const debug = await demo('--debug')
  expect(debug).not.toMatch(/^\s*::/m)
  expect(debug).toMatch(/^debug: checking cache: /m)
})
