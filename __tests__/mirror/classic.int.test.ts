// Classic repositories over a loopback HTTP server: the index, a package
// checked against its digest, credentials only to the repository's origin
// (scheme, host and port) on every hop, redirects bounded.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { classicVersions, downloadClassic } from '../../src/mirror/classic.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const PACKAGE = Buffer.from('pretend this is a .tgz')
const HEX = createHash('sha256').update(PACKAGE).digest('hex')
const AUTH = 'Basic ' + Buffer.from('reader:s3cret').toString('base64')
const FAST = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 }

let server: http.Server
let repo: string
let root: string
const seen: { path: string; authorization?: string }[] = []

beforeAll(async () => {
  root = tempDir('hor-classic-')
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization })
    if (req.headers.authorization !== AUTH && req.url !== '/public.tgz') {
      res.writeHead(401).end()
      return
    }
    const hop = /^\/hop\/(\d+)$/.exec(req.url ?? '')
    if (hop) {
      const n = Number(hop[1])
      res.writeHead(302, {
        location: n > 0 ? `/hop/${n - 1}` : '/charts/x.tgz'
      })
      res.end()
      return
    }
    const port = /^\/to-port\/(\d+)(\/.*)$/.exec(req.url ?? '')
    if (port) {
      res.writeHead(307, { location: `http://127.0.0.1:${port[1]}${port[2]}` })
      res.end()
      return
    }
    if (req.url === '/to-ftp') {
      res.writeHead(301, { location: 'ftp://127.0.0.1/index.yaml' }).end()
      return
    }
    if (req.url === '/index.yaml') {
      res.end(
        [
          'apiVersion: v1',
          'entries:',
          '  hello:',
          '    - version: 1.0.0',
          '      urls: [charts/hello-1.0.0.tgz]',
          `      digest: ${HEX}`,
          '    - version: 1.1.0',
          '      urls: [charts/hello-1.1.0.tgz]',
          `      digest: ${'0'.repeat(64)}`
        ].join('\n')
      )
      return
    }
    if (req.url?.startsWith('/charts/')) {
      res.end(PACKAGE)
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
  removeDir(root)
})

const auth = { username: 'reader', password: 's3cret', retry: FAST }

describe('classic repositories', () => {
  test('the index lists the versions, with URLs under the repository', async () => {
    const versions = await classicVersions(repo, 'hello', auth)
    expect(versions).toEqual([
      { version: '1.0.0', url: `${repo}/charts/hello-1.0.0.tgz`, digest: HEX },
      {
        version: '1.1.0',
        url: `${repo}/charts/hello-1.1.0.tgz`,
        digest: '0'.repeat(64)
      }
    ])
  })

  test('a package is saved and checked against its digest', async () => {
    const [good, bad] = await classicVersions(repo, 'hello', auth)
    const file = path.join(root, 'hello-1.0.0.tgz')
    expect(await downloadClassic(repo, good, file, auth)).toEqual({
      sha256: HEX,
      size: PACKAGE.length
    })
    expect(fs.readFileSync(file).equals(PACKAGE)).toBe(true)
    const other = path.join(root, 'hello-1.1.0.tgz')
    const error = await downloadClassic(repo, bad, other, auth).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(
      new RegExp(`sha256 ${HEX}, but .*index\\.yaml says 0{64}`)
    )
    expect(fs.existsSync(other)).toBe(false)
  })

  test('no credentials: the 401 says to give them, and none leak', async () => {
    const error = await classicVersions(repo, 'hello', { retry: FAST }).catch(
      (e: unknown) => e
    )
    expect((error as Error).message).toMatch(
      /HTTP 401\. The repository wants credentials/
    )
    const wrong = await classicVersions(repo, 'hello', {
      ...auth,
      password: 'nope'
    }).catch((e: unknown) => e)
    expect((wrong as Error).message).toMatch(/Check the username and password/)
    expect((wrong as Error).message).not.toContain('nope')
  })

  test('credentials go to the repository origin only', async () => {
    seen.length = 0
    const elsewhere = `http://localhost:${new URL(repo).port}/public.tgz`
    await downloadClassic(
      repo,
      { version: '1.0.0', url: elsewhere },
      path.join(root, 'public.tgz'),
      auth
    ).catch(() => undefined)
    expect(seen).toEqual([{ path: '/public.tgz', authorization: undefined }])
  })

  test('redirects: followed up to 5 hops, credentials on each hop of the origin', async () => {
    seen.length = 0
    const file = path.join(root, 'hop.tgz')
    const entry = { version: '1.0.0', url: `${repo}/hop/4`, digest: HEX }
    await downloadClassic(repo, entry, file, auth)
    expect(seen.map(s => s.authorization)).toEqual(Array(6).fill(AUTH))
    const error = await downloadClassic(
      repo,
      { ...entry, url: `${repo}/hop/5` },
      file,
      auth
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `${repo}/hop/5 redirected more than 5 times (last to ${repo}/hop/0). ` +
        'Check the repository URL; if it is right, tell the repository maintainers.'
    )
  })

  test('a redirect out of HTTP is refused, naming where it led', async () => {
    const refused = await downloadClassic(
      repo,
      { version: '1.0.0', url: `${repo}/to-ftp` },
      path.join(root, 'ftp.tgz'),
      auth
    ).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(UserError)
    expect((refused as Error).message).toBe(
      `${repo}/to-ftp redirected to a non-HTTP location (ftp:). Check the repository URL; ` +
        'if it is right, the repository is misconfigured: tell its maintainers.'
    )
  })

  test('another port of the same host gets no credentials, after a redirect too', async () => {
    const other = http.createServer((req, res) => {
      seen.push({
        path: `other ${req.url}`,
        authorization: req.headers.authorization
      })
      res.end(PACKAGE)
    })
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    const { port } = other.address() as AddressInfo
    try {
      seen.length = 0
      await downloadClassic(
        repo,
        { version: '1.0.0', url: `${repo}/to-port/${port}/hello.tgz` },
        path.join(root, 'other.tgz'),
        auth
      )
      expect(seen).toEqual([
        { path: `/to-port/${port}/hello.tgz`, authorization: AUTH },
        { path: 'other /hello.tgz', authorization: undefined }
      ])
    } finally {
      await new Promise(resolve => other.close(resolve))
    }
  })
})
