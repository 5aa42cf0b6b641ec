// The tool cache layout the installer writes must be the one @actions/
// tool-cache reads: checked against tc.find itself, on a temporary folder.
import fs from 'node:fs'
import path from 'node:path'
import * as tc from '@actions/tool-cache'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  cachedBinaryProblem,
  commitStaging,
  createStaging,
  stagingFolder,
  toolCacheEntry
} from '../../src/helm/tool-cache.js'
import { removeDir, tempDir } from '../helpers/paths.js'

let root: string
let saved: string | undefined

beforeEach(() => {
  root = tempDir('hor-toolcache-')
  saved = process.env.RUNNER_TOOL_CACHE
  process.env.RUNNER_TOOL_CACHE = root
})

afterEach(() => {
  if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE
  else process.env.RUNNER_TOOL_CACHE = saved
  removeDir(root)
})

describe('layout', () => {
  test.each([
    ['3.17.3', '3.17.3'],
    ['v4.1.4', '4.1.4'],
    ['4.2.0-rc.1', '4.2.0-rc.1']
  ])('%s is cached under %s, as tc.cacheDir names it', (version, folder) => {
    expect(toolCacheEntry('/tc', 'helm', version, 'x64')).toEqual({
      folder: `/tc/helm/${folder}/x64`,
      marker: `/tc/helm/${folder}/x64.complete`
    })
  })

  test('staging sits beside the entry, inside the tool cache', () => {
    const entry = toolCacheEntry('/tc', 'helm', '3.17.3', 'arm64')
    expect(stagingFolder(entry, 'abc')).toBe(
      '/tc/helm/3.17.3/arm64.staging-abc'
    )
  })
})

describe('commit', () => {
  const entry = (): ReturnType<typeof toolCacheEntry> =>
    toolCacheEntry(root, 'helm', '3.17.3', 'x64')

  test('tc.find sees nothing while staged, the entry once committed', async () => {
    const staging = await createStaging(entry())
    fs.writeFileSync(path.join(staging, 'helm'), 'bin', { mode: 0o755 })
    expect(tc.find('helm', '3.17.3', 'x64')).toBe('')
    expect(tc.findAllVersions('helm', 'x64')).toEqual([])
    await commitStaging(staging, entry())
    expect(tc.find('helm', '3.17.3', 'x64')).toBe(entry().folder)
    expect(fs.readdirSync(path.dirname(entry().folder)).sort()).toEqual([
      'x64',
      'x64.complete'
    ])
    expect(fs.readdirSync(entry().folder)).toEqual(['helm'])
  })

  test("replaces an interrupted run's leftovers", async () => {
    fs.mkdirSync(entry().folder, { recursive: true })
    fs.writeFileSync(path.join(entry().folder, 'stale'), '')
    const staging = await createStaging(entry())
    fs.writeFileSync(path.join(staging, 'helm'), 'bin')
    await commitStaging(staging, entry())
    expect(fs.readdirSync(entry().folder)).toEqual(['helm'])
    expect(fs.existsSync(staging)).toBe(false)
  })
})

describe('a cached binary, checked without running it', () => {
  test.each([
    ['missing', undefined, 'it has no helm'],
    ['a folder', 'dir', 'its helm is not a file'],
    ['not executable', 0o644, 'its helm is not executable'],
    ['fine', 0o755, undefined]
  ] as const)('%s', (_, kind, problem) => {
    const binary = path.join(root, 'helm')
    if (kind === 'dir') fs.mkdirSync(binary)
    else if (kind !== undefined) fs.writeFileSync(binary, 'x', { mode: kind })
    expect(cachedBinaryProblem(binary)).toBe(problem)
  })
})
