// installHelm against a real get.helm.sh-style mirror on loopback, with the
// real Helm 3 and 4 binaries, the real tool cache and real tar.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as tc from '@actions/tool-cache'
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  test
} from 'vitest'
import { UserError } from '../../src/errors.js'
import { installHelm, type InstalledHelm } from '../../src/helm/installer.js'
import {
  mirrorArchiveName,
  startMirror,
  type Mirror,
  type MirrorOptions
} from '../helpers/helm-mirror.js'
import {
  HELM3,
  HELM4,
  HELM41,
  realHelm,
  removeDir,
  tempDir
} from '../helpers/paths.js'

const FAST = { attempts: 3, baseDelayMs: 5 }
const ENV_KEYS = ['PATH', 'RUNNER_TOOL_CACHE', 'RUNNER_TEMP', 'GITHUB_PATH']
const ARCH = process.arch

let saved: Record<string, string | undefined>
let work: string
let toolCache: string
let runnerTemp: string
let githubPath: string
let good: Mirror
const extraMirrors: Mirror[] = []

beforeAll(async () => {
  good = await startMirror()
})

afterAll(async () => {
  await good?.stop()
  await Promise.all(extraMirrors.map(m => m.stop()))
})

beforeEach(() => {
  saved = Object.fromEntries(ENV_KEYS.map(k => [k, process.env[k]]))
  work = tempDir('hor-installer-')
  toolCache = path.join(work, 'toolcache')
  runnerTemp = path.join(work, 'temp')
  githubPath = path.join(work, 'github_path')
  fs.mkdirSync(toolCache)
  fs.mkdirSync(runnerTemp)
  fs.writeFileSync(githubPath, '')
  process.env.RUNNER_TOOL_CACHE = toolCache
  process.env.RUNNER_TEMP = runnerTemp
  process.env.GITHUB_PATH = githubPath
  good.requests.length = 0
})

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
  removeDir(work)
})

async function mirror(options: MirrorOptions): Promise<Mirror> {
  const started = await startMirror(options)
  extraMirrors.push(started)
  return started
}

