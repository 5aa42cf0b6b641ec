// The mirror's steps with the engine (versions, copy, classic) replaced by
// fakes: every line resolved before anything is copied, a refusal while
// copying does not stop the others, outputs and summary always set.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest'
import { UserError } from '../../src/errors.js'
import type { MirrorConfig } from '../../src/inputs/mirror.js'
import type { MirrorServices } from '../../src/mirror/run.js'
import { parseLine, type MirrorLine } from '../../src/inputs/mirror-lines.js'
import type { MirrorResult } from '../../src/mirror/types.js'
import { parseFileCommand } from '../helpers/action-runner.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const copies = vi.hoisted(() => [] as string[])
const moved = vi.hoisted(() => new Set<string>())
const said = vi.hoisted(() => [] as string[])
/** Versions whose copy lets a few turns of the event loop pass first. */
const slow = vi.hoisted(() => new Set<string>())

// The engine's version selection is real (pure); the copy is a fake.
vi.mock('../../src/mirror/oci-copy.js', async importOriginal => ({
  ...(await importOriginal<typeof import('../../src/mirror/oci-copy.js')>()),
  mirrorOciVersion: async (request: {
    source: { repository: string }
    destination: { repository: string }
    chart: string
    version: string
  }): Promise<MirrorResult> => {
    copies.push(`${request.chart} ${request.version}`)
    if (slow.has(request.version)) {
      for (let turn = 0; turn < 5; turn++)
        await new Promise(resolve => setImmediate(resolve))
      copies.push(`${request.chart} ${request.version} done`)
    }
    const base = {
      chart: request.chart,
      version: request.version,
      source: `oci://src.example.com/${request.source.repository}:${request.version}`,
      destination: `oci://dest.example.com/${request.destination.repository}:${request.version}`,
      related: []
    }
    if (moved.has(request.version))
      return {
        ...base,
        status: 'refused',
        digest: 'sha256:new',
        destinationDigest: 'sha256:old',
        reason: request.version.startsWith('6.6.6')
          ? 'the registry said:\n::error::pwned'
          : 'the destination tag holds another digest'
      }
    return { ...base, status: 'copied', digest: 'sha256:same' }
  }
}))
vi.mock('../../src/mirror/classic.js', () => ({
  classicVersions: async () => [],
  downloadClassic: async () => {
    throw new Error('not used')
  }
}))

// core.summary keeps the first summary path it sees: one file for the whole file.
const summaryDir = tempDir()
afterAll(() => removeDir(summaryDir))
let dir: string
let saved: NodeJS.ProcessEnv
beforeEach(() => {
  saved = { ...process.env }
  dir = tempDir()
  process.env.GITHUB_OUTPUT = path.join(dir, 'output')
  process.env.GITHUB_STEP_SUMMARY = path.join(summaryDir, 'summary')
  process.env.RUNNER_TEMP = dir
  fs.writeFileSync(process.env.GITHUB_OUTPUT, '')
  fs.writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
  copies.length = 0
  moved.clear()
  slow.clear()
  said.length = 0
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    said.push(...String(chunk).split('\n').filter(Boolean))
    return true
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  process.env = saved
  removeDir(dir)
})

/** A line as the engine's parser reads it. */
function oci(line: number, name: string, version = 'latest'): MirrorLine {
  return parseLine(`oci://src.example.com/charts/${name} ${version}`, line)
}

function config(lines: MirrorLine[]): MirrorConfig {
  return {
    workspace: dir,
    lines,
    registry: 'dest.example.com',
    repository: 'mirror',
    username: 'robot',
    password: 'secret',
    plainHttp: false,
    insecureSkipTlsVerify: false,
    source: { plainHttp: false },
    dryRun: false,
    helmVersion: { kind: 'exact', version: '4.2.3' },
    helmDownloadUrl: 'https://get.helm.sh'
  }
}

