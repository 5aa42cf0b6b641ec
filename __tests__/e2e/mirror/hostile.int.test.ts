// The mirror action against hostile classic repositories, end to end from
// dist/mirror.js as a runner runs it (issue #21): an index whose line names
// one chart while its package is another (Helm would push it over the other
// chart's tag), a redirect whose body never ends, and redirects that would
// carry the source credentials to another port of the same host.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { visibleLog } from '../../helpers/action-runner.js'
import { startMirror, type Mirror } from '../../helpers/helm-mirror.js'
import {
  helmWith,
  indexYaml,
  mirrored,
  packageChart,
  runMirror,
  serveClassic,
  serveRoutes,
  type Route
} from '../../helpers/mirror-e2e.js'
import { HELM4, removeDir, tempDir } from '../../helpers/paths.js'
import {
  listTags,
  manifestDigest,
  startRegistry,
  type Registry
} from '../../helpers/registry.js'

const DOWN = { username: 'mirror', password: 'mi-s3cret' }
const READER = { username: 'reader', password: 'rd-s3cret' }
const BASIC =
  'Basic ' +
  Buffer.from(`${READER.username}:${READER.password}`).toString('base64')

let root: string
let helmSite: Mirror
let destination: Registry
/** A real chart package, hello 0.1.0, for the redirect tests. */
let hello: string

beforeAll(async () => {
  root = tempDir('hor-mirror-hostile-')
  ;[helmSite, destination] = await Promise.all([
    startMirror({ versions: [HELM4] }),
    startRegistry({ users: { [DOWN.username]: DOWN.password } })
  ])
  hello = await packageChart(helmWith(HELM4), root, 'hello', '0.1.0')
})

afterAll(async () => {
  await Promise.all([helmSite?.stop(), destination?.stop()])
  removeDir(root)
})

/** The inputs of a run into the destination's `repository`. */
function inputs(charts: string, repository: string) {
  return {
    charts,
    registry: destination.host,
    repository,
    username: DOWN.username,
    password: DOWN.password,
    'plain-http': 'true',
    'source-plain-http': 'true',
    'helm-version': HELM4,
    'helm-download-url': helmSite.url
  }
}

/** Serves a file's bytes. */
const file =
  (where: string): Route =>
  (_req, res) =>
    void res.writeHead(200).end(fs.readFileSync(where))

/** Answers only requests that carry the reader's credentials. */
const guarded =
  (route: Route): Route =>
  (req, res) =>
    req.headers.authorization === BASIC
      ? route(req, res)
      : void res.writeHead(401).end()

const redirect =
  (location: string, status = 302): Route =>
  (_req, res) =>
    void res.writeHead(status, { location }).end()

test('an index line whose package is another chart: refused before the push, the other chart keeps its tag', async () => {
  const dir = tempDir('hor-mirror-m7-')
  const helm = helmWith(HELM4, { [destination.host]: DOWN })
  // victim 2.0.0 is already mirrored; the hostile repository's package is
  // another victim 2.0.0 that its index lists as m7 1.0.0.
  const real = await packageChart(helm, dir, 'victim', '2.0.0', 'the-real-one')
  await helm([
    'push',
    real,
    `oci://${destination.host}/guard/charts`,
    '--plain-http'
  ])
  const before = await manifestDigest(
    destination,
    'guard/charts/victim',
    '2.0.0',
    DOWN
  )
  const hostileDir = path.join(dir, 'hostile')
  fs.mkdirSync(hostileDir)
  const hostile = await packageChart(
    helm,
    hostileDir,
    'victim',
    '2.0.0',
    'overwritten'
  )
  const repo = await serveClassic(hostileDir, [
    { name: 'm7', version: '1.0.0', file: hostile }
  ])
  try {
    const result = await runMirror(
      root,
      inputs(`${repo.url} m7 1.0.0`, 'guard/charts')
    )
    const log = visibleLog(result).join('\n')
    expect(result.exitCode, log).toBe(1)
    expect(
      await manifestDigest(destination, 'guard/charts/victim', '2.0.0', DOWN)
    ).toBe(before)
    expect(await listTags(destination, 'guard/charts/m7', DOWN)).toEqual([])
    expect(result.outputs).toMatchObject({ copied: '0', refused: '1' })
    const [refused] = mirrored(result)
    expect(refused).toMatchObject({
      chart: 'm7',
      version: '1.0.0',
      status: 'refused'
    })
    expect(refused.reason).toContain('index.yaml says m7 1.0.0')
    expect(refused.reason).toContain('the package is victim 2.0.0')
    expect(log).toContain('1 refusal(s); nothing was overwritten')
    expect(log).not.toContain('Pushed')
  } finally {
    await repo.stop()
    removeDir(dir)
  }
})

