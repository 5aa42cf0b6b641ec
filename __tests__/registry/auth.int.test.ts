// The registry client against the real CNCF registry, for answers the other
// registry tests do not give: a 403 on the existence check, token answers
// whose `token` and `access_token` differ, and tokens that expire.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { UserError } from '../../src/errors.js'
import { RegistryClient } from '../../src/registry/client.js'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { startRegistry, type Registry } from '../helpers/registry.js'
import { startTokenServer, type TokenServer } from '../helpers/token-server.js'

const FAST_RETRY = { attempts: 4, baseDelayMs: 20, maxDelayMs: 200 }

function client(registry: string, password = ''): RegistryClient {
  return new RegistryClient({
    registry,
    plainHttp: true,
    insecureSkipTlsVerify: false,
    username: password ? 'bob' : undefined,
    password,
    retry: FAST_RETRY,
    timeoutMs: 60_000
  })
}

/** What a promise rejected with (fails the test when it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error
  )
}

describe('403 on the existence check (HEAD manifest)', () => {
  let registry: Registry
  let proxy: FaultProxy

  beforeAll(async () => {
    registry = await startRegistry()
    proxy = await startFaultProxy(registry.url)
  })
  afterAll(async () => {
    await proxy?.stop()
    await registry?.stop()
  })

  test('fails closed: not "absent", the registry\'s words and the fix, no retry', async () => {
    proxy.failAlways({
      kind: 'status',
      status: 403,
      body: JSON.stringify({
        errors: [
          {
            code: 'DENIED',
            message: 'requested access to the resource is denied'
          }
        ]
      })
    })
    const error = await rejection(
      client(proxy.host).manifestDigest('charts/web', '1.0.0')
    )
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `Could not tell whether oci://${proxy.host}/charts/web:1.0.0 already ` +
        'exists: the registry denied pull access to charts/web (403 ' +
        'DENIED: requested access to the resource is denied). Give the ' +
        'anonymous user read (pull) access to charts/web, or set the ' +
        "'username' and 'password' inputs."
    )
    // The HEAD, then one GET for the registry's message: no retries.
    expect(proxy.requests.map(r => `${r.method} ${r.outcome}`)).toEqual([
      'HEAD status',
      'GET status'
    ])
  })
})

describe('token answers', () => {
  let tokens: TokenServer
  let registry: Registry

  beforeAll(async () => {
    tokens = await startTokenServer({ users: { bob: 'b0b-pass' } })
    registry = await startRegistry({ auth: tokens.registryAuth() })
  })
  afterAll(async () => {
    await registry?.stop()
    await tokens?.stop()
  })

  test('`token` and `access_token` differ: `token` is used (the registry accepts it)', async () => {
    tokens.configure({ mode: 'differing', expiresIn: 300 })
    const c = client(registry.host, 'b0b-pass')
    // 404 means the registry took the token; a refused one would be a 401.
    expect(await c.manifestDigest('charts/web', '1.0.0')).toBeUndefined()
  })

  test('a token is reused until a second before it expires, then fetched again', async () => {
    // The client's clock is faked (Date only) and moved, not waited for; the
    // token service and the registry keep the real one.
    tokens.configure({ mode: 'both', expiresIn: 300 })
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: start })
    try {
      const c = client(registry.host, 'b0b-pass')
      const before = tokens.requests.length
      const fetched = (): number => tokens.requests.length - before
      expect(await c.manifestDigest('charts/web', '1.0.0')).toBeUndefined()
      expect(fetched()).toBe(1)
      vi.setSystemTime(start + 298_999)
      expect(await c.manifestDigest('charts/web', '1.0.0')).toBeUndefined()
      expect(fetched()).toBe(1)
      vi.setSystemTime(start + 299_000)
      expect(await c.manifestDigest('charts/web', '1.0.0')).toBeUndefined()
      expect(tokens.requests.slice(before).map(r => r.status)).toEqual([
        200, 200
      ])
    } finally {
      vi.useRealTimers()
    }
  })

  test('a token valid for 300 s is reused for the same scope', async () => {
    tokens.configure({ mode: 'both', expiresIn: 300 })
    const c = client(registry.host, 'b0b-pass')
    const before = tokens.requests.length
    await c.manifestDigest('charts/web', '1.0.0')
    await c.manifestDigest('charts/web', '2.0.0')
    expect(tokens.requests.slice(before)).toHaveLength(1)
  })
})
