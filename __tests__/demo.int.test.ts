// README's first set-up command ends in `npm run demo`: keep it working.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'
import { repoRoot } from './helpers/paths.js'

test('the demo publishes the example chart and prints the GitOps diff', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(repoRoot, 'scripts', 'demo.ts')
    ],
    { cwd: repoRoot, maxBuffer: 20 * 1024 * 1024 }
  )
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