describe('redirects of a classic repository', () => {
  /**
   * Where the "endless" body stops, so that a client that reads it all (as
   * @actions/http-client did, quadratically) still ends: far above what
   * loopback sockets buffer before a client that hangs up at the head.
   */
  const CAP = 32 * 1024 * 1024

  test('a redirect whose body never ends is followed without reading the body', async () => {
    const written = { bytes: 0, finished: false }
    let url = ''
    const endless: Route = async (_req, res) => {
      res.writeHead(302, { location: `${url}/real/index.yaml` })
      const chunk = Buffer.alloc(64 * 1024, 'x')
      let gone = false
      const closed = new Promise<void>(resolve =>
        res.once('close', () => resolve())
      )
      void closed.then(() => (gone = true))
      while (!gone && written.bytes < CAP) {
        written.bytes += chunk.length
        if (!res.write(chunk))
          await Promise.race([
            new Promise(resolve => res.once('drain', resolve)),
            closed
          ])
      }
      if (!gone) {
        written.finished = true
        res.end()
      }
    }
    const server = await serveRoutes({
      '/charts/index.yaml': endless,
      '/real/index.yaml': (_req, res) =>
        void res.end(indexYaml('hello', '0.1.0', '/real/hello.tgz', hello)),
      '/real/hello.tgz': file(hello)
    })
    url = server.url
    try {
      const result = await runMirror(root, {
        ...inputs(`${server.url}/charts hello 0.1.0`, 'redirect/charts'),
        'dry-run': 'true'
      })
      expect(result.exitCode, visibleLog(result).join('\n')).toBe(0)
      expect(mirrored(result)).toMatchObject([
        { chart: 'hello', version: '0.1.0', status: 'would-copy' }
      ])
      expect(server.seen.map(s => s.path)).toEqual([
        '/charts/index.yaml',
        '/real/index.yaml',
        '/real/hello.tgz'
      ])
      // The client hung up at the head: only what the sockets' buffers took.
      expect(written.finished).toBe(false)
      expect(written.bytes).toBeLessThan(16 * 1024 * 1024)
    } finally {
      await server.stop()
    }
  })

  test('the source credentials do not follow a redirect to another port of the same host', async () => {
    let elsewhereUrl = ''
    const elsewhere = await serveRoutes({
      '/index.yaml': (_req, res) =>
        void res.end(
          indexYaml('hello', '0.1.0', `${elsewhereUrl}/hello.tgz`, hello)
        ),
      '/hello.tgz': file(hello)
    })
    elsewhereUrl = elsewhere.url
    const repo = await serveRoutes({
      '/charts/index.yaml': guarded(redirect(`${elsewhere.url}/index.yaml`))
    })
    try {
      const result = await runMirror(root, {
        ...inputs(`${repo.url}/charts hello 0.1.0`, 'port/charts'),
        'source-username': READER.username,
        'source-password': READER.password,
        'dry-run': 'true'
      })
      const log = visibleLog(result).join('\n')
      expect(result.exitCode, log).toBe(0)
      expect(repo.seen).toEqual([
        { path: '/charts/index.yaml', authorization: BASIC }
      ])
      expect(elsewhere.seen).toEqual([
        { path: '/index.yaml', authorization: undefined },
        { path: '/hello.tgz', authorization: undefined }
      ])
      expect(log).not.toContain(READER.password)
    } finally {
      await Promise.all([repo.stop(), elsewhere.stop()])
    }
  })

  test('a redirect within the repository origin keeps the credentials, on every hop', async () => {
    // A relative Location (RFC 9110 10.2.2; Go's client, so Helm, follows
    // it) and an absolute one to the same scheme, host and port.
    let url = ''
    const repo = await serveRoutes({
      '/charts/index.yaml': guarded(redirect('/moved/index.yaml', 301)),
      '/moved/index.yaml': guarded(
        (_req, res) =>
          void res.end(
            indexYaml('hello', '0.1.0', '/moved/hello-0.1.0.tgz', hello)
          )
      ),
      '/moved/hello-0.1.0.tgz': guarded((req, res) =>
        redirect(`${url}/blobs/hello`, 307)(req, res)
      ),
      '/blobs/hello': guarded(file(hello))
    })
    url = repo.url
    try {
      const result = await runMirror(root, {
        ...inputs(`${repo.url}/charts hello 0.1.0`, 'origin/charts'),
        'source-username': READER.username,
        'source-password': READER.password,
        'dry-run': 'true'
      })
      const log = visibleLog(result).join('\n')
      expect(result.exitCode, log).toBe(0)
      expect(mirrored(result)).toMatchObject([{ status: 'would-copy' }])
      expect(repo.seen).toEqual(
        [
          '/charts/index.yaml',
          '/moved/index.yaml',
          '/moved/hello-0.1.0.tgz',
          '/blobs/hello'
        ].map(p => ({ path: p, authorization: BASIC }))
      )
      expect(log).not.toContain(READER.password)
    } finally {
      await repo.stop()
    }
  })
})