function services(tags: Record<string, string[]>): MirrorServices {
  return {
    source: () =>
      ({
        listTags: async (repository: string) => tags[repository] ?? []
      }) as unknown as ReturnType<MirrorServices['source']>,
    destination: () => ({}) as ReturnType<MirrorServices['destination']>,
    installHelm: async () => {
      throw new Error('Helm is not needed without a classic line')
    },
    helm: () => {
      throw new Error('Helm is not needed without a classic line')
    }
  }
}

function outputs(): Record<string, string> {
  return parseFileCommand(fs.readFileSync(process.env.GITHUB_OUTPUT!, 'utf8'))
}

async function refusal(run: Promise<void>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(UserError)
  return (error as UserError).message
}

test('copies every version the lines name, and reports them', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  await mirror(
    config([oci(1, 'app'), oci(2, 'db', '1.0.0')]),
    services({
      'charts/app': ['1.0.0', '1.1.0', 'sha256-abc.sig'],
      'charts/db': ['1.0.0', '2.0.0']
    })
  )
  // `latest` is the highest stable version only.
  expect(copies).toEqual(['app 1.1.0', 'db 1.0.0'])
  const out = outputs()
  expect(out.copied).toBe('2')
  expect(out.refused).toBe('0')
  expect(JSON.parse(out.mirrored)).toMatchObject([
    { chart: 'app', version: '1.1.0', status: 'copied', related: [] },
    { chart: 'db', version: '1.0.0', status: 'copied' }
  ])
  expect(fs.readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain(
    'Mirror: 2 copied'
  )
})

test('a missing chart or a version that does not exist: refused before anything is copied', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  const message = await refusal(
    mirror(
      config([oci(1, 'app'), oci(2, 'gone'), oci(3, 'db', '9.9.9')]),
      services({ 'charts/app': ['1.0.0'], 'charts/db': ['1.0.0'] })
    )
  )
  expect(copies).toEqual([])
  expect(message).toContain('2 refusal(s)')
  expect(message).toContain(
    "Line 2 of 'charts' (oci://src.example.com/charts/gone latest): oci://src.example.com/charts/gone does not exist"
  )
  expect(message).toContain(
    "Line 3 of 'charts' (oci://src.example.com/charts/db 9.9.9): no version of db matches version 9.9.9"
  )
  const out = outputs()
  expect(out.refused).toBe('2')
  expect(out.copied).toBe('0')
})

test('two sources of one chart version would fight over one tag: refused', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  const other: MirrorLine = {
    ...oci(2, 'app', '1.0.0'),
    source: {
      kind: 'oci',
      registry: 'other.example.com',
      repository: 'charts/app'
    }
  }
  const message = await refusal(
    mirror(
      config([oci(1, 'app', '1.0.0'), other]),
      services({ 'charts/app': ['1.0.0'] })
    )
  )
  expect(copies).toEqual([])
  expect(message).toContain('also comes from line 1')
})

test('an upstream tag that moved is refused with both digests; the others are still copied', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  moved.add('1.0.0')
  const message = await refusal(
    mirror(
      config([oci(1, 'app', '>=1.0.0 <2')]),
      services({ 'charts/app': ['1.0.0', '1.1.0', '2.0.0'] })
    )
  )
  expect(copies).toEqual(['app 1.0.0', 'app 1.1.0'])
  expect(message).toContain('1 refusal(s); nothing was overwritten')
  expect(message).toContain('source sha256:new, destination sha256:old')
  const out = outputs()
  expect(out.copied).toBe('1')
  expect(out.refused).toBe('1')
})

test("each version's group says what became of it, with its digest(s)", async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  moved.add('1.0.0')
  await refusal(
    mirror(
      config([oci(1, 'app', '>=1.0.0 <2')]),
      services({ 'charts/app': ['1.0.0', '1.1.0'] })
    )
  )
  const group = (title: string) => {
    const start = said.indexOf(`::group::${title}`)
    expect(start).toBeGreaterThanOrEqual(0)
    return said.slice(start + 1, said.indexOf('::endgroup::', start))
  }
  expect(group('Mirror app 1.0.0')).toEqual([
    'app 1.0.0 refused: the destination tag holds another digest [source sha256:new, destination sha256:old]'
  ])
  expect(group('Mirror app 1.1.0')).toEqual([
    'app 1.1.0 copied: oci://src.example.com/charts/app:1.1.0 → oci://dest.example.com/mirror/app:1.1.0 (sha256:same)'
  ])
})

