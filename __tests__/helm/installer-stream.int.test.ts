// The streamed cold install and the warm one against the loopback mirror:
// what lands in the tool cache (only `helm`, marked complete last), what
// never does (a binary whose archive or version is wrong, a staging folder),
// retries of a cut download, and a warm run that starts no `helm version`.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import * as tc from '@actions/tool-cache'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { installHelm, type InstalledHelm } from '../../src/helm/installer.js'
import {
  mirrorArchiveName,
  startMirror,
  type Mirror,
  type MirrorOptions
} from '../helpers/helm-mirror.js'
import { HELM3, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const FAST = { attempts: 3, baseDelayMs: 5 }
const ENV_KEYS = ['PATH', 'RUNNER_TOOL_CACHE', 'RUNNER_TEMP', 'GITHUB_PATH']
const ARCH = process.arch
const ARCHIVE = `/${mirrorArchiveName(HELM3)}`

let saved: Record<string, string | undefined>
let work: string
let toolCache: string
let runnerTemp: string
let githubPath: string
// Archives built once for the whole file, outside each test's folder.
const built = tempDir('hor-stream-archives-')
const mirrors: Mirror[] = []

afterAll(async () => {
  await Promise.all(mirrors.map(m => m.stop()))
  removeDir(built)
})

beforeEach(() => {
  saved = Object.fromEntries(ENV_KEYS.map(k => [k, process.env[k]]))
  work = tempDir('hor-stream-')
  toolCache = path.join(work, 'toolcache')
  runnerTemp = path.join(work, 'temp')
  githubPath = path.join(work, 'github_path')
  fs.mkdirSync(toolCache)
  fs.mkdirSync(runnerTemp)
  fs.writeFileSync(githubPath, '')
  process.env.RUNNER_TOOL_CACHE = toolCache
  process.env.RUNNER_TEMP = runnerTemp
  process.env.GITHUB_PATH = githubPath
})

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
  removeDir(work)
})

async function mirror(options: MirrorOptions): Promise<Mirror> {
  const started = await startMirror({ versions: [HELM3], ...options })
  mirrors.push(started)
  return started
}

function install(from: Mirror, retry = FAST): Promise<InstalledHelm> {
  return installHelm({ versionSpec: HELM3, downloadBaseUrl: from.url, retry })
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return error as Error
  }
  throw new Error('expected installHelm to fail')
}

type Content = string | { script: string } | { symlink: string }

/** A .tar.gz made by GNU tar, entries in the order given. */
function tarGz(name: string, files: Record<string, Content>): string {
  const stage = path.join(built, name)
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(stage, file)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    if (typeof content === 'string') fs.writeFileSync(target, content)
    else if ('script' in content) {
      fs.writeFileSync(target, content.script, { mode: 0o755 })
    } else fs.symlinkSync(content.symlink, target)
  }
  const archive = path.join(built, `${name}.tar.gz`)
  execFileSync('tar', ['-czf', archive, '-C', stage, ...Object.keys(files)])
  return archive
}

/** A `helm` that runs the real one (so it reports the real version). */
const realHelmScript = {
  script: `#!/bin/sh\nexec '${realHelm(HELM3)}' "$@"\n`
}

/** Every path under the tool cache, relative, sorted. */
function cacheTree(): string[] {
  return (fs.readdirSync(toolCache, { recursive: true }) as string[]).sort()
}

/** What the tool cache holds once nothing was installed. */
function expectNothingInstalled(pathBefore: string | undefined): void {
  expect(tc.find('helm', HELM3)).toBe('')
  // The version folder may stay (empty); no entry, marker or staging.
  expect(cacheTree().filter(p => p.split(path.sep).length > 2)).toEqual([])
  expect(process.env.PATH).toBe(pathBefore)
  expect(fs.readFileSync(githubPath, 'utf8')).toBe('')
  expect(fs.readdirSync(runnerTemp)).toEqual([])
}

describe('cold install', () => {
  test('only the binary lands in the tool cache, marked complete', async () => {
    const release = await mirror({
      archives: {
        [HELM3]: tarGz('official-layout', {
          'linux-amd64/LICENSE': 'Apache License\n',
          'linux-amd64/helm': realHelmScript,
          'linux-amd64/README.md': '# Helm\n'
        })
      }
    })
    const installed = await install(release)
    const toolDir = path.join(toolCache, 'helm', HELM3, ARCH)
    expect(installed).toEqual({
      path: path.join(toolDir, 'helm'),
      version: HELM3,
      major: 3,
      source: 'download'
    })
    expect(cacheTree()).toEqual(
      ['helm', `helm/${HELM3}`, `helm/${HELM3}/${ARCH}`]
        .concat([
          `helm/${HELM3}/${ARCH}.complete`,
          `helm/${HELM3}/${ARCH}/helm`
        ])
        .map(p => p.split('/').join(path.sep))
        .sort()
    )
    expect(fs.statSync(installed.path).mode & 0o777).toBe(0o755)
    expect(tc.find('helm', HELM3)).toBe(toolDir)
    expect(fs.readdirSync(runnerTemp)).toEqual([])
    const reported = execFileSync('helm', ['version', '--short'], {
      encoding: 'utf8',
      env: process.env
    })
    expect(reported).toMatch(/^v3\.17\.3\+g[0-9a-f]+\n$/)
  })

  test('a connection cut mid-download is retried from the start', async () => {
    const flaky = await mirror({ cutMidway: { [ARCHIVE]: 2 } })
    const installed = await install(flaky)
    expect(installed.source).toBe('download')
    expect(flaky.requests).toEqual([
      `${ARCHIVE}.sha256sum`,
      ARCHIVE,
      ARCHIVE,
      ARCHIVE
    ])
    expect(cacheTree()).toContain(path.join('helm', HELM3, `${ARCH}.complete`))
    expect(fs.readdirSync(path.join(toolCache, 'helm', HELM3)).sort()).toEqual([
      ARCH,
      `${ARCH}.complete`
    ])
  })

  test('cut every time: bounded, reported, nothing left behind', async () => {
    const broken = await mirror({ cutMidway: { [ARCHIVE]: 10 } })
    const pathBefore = process.env.PATH
    const error = await failure(install(broken))
    expect(error.message).toContain(
      `Could not download Helm ${HELM3} for linux/amd64 from ${broken.url}${ARCHIVE}`
    )
    expect(error.message).toContain('(gave up after 3 attempts)')
    expect(broken.requests.filter(p => p === ARCHIVE)).toHaveLength(3)
    expectNothingInstalled(pathBefore)
  })
})

