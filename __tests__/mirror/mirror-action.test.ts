// mirror/action.yml: well formed, described, and pointing at the bundle's
// files (mirror/README.md's lists are checked in __tests__/project/).
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { expect, test } from 'vitest'
import { DEFAULT_HELM_VERSION } from '../../src/inputs/helm.js'
import { actionYml } from '../helpers/action-runner.js'
import { repoRoot } from '../helpers/paths.js'
import { mirrorActionYml } from './mirror-action.helpers.js'

const action = mirrorActionYml()
const root = parse(
  fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')
) as { inputs: Record<string, { default?: string }>; branding: unknown }

test('every input and output has a description', () => {
  for (const [name, input] of Object.entries(action.inputs))
    expect(input.description?.trim(), name).toBeTruthy()
  for (const [name, output] of Object.entries(action.outputs))
    expect(output.description?.trim(), name).toBeTruthy()
  expect(action.name).toBeTruthy()
  expect(action.description).toBeTruthy()
})

test('charts is the one required input; the others have defaults', () => {
  expect(action.inputs.charts.required).toBe(true)
  for (const [name, input] of Object.entries(action.inputs)) {
    if (name === 'charts') continue
    expect(input.required, name).toBe(false)
    expect(typeof input.default, name).toBe('string')
  }
})

test('the destination inputs default as the main action does', () => {
  for (const name of [
    'registry',
    'repository',
    'username',
    'password',
    'plain-http',
    'ca-file',
    'insecure-skip-tls-verify',
    'dry-run',
    'helm-version',
    'helm-download-url'
  ])
    expect(action.inputs[name].default, name).toBe(root.inputs[name].default)
  expect(action.inputs['helm-version'].default).toBe(DEFAULT_HELM_VERSION)
})

test('outputs: the JSON list and the three counts', () => {
  expect(Object.keys(action.outputs)).toEqual([
    'mirrored',
    'copied',
    'skipped',
    'refused'
  ])
})

test('runs the bundle one folder up: dist/mirror.js, and the shared post step', () => {
  expect(action.runs).toEqual({
    using: 'node24',
    main: '../dist/mirror.js',
    post: '../dist/post.js',
    // The release's own: __tests__/post-marker.test.ts evaluates it.
    'post-if': actionYml(path.join(repoRoot, 'action.yml')).runs['post-if']
  })
  const rollup = fs.readFileSync(
    path.join(repoRoot, 'rollup.config.js'),
    'utf8'
  )
  expect(rollup).toContain("mirror: 'src/mirror-entry.ts'")
  expect(rollup).toContain("post: 'src/post-entry.ts'")
})
