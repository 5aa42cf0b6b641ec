// What the mirror action says, end to end from dist/mirror.js as a runner
// runs it (issue #26), against two real registries on loopback: each
// version's log group names what became of it with its digest(s), a run
// refused at its inputs still sets its outputs and summary, and each secret
// is masked once on the runner's stdout.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { visibleLog, type StepResult } from '../../helpers/action-runner.js'
import {
  helmWith,
  mirrored,
  packageChart,
  runMirror
} from '../../helpers/mirror-e2e.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import {
  listTags,
  manifestDigest,
  startRegistry,
  type Registry
} from '../../helpers/registry.js'

const UP = { username: 'upstream', password: 'up-s3cret' }
const DOWN = { username: 'mirror', password: 'mi-s3cret' }

let root: string
let source: Registry
let destination: Registry
let upstreamHelm: (args: string[]) => Promise<string>

/** Pushes widget `version` to the source's `charts/` with real Helm 4. */
async function publish(version: string, greeting = 'hello'): Promise<void> {
  const dir = tempDir('hor-mirror-says-pkg-')
  const file = await packageChart(
    upstreamHelm,
    dir,
    'widget',
    version,
    greeting
  )
  await upstreamHelm([
    'push',
    file,
    `oci://${source.host}/charts`,
    '--plain-http'
  ])
  removeDir(dir)
}

/** The inputs of a run from the source into the destination's `repository`. */
function inputs(charts: string, repository: string) {
  return {
    charts,
    registry: destination.host,
    repository,
    username: DOWN.username,
    password: DOWN.password,
    'plain-http': 'true',
    'source-username': UP.username,
    'source-password': UP.password,
    'source-plain-http': 'true'
  }
}

/** The lines a log group printed, between its `::group::` and `::endgroup::`. */
function group(result: StepResult, title: string): string[] {
  const lines = result.stdout.split('\n')
  const start = lines.indexOf(`::group::${title}`)
  expect(start, `no group '${title}' in:\n${result.stdout}`).toBeGreaterThan(-1)
  return lines.slice(start + 1, lines.indexOf('::endgroup::', start))
}

const digestAt = (registry: Registry, repo: string, tag: string) =>
  manifestDigest(registry, repo, tag, registry === source ? UP : DOWN)

beforeAll(async () => {
  root = tempDir('hor-mirror-says-')
  ;[source, destination] = await Promise.all([
    startRegistry({ users: { [UP.username]: UP.password } }),
    startRegistry({ users: { [DOWN.username]: DOWN.password } })
  ])
  upstreamHelm = helmWith(HELM4, { [source.host]: UP })
  for (const version of ['1.0.0', '1.1.0']) await publish(version)
}, 60_000)

afterAll(async () => {
  await Promise.all([source?.stop(), destination?.stop()])
  removeDir(root)
})

describe("each version's log group says what became of it", () => {
  const line = () => `oci://${source.host}/charts/widget >=1.0.0 <2`
  const from = (v: string) => `oci://${source.host}/charts/widget:${v}`
  const to = (v: string) =>
    `oci://${destination.host}/mirror/charts/widget:${v}`

  test('copied, with the digest', async () => {
    const result = await runMirror(root, inputs(line(), 'mirror/charts'))
    expect(result.exitCode, visibleLog(result).join('\n')).toBe(0)
    for (const v of ['1.0.0', '1.1.0']) {
      const digest = await digestAt(source, 'charts/widget', v)
      expect(group(result, `Mirror widget ${v}`)).toEqual([
        `widget ${v} copied: ${from(v)} → ${to(v)} (${digest})`
      ])
    }
  }, 60_000)

  test('skipped on a re-run, with the digest the destination holds', async () => {
    const result = await runMirror(root, inputs(line(), 'mirror/charts'))
    expect(result.exitCode, visibleLog(result).join('\n')).toBe(0)
    const digest = await digestAt(destination, 'mirror/charts/widget', '1.1.0')
    expect(group(result, 'Mirror widget 1.1.0')).toEqual([
      `widget 1.1.0 skipped: ${to('1.1.0')} already holds ${from('1.1.0')} (${digest})`
    ])
  }, 60_000)

  test('refused when the upstream tag moved, with both digests', async () => {
    const before = await digestAt(destination, 'mirror/charts/widget', '1.1.0')
    await publish('1.1.0', 'moved')
    const moved = await digestAt(source, 'charts/widget', '1.1.0')
    const result = await runMirror(root, inputs(line(), 'mirror/charts'))
    expect(result.exitCode).toBe(1)
    const [said, ...more] = group(result, 'Mirror widget 1.1.0')
    expect(more).toEqual([])
    expect(said).toMatch(/^widget 1\.1\.0 refused: /)
    expect(said.endsWith(`[source ${moved}, destination ${before}]`)).toBe(true)
    expect(group(result, 'Mirror widget 1.0.0')[0]).toMatch(
      /^widget 1\.0\.0 skipped: /
    )
  }, 60_000)
})