test('a line refused while finding versions is said in its group', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  await refusal(
    mirror(
      config([oci(1, 'app'), oci(2, 'gone')]),
      services({ 'charts/app': ['1.0.0'] })
    )
  )
  const start = said.indexOf('::group::Find the versions to copy')
  const lines = said.slice(start + 1, said.indexOf('::endgroup::', start))
  expect(lines).toContainEqual(
    expect.stringMatching(
      /^gone latest refused: Line 2 of 'charts' \(oci:\/\/src\.example\.com\/charts\/gone latest\): .* does not exist/
    )
  )
})

test("a registry's reason is relayed, never taken for a workflow command", async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  moved.add('6.6.6')
  await refusal(
    mirror(
      config([oci(1, 'app', '6.6.6')]),
      services({ 'charts/app': ['6.6.6'] })
    )
  )
  const at = said.findIndex(l => l.startsWith('::error::pwned'))
  expect(at).toBeGreaterThan(0)
  const stop = said
    .slice(0, at)
    .findLast(l => l.startsWith('::stop-commands::'))
  expect(stop).toBeDefined()
  const token = stop!.slice('::stop-commands::'.length)
  expect(said.slice(at)).toContain(`::${token}::`)
})

test('an error that stops the run: outputs set, and the summary says it stopped and why', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  const broken: MirrorServices = {
    ...services({ 'charts/app': ['1.0.0'] }),
    destination: () => {
      throw new Error('the destination client broke <b>here</b>')
    }
  }
  await expect(mirror(config([oci(1, 'app')]), broken)).rejects.toThrow(
    'the destination client broke'
  )
  const out = outputs()
  expect(out).toMatchObject({ copied: '0', skipped: '0', refused: '0' })
  expect(JSON.parse(out.mirrored)).toEqual([])
  const summary = fs.readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8')
  expect(summary).toContain('Mirror stopped by an error: 0 copied')
  expect(summary).toContain(
    '<h3>Stopped</h3>\n<p>the destination client broke &#60;b&#62;here&#60;/b&#62;</p>'
  )
})

test('versions are copied side by side; groups, outputs and summary keep their order', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  slow.add('1.0.0')
  await mirror(
    config([oci(1, 'app', '>=1.0.0 <2')]),
    services({ 'charts/app': ['1.0.0', '1.1.0', '1.2.0'] })
  )
  // 1.1.0 and 1.2.0 were copied while 1.0.0 was still being copied.
  expect(copies).toEqual([
    'app 1.0.0',
    'app 1.1.0',
    'app 1.2.0',
    'app 1.0.0 done'
  ])
  const groups = said.filter(line => line.startsWith('::group::Mirror '))
  expect(groups).toEqual([
    '::group::Mirror app 1.0.0',
    '::group::Mirror app 1.1.0',
    '::group::Mirror app 1.2.0'
  ])
  const start = said.indexOf('::group::Mirror app 1.0.0')
  expect(said.slice(start, start + 3)).toEqual([
    '::group::Mirror app 1.0.0',
    expect.stringMatching(/^app 1\.0\.0 copied: /),
    '::endgroup::'
  ])
  const out = outputs()
  expect(
    (JSON.parse(out.mirrored) as MirrorResult[]).map(r => r.version)
  ).toEqual(['1.0.0', '1.1.0', '1.2.0'])
  const summary = fs.readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8')
  expect(summary.indexOf('1.0.0')).toBeLessThan(summary.indexOf('1.1.0'))
  expect(summary.indexOf('1.1.0')).toBeLessThan(summary.indexOf('1.2.0'))
})
