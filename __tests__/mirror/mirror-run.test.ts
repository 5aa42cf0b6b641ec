// The mirror's steps with the engine (versions, copy, classic) replaced by
// fakes: every line resolved before anything is copied, a refusal while
// copying does not stop the others, outputs and summary always set.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, expect, test, vi } from 'vitest'
import { UserError } from '../../src/errors.js'
import type { MirrorConfig } from '../../src/mirror/inputs.js'
import type { MirrorServices } from '../../src/mirror/run.js'
import type { MirrorOutcome, MirrorSource } from '../../src/mirror/types.js'
import { parseFileCommand } from '../helpers/action-runner.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const copies = vi.hoisted(() => [] as string[])
const moved = vi.hoisted(() => new Set<string>())

vi.mock('../../src/mirror/versions.js', () => ({
  pickVersions: (
    available: string[],
    constraint: { kind: string; version?: string }
  ) =>
    constraint.kind === 'exact'
      ? available.filter(v => v === constraint.version)
      : available.filter(v => /^\d+\.\d+\.\d+/.test(v)).sort()
}))
vi.mock('../../src/mirror/oci-copy.js', () => ({
  mirrorOciVersion: async (
    source: { name: string; registry: string; repository: string },
    version: string
  ): Promise<MirrorOutcome> => {
    copies.push(`${source.name} ${version}`)
    const base = {
      chart: source.name,
      version,
      source: `oci://${source.registry}/${source.repository}:${version}`,
      destination: `oci://dest.example.com/mirror/${source.name}:${version}`,
      signatures: 0,
      referrers: 0
    }
    if (moved.has(version))
      return {
        ...base,
        result: 'refused',
        sourceDigest: 'sha256:new',
        destinationDigest: 'sha256:old',
        reason: 'the destination tag holds another digest'
      }
    return {
      ...base,
      result: 'copied',
      sourceDigest: 'sha256:same',
      destinationDigest: 'sha256:same'
    }
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
})
afterEach(() => {
  process.env = saved
  removeDir(dir)
})

function oci(
  line: number,
  name: string,
  version?: string
): Extract<MirrorSource, { kind: 'oci' }> {
  return {
    kind: 'oci',
    line,
    text: `oci://src.example.com/charts/${name} ${version ?? 'latest'}`,
    registry: 'src.example.com',
    repository: `charts/${name}`,
    name,
    constraint: version ? { kind: 'exact', version } : { kind: 'latest' }
  }
}

function config(sources: MirrorSource[]): MirrorConfig {
  return {
    workspace: dir,
    sources,
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
  expect(copies).toEqual(['app 1.0.0', 'app 1.1.0', 'db 1.0.0'])
  const out = outputs()
  expect(out.copied).toBe('3')
  expect(out.refused).toBe('0')
  expect(JSON.parse(out.mirrored)).toHaveLength(3)
  expect(fs.readFileSync(process.env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain(
    'Mirror: 3 copied'
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
  expect(message).toContain('2 chart version(s) refused')
  expect(message).toContain(
    'line 2: oci://src.example.com/charts/gone does not exist'
  )
  expect(message).toContain("line 3: no version of db matches '9.9.9'")
  const out = outputs()
  expect(out.refused).toBe('2')
  expect(out.copied).toBe('0')
})

test('two sources of one chart version would fight over one tag: refused', async () => {
  const { mirror } = await import('../../src/mirror/run.js')
  const other: MirrorSource = {
    ...oci(2, 'app', '1.0.0'),
    registry: 'other.example.com'
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
      config([oci(1, 'app')]),
      services({ 'charts/app': ['1.0.0', '1.1.0'] })
    )
  )
  expect(copies).toEqual(['app 1.0.0', 'app 1.1.0'])
  expect(message).toContain(
    '1 chart version(s) refused; nothing was overwritten'
  )
  expect(message).toContain('source sha256:new, destination sha256:old')
  const out = outputs()
  expect(out.copied).toBe('1')
  expect(out.refused).toBe('1')
})