describe('a refused line still sets the outputs and the summary', () => {
  test.each([
    ['an unknown scheme', 'ftp://charts.example.com/app 1.0.0', 'ftp://'],
    ['an unparsable range', 'oci://SOURCE/charts/widget >=banana', 'banana']
  ])(
    '%s: refused at the inputs, nothing read',
    async (_what, bad, quoted) => {
      const lines = `oci://SOURCE/charts/widget 1.0.0\n${bad}`.replaceAll(
        'SOURCE',
        source.host
      )
      const result = await runMirror(root, inputs(lines, 'refused/charts'))
      expect(result.exitCode).toBe(1)
      // Nothing was read or copied; how many versions the lines name is unknown.
      expect(result.outputs).toEqual({
        mirrored: '[]',
        copied: '0',
        skipped: '',
        refused: ''
      })
      expect(result.summary).toContain(
        '<h2>Mirror refused its inputs: nothing was read or copied</h2>'
      )
      expect(result.summary).toContain(`Line 2 of 'charts'`)
      expect(result.summary).toContain(quoted)
      expect(
        await listTags(destination, 'refused/charts/widget', DOWN)
      ).toEqual([])
    },
    60_000
  )

  test('a missing chart: refused when its versions are looked for, said, counted', async () => {
    const lines =
      `oci://${source.host}/charts/widget 1.0.0\n` +
      `oci://${source.host}/charts/nothing-here 1.0.0`
    const result = await runMirror(root, inputs(lines, 'refused/charts'))
    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({
      copied: '0',
      skipped: '0',
      refused: '1'
    })
    expect(mirrored(result)).toMatchObject([
      { chart: 'nothing-here', version: '1.0.0', status: 'refused' }
    ])
    expect(group(result, 'Find the versions to copy')).toContainEqual(
      expect.stringMatching(
        /^nothing-here 1\.0\.0 refused: Line 2 of 'charts' .* does not exist/
      )
    )
    expect(result.summary).toContain(
      'Mirror: 0 copied, 0 already there, 1 refused'
    )
    expect(result.summary).toContain('does not exist')
    expect(await listTags(destination, 'refused/charts/widget', DOWN)).toEqual(
      []
    )
  }, 60_000)
})

test('each secret is masked once, before anything is printed', async () => {
  const result = await runMirror(
    root,
    inputs(`oci://${source.host}/charts/widget 1.0.0`, 'masks/charts')
  )
  expect(result.exitCode, visibleLog(result).join('\n')).toBe(0)
  const lines = result.stdout.split('\n')
  const masks = lines.filter(line => line.startsWith('::add-mask::'))
  const login = (c: typeof UP) =>
    Buffer.from(`${c.username}:${c.password}`).toString('base64')
  expect(masks.sort()).toEqual(
    [UP.password, login(UP), DOWN.password, login(DOWN)]
      .map(value => `::add-mask::${value}`)
      .sort()
  )
  // The masks come first: nothing is printed before the runner has them all.
  expect(lines.slice(0, masks.length).sort()).toEqual(masks)
}, 60_000)