function install(
  from: Mirror,
  versionSpec: string,
  retry = FAST
): Promise<InstalledHelm> {
  return installHelm({ versionSpec, downloadBaseUrl: from.url, retry })
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

/** What `helm` found on the current PATH says its version is. */
function versionOnPath(): string {
  return execFileSync('helm', ['version', '--template', '{{.Version}}'], {
    encoding: 'utf8',
    env: process.env
  }).trim()
}

function archivePath(version: string): string {
  return `/${mirrorArchiveName(version)}`
}

function leftInTemp(): string[] {
  return fs.readdirSync(runnerTemp)
}

describe('download and cache', () => {
  test.each([
    [HELM3, 3],
    [HELM41, 4],
    [HELM4, 4]
  ])('installs Helm %s, then reuses the tool cache', async (version, major) => {
    const pathBefore = process.env.PATH
    const first = await install(good, version)
    const toolDir = path.join(toolCache, 'helm', version, ARCH)
    expect(first).toEqual({
      path: path.join(toolDir, 'helm'),
      version,
      major,
      source: 'download'
    })
    expect(good.requests).toEqual([
      `${archivePath(version)}.sha256sum`,
      archivePath(version)
    ])
    expect(process.env.PATH).toBe(`${toolDir}${path.delimiter}${pathBefore}`)
    expect(fs.readFileSync(githubPath, 'utf8').trim()).toBe(toolDir)
    expect(versionOnPath()).toBe(`v${version}`)
    expect(tc.find('helm', version)).toBe(toolDir)
    expect(leftInTemp()).toEqual([])

    good.requests.length = 0
    const second = await install(good, `v${version}`)
    expect(second).toEqual({ ...first, source: 'cache' })
    expect(good.requests).toEqual([])
    expect(versionOnPath()).toBe(`v${version}`)
  })

  test.each([
    ['latest', HELM4, '/helm-latest-version'],
    ['3', HELM3, '/helm3-latest-version'],
    ['4', HELM4, '/helm4-latest-version']
  ])(
    "helm-version '%s' resolves to %s through %s",
    async (spec, version, file) => {
      const installed = await install(good, spec)
      expect(installed.version).toBe(version)
      expect(installed.source).toBe('download')
      expect(good.requests).toEqual([
        file,
        `${archivePath(version)}.sha256sum`,
        archivePath(version)
      ])
      expect(versionOnPath()).toBe(`v${version}`)
    }
  )

  test('a damaged tool cache entry is refused, not put on PATH', async () => {
    const dir = path.join(toolCache, 'helm', HELM3, ARCH)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(`${dir}.complete`, '')
    const pathBefore = process.env.PATH
    const error = await failure(install(good, HELM3))
    expect(error.message).toBe(
      `The tool cache entry of Helm ${HELM3} at ${dir} is damaged: it has ` +
        `no helm. Remove it (and ${dir}.complete) and re-run.`
    )
    expect(process.env.PATH).toBe(pathBefore)
    expect(good.requests).toEqual([])
  })

  test('the wrapper mirror records the argv Helm gets', async () => {
    const log = path.join(work, 'argv.log')
    const wrapped = await mirror({ versions: [HELM3], wrapArgvLog: log })
    const installed = await install(wrapped, HELM3)
    expect(installed.version).toBe(HELM3)
    expect(fs.readFileSync(log, 'utf8')).toBe(
      'version\n--template\n{{.Version}}\n---\n'
    )
    const short = execFileSync(installed.path, ['version', '--short'], {
      encoding: 'utf8'
    })
    expect(short).toMatch(/^v3\.17\.3\+g[0-9a-f]+\n$/)
    expect(fs.readFileSync(log, 'utf8')).toMatch(
      /---\nversion\n--short\n---\n$/
    )
  })
})

describe("gitops-render-helm-version's Helm", () => {
  test('installed and cached, checksum checked, but not put on PATH (download and cache hit)', async () => {
    const pathBefore = process.env.PATH
    const options = {
      versionSpec: HELM3,
      downloadBaseUrl: good.url,
      retry: FAST,
      addToPath: false,
      input: 'gitops-render-helm-version'
    }
    const first = await installHelm(options)
    expect(first.source).toBe('download')
    expect(good.requests).toEqual([
      `${archivePath(HELM3)}.sha256sum`,
      archivePath(HELM3)
    ])
    expect((await installHelm(options)).source).toBe('cache')
    expect(process.env.PATH).toBe(pathBefore)
    expect(fs.readFileSync(githubPath, 'utf8')).toBe('')
  })

  test('a channel that cannot be resolved names that input', async () => {
    const bare = await mirror({ missingLatest: true })
    const error = await failure(
      installHelm({
        versionSpec: '3',
        downloadBaseUrl: bare.url,
        retry: FAST,
        addToPath: false,
        input: 'gitops-render-helm-version'
      })
    )
    expect(error.message).toContain(
      "Could not find the newest Helm for gitops-render-helm-version '3'"
    )
    expect(error.message).toContain(
      "set an exact gitops-render-helm-version such as '3.17.3'"
    )
  })
})

describe('version resolution failures', () => {
  test('a missing latest-version file is a clear error, no fallback', async () => {
    const bare = await mirror({ missingLatest: true })
    const error = await failure(install(bare, 'latest'))
    expect(error.message).toContain(`${bare.url}/helm-latest-version`)
    expect(error.message).toContain('HTTP 404')
    expect(error.message).toContain('will not fall back')
    expect(bare.requests).toEqual(['/helm-latest-version'])
    expect(tc.findAllVersions('helm')).toEqual([])
  })

  test.each([
    [
      'helm3-latest-version',
      '<html>oops</html>',
      '3',
      'expected a Helm version'
    ],
    ['helm3-latest-version', 'v4.1.4\n', '3', 'not a Helm 3 release'],
    ['helm-latest-version', 'v5.0.0\n', 'latest', 'Helm 5 is not supported']
  ])('refuses %s holding %j', async (file, body, spec, reason) => {
    const odd = await mirror({ textFiles: { [file]: body } })
    const error = await failure(install(odd, spec))
    expect(error.message).toContain(`${odd.url}/${file}`)
    expect(error.message).toContain(reason)
    expect(odd.requests).toEqual([`/${file}`])
  })

  test('an invalid helm-version fails before any request', async () => {
    const error = await failure(install(good, '2.17.0'))
    expect(error.message).toContain("Input 'helm-version'")
    expect(good.requests).toEqual([])
  })
})

describe('integrity and availability', () => {
  test('a corrupted archive is refused before anything is installed', async () => {
    const bad = await mirror({ versions: [HELM3], corruptArchive: true })
    const sum = await fetch(`${bad.url}${archivePath(HELM3)}.sha256sum`)
    const expected = (await sum.text()).split(' ')[0]
    const archive = await fetch(`${bad.url}${archivePath(HELM3)}`)
    const actual = createHash('sha256')
      .update(Buffer.from(await archive.arrayBuffer()))
      .digest('hex')
    expect(actual).not.toBe(expected)
    bad.requests.length = 0

    const pathBefore = process.env.PATH
    const error = await failure(install(bad, HELM3))
    expect(error.message).toContain(`${bad.url}${archivePath(HELM3)}`)
    expect(error.message).toContain(`expected sha256 ${expected}`)
    expect(error.message).toContain(`got ${actual}`)
    expect(tc.find('helm', HELM3)).toBe('')
    expect(process.env.PATH).toBe(pathBefore)
    expect(fs.readFileSync(githubPath, 'utf8')).toBe('')
    expect(leftInTemp()).toEqual([])
  })

  test('a missing checksum file is a hard error', async () => {
    const bare = await mirror({ versions: [HELM3], missingChecksum: true })
    const error = await failure(install(bare, HELM3))
    const url = `${bare.url}${archivePath(HELM3)}.sha256sum`
    expect(error.message).toContain(url)
    expect(error.message).toContain('without verifying its checksum')
    expect(bare.requests).toEqual([`${archivePath(HELM3)}.sha256sum`])
    expect(tc.find('helm', HELM3)).toBe('')
  })

  test('an unknown version (404) names version, platform and URL', async () => {
    const error = await failure(install(good, '3.99.0'))
    expect(error.message).toContain('Helm 3.99.0 for linux/amd64')
    expect(error.message).toContain(
      `${good.url}${archivePath('3.99.0')}.sha256sum`
    )
    expect(error.message).toContain('HTTP 404')
    expect(good.requests).toHaveLength(1)
  })

  test('an archive answering 404 fails at once, with the cause', async () => {
    const name = mirrorArchiveName('3.99.0')
    const partial = await mirror({
      versions: [HELM3],
      textFiles: { [`${name}.sha256sum`]: `${'0'.repeat(64)}  ${name}\n` }
    })
    const error = await failure(install(partial, '3.99.0'))
    expect(error.message).toContain(
      `Helm 3.99.0 for linux/amd64 was not found at ${partial.url}/${name}`
    )
    expect((error.cause as Error).message).toBe('HTTP 404')
    expect(partial.requests).toEqual([`/${name}.sha256sum`, `/${name}`])
    expect(leftInTemp()).toEqual([])
  })

  test('503 twice, then success, is retried', async () => {
    const flaky = await mirror({
      versions: [HELM4],
      unavailable: {
        '/helm4-latest-version': 1,
        [`${archivePath(HELM4)}.sha256sum`]: 2,
        [archivePath(HELM4)]: 2
      }
    })
    const installed = await install(flaky, '4')
    expect(installed.version).toBe(HELM4)
    expect(flaky.requests).toEqual([
      '/helm4-latest-version',
      '/helm4-latest-version',
      ...Array(3).fill(`${archivePath(HELM4)}.sha256sum`),
      ...Array(3).fill(archivePath(HELM4))
    ])
  })

  test('retries are bounded', async () => {
    const down = await mirror({
      versions: [HELM3],
      unavailable: { [archivePath(HELM3)]: 10 }
    })
    const error = await failure(install(down, HELM3))
    expect(error.message).toContain(`${down.url}${archivePath(HELM3)}`)
    expect(error.message).toContain('HTTP 503 (gave up after 3 attempts)')
    expect(down.requests.filter(p => p === archivePath(HELM3))).toHaveLength(3)
    expect(tc.find('helm', HELM3)).toBe('')
  })

  test('a refused connection is retried, then reported', async () => {
    const gone = await startMirror({ versions: [] })
    const url = gone.url
    await gone.stop()
    const error = await failure(
      installHelm({ versionSpec: HELM3, downloadBaseUrl: url, retry: FAST })
    )
    expect(error.message).toContain(`${url}${archivePath(HELM3)}.sha256sum`)
    expect(error.message).toContain('gave up after 3 attempts')
  })
})

describe("helm-version 'system'", () => {
  const NOWHERE = 'http://127.0.0.1:9'

  function pathWith(helm: string | undefined): string {
    const bin = path.join(work, 'bin')
    fs.mkdirSync(bin)
    if (helm) fs.symlinkSync(helm, path.join(bin, 'helm'))
    return bin
  }

  test('uses the real helm on PATH', async () => {
    const bin = pathWith(realHelm(HELM4))
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`
    const installed = await installHelm({
      versionSpec: 'system',
      downloadBaseUrl: NOWHERE
    })
    expect(installed).toEqual({
      path: path.join(bin, 'helm'),
      version: HELM4,
      major: 4,
      source: 'system'
    })
    expect(fs.readFileSync(githubPath, 'utf8')).toBe('')
  })

  test('takes an already parsed spec too', async () => {
    const bin = pathWith(realHelm(HELM3))
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`
    const installed = await installHelm({
      versionSpec: { kind: 'system' },
      downloadBaseUrl: NOWHERE
    })
    expect(installed.version).toBe(HELM3)
    expect(installed.source).toBe('system')
  })

  test('refuses a helm older than 3.8.0 and says how to fix it', async () => {
    const script = path.join(work, 'old-helm')
    fs.writeFileSync(script, '#!/bin/sh\necho v3.7.0\n', { mode: 0o755 })
    const bin = pathWith(script)
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`
    const error = await failure(
      installHelm({ versionSpec: 'system', downloadBaseUrl: NOWHERE })
    )
    expect(error.message).toContain(`(${path.join(bin, 'helm')}) is 3.7.0`)
    expect(error.message).toContain('needs Helm 3.8.0 or newer')
    expect(error.message).toContain('Upgrade that Helm')
    expect(error.message).toContain('set helm-version')
  })

  test('refuses when there is no helm on PATH', async () => {
    process.env.PATH = pathWith(undefined)
    const error = await failure(
      installHelm({ versionSpec: 'system', downloadBaseUrl: NOWHERE })
    )
    expect(error.message).toContain('no helm on PATH')
    expect(error.message).toContain('helm-version')
  })
})