describe('nothing is cached or put on PATH', () => {
  test('when the published checksum is another one', async () => {
    const name = mirrorArchiveName(HELM3)
    const other = 'ab'.repeat(32)
    const lying = await mirror({
      textFiles: { [`${name}.sha256sum`]: `${other}  ${name}\n` }
    })
    const pathBefore = process.env.PATH
    const error = await failure(install(lying))
    expect(error.message).toContain(`expected sha256 ${other}, got `)
    expect(error.message).toContain('Nothing was installed')
    expectNothingInstalled(pathBefore)
  })

  test('when the archive was altered', async () => {
    const altered = await mirror({ corruptArchive: true })
    const pathBefore = process.env.PATH
    const error = await failure(install(altered))
    expect(error.message).toContain('does not match its checksum')
    expectNothingInstalled(pathBefore)
  })

  test('when the archive has no binary', async () => {
    const empty = await mirror({
      archives: { [HELM3]: tarGz('no-binary', { 'linux-amd64/LICENSE': 'x' }) }
    })
    const pathBefore = process.env.PATH
    const error = await failure(install(empty))
    expect(error.message).toBe(
      `The Helm archive from ${empty.url}${ARCHIVE} has no linux-amd64/helm; ` +
        'the mirror at helm-download-url does not serve a Helm release.'
    )
    expectNothingInstalled(pathBefore)
  })

  test('when the binary is a symbolic link', async () => {
    const linked = await mirror({
      archives: {
        [HELM3]: tarGz('symlink', {
          'linux-amd64/helm': { symlink: realHelm(HELM3) }
        })
      }
    })
    const pathBefore = process.env.PATH
    const error = await failure(install(linked))
    expect(error.message).toContain(
      `Could not take linux-amd64/helm out of the Helm archive from ${linked.url}${ARCHIVE}: ` +
        'linux-amd64/helm is a symbolic link, not a regular file.'
    )
    expectNothingInstalled(pathBefore)
  })

  test('when the binary reports another version', async () => {
    const wrong = await mirror({
      archives: {
        [HELM3]: tarGz('wrong-version', {
          'linux-amd64/helm': { script: '#!/bin/sh\necho v3.17.2\n' }
        })
      }
    })
    const pathBefore = process.env.PATH
    const error = await failure(install(wrong))
    expect(error.message).toContain('reports version 3.17.2, expected 3.17.3')
    expectNothingInstalled(pathBefore)
  })
})

describe('warm install', () => {
  /** A complete tool cache entry whose `helm` logs each start to `log`. */
  function cachedEntry(log: string): string {
    const dir = path.join(toolCache, 'helm', HELM3, ARCH)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(
      path.join(dir, 'helm'),
      `#!/bin/sh\necho "$@" >> '${log}'\nexec '${realHelm(HELM3)}' "$@"\n`,
      { mode: 0o755 }
    )
    fs.writeFileSync(`${dir}.complete`, '')
    return dir
  }

  test('starts no `helm version`, and makes no request', async () => {
    const log = path.join(work, 'starts.log')
    const dir = cachedEntry(log)
    const site = await mirror({})
    const installed = await install(site)
    expect(installed).toEqual({
      path: path.join(dir, 'helm'),
      version: HELM3,
      major: 3,
      source: 'cache'
    })
    expect(fs.existsSync(log)).toBe(false)
    expect(site.requests).toEqual([])
    expect(fs.readFileSync(githubPath, 'utf8').trim()).toBe(dir)
    // The entry is on PATH and is the one that runs.
    execFileSync('helm', ['version'], { env: process.env })
    expect(fs.readFileSync(log, 'utf8')).toBe('version\n')
  })

  test('a cold install then a warm one: `helm version` ran once', async () => {
    const log = path.join(work, 'argv.log')
    const wrapped = await mirror({ wrapArgvLog: log })
    await install(wrapped)
    expect((await install(wrapped)).source).toBe('cache')
    expect(fs.readFileSync(log, 'utf8')).toBe(
      'version\n--template\n{{.Version}}\n---\n'
    )
  })
})
