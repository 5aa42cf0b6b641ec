// The registry client against the real CNCF distribution registry on loopback:
// charts pushed by the real Helm 3 and Helm 4, Basic and token auth, TLS,
// injected faults, redirects and forward proxies.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { UserError } from '../../src/errors.js'
import { childEnv } from '../../src/process-env.js'
import {
  RegistryClient,
  type RegistryClientOptions
} from '../../src/registry/client.js'
import { writeChart } from '../helpers/charts.js'
import {
  startConnectProxy,
  type ConnectProxy
} from '../helpers/connect-proxy.js'
import {
  startFaultProxy,
  startRedirector,
  type FaultProxy
} from '../helpers/fault-proxy.js'
import {
  HELM3,
  HELM4,
  HELM41,
  realHelm,
  removeDir,
  tempDir
} from '../helpers/paths.js'
import {
  manifestDigest as registryDigest,
  startRegistry,
  type Registry
} from '../helpers/registry.js'
import {
  makeServerCertificate,
  type ServerCertificate
} from '../helpers/tls.js'
import { recordTimers } from '../helpers/timers.js'
import { startTokenServer, type TokenServer } from '../helpers/token-server.js'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const FAST_RETRY = { attempts: 4, baseDelayMs: 20, maxDelayMs: 200 }
/** A wait between tries under FAST_RETRY. */
const WAIT = expect.toSatisfy(
  (ms: number) => ms > 0 && ms <= FAST_RETRY.maxDelayMs
) as number

interface Run {
  code: number | null
  output: string
}

/** Runs a program without blocking the event loop (the servers live here). */
function run(
  bin: string,
  args: string[],
  env: Record<string, string>,
  input?: string
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', code => resolve({ code, output }))
    child.stdin.end(input ?? '')
  })
}

interface PushTarget {
  host: string
  plainHttp: boolean
  caFile?: string
  credentials?: { username: string; password: string }
}

/**
 * Packages a chart and pushes it with the real Helm 'version', in an isolated
 * Helm home; returns the digest Helm printed.
 */
async function helmPush(
  version: string,
  target: PushTarget,
  repository: string,
  chart: { name: string; version: string }
): Promise<string> {
  const home = tempDir('hor-helm-')
  try {
    const env = childEnv({
      HOME: home,
      HELM_REGISTRY_CONFIG: path.join(home, 'registry', 'config.json'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_DATA_HOME: path.join(home, 'data')
    })
    const helm = realHelm(version)
    const must = async (args: string[], input?: string): Promise<string> => {
      const result = await run(helm, args, env, input)
      if (result.code !== 0)
        throw new Error(`helm ${args[0]} ${args[1]} failed:\n${result.output}`)
      return result.output
    }
    const dir = writeChart(home, chart)
    await must(['package', dir, '-d', home])
    const tgz = path.join(home, `${chart.name}-${chart.version}.tgz`)
    const tlsFlags = target.plainHttp
      ? ['--plain-http']
      : target.caFile
        ? ['--ca-file', target.caFile]
        : []
    if (target.credentials) {
      // Helm 3.17 has no --plain-http on login (it falls back to HTTP itself).
      const loginFlags = version === HELM3 && target.plainHttp ? [] : tlsFlags
      await must(
        [
          'registry',
          'login',
          target.host,
          '--username',
          target.credentials.username,
          '--password-stdin',
          ...loginFlags
        ],
        target.credentials.password
      )
    }
    const output = await must([
      'push',
      tgz,
      `oci://${target.host}/${repository}`,
      ...tlsFlags
    ])
    const digest = /Digest:\s*(sha256:[a-f0-9]{64})/.exec(output)?.[1]
    if (!digest) throw new Error(`no digest in helm push output:\n${output}`)
    return digest
  } finally {
    removeDir(home)
  }
}

function client(
  registry: string,
  options: Partial<RegistryClientOptions> = {}
): RegistryClient {
  return new RegistryClient({
    registry,
    plainHttp: true,
    insecureSkipTlsVerify: false,
    retry: FAST_RETRY,
    timeoutMs: 60_000,
    ...options
  })
}

/** The UserError a promise rejects with (fails the test otherwise). */
async function userError(promise: Promise<unknown>): Promise<UserError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

describe('anonymous registry', () => {
  let registry: Registry
  let pushed: string

  beforeAll(async () => {
    registry = await startRegistry()
    pushed = await helmPush(
      HELM4,
      { host: registry.host, plainHttp: true },
      'charts',
      { name: 'hello', version: '1.2.3' }
    )
  })
  afterAll(async () => {
    await registry?.stop()
  })

  test('finds a pushed chart with the digest Helm printed', async () => {
    const digest = await client(registry.host).manifestDigest(
      'charts/hello',
      '1.2.3'
    )
    expect(digest).toBe(pushed)
    expect(await registryDigest(registry, 'charts/hello', '1.2.3')).toBe(pushed)
  })

  test('an absent tag or repository is undefined', async () => {
    const c = client(registry.host)
    expect(await c.manifestDigest('charts/hello', '9.9.9')).toBeUndefined()
    expect(await c.manifestDigest('charts/nothing', '1.2.3')).toBeUndefined()
  })

  test('getManifest returns the bytes, their digest and media type', async () => {
    const c = client(registry.host)
    const manifest = await c.getManifest('charts/hello', '1.2.3')
    expect(manifest?.digest).toBe(pushed)
    expect(manifest?.mediaType).toBe(OCI_MANIFEST)
    const body = JSON.parse(manifest?.body.toString() ?? '{}') as {
      config: { mediaType: string }
    }
    expect(body.config.mediaType).toBe(
      'application/vnd.cncf.helm.config.v1+json'
    )
    const byDigest = await c.getManifest('charts/hello', pushed)
    expect(byDigest?.digest).toBe(pushed)
    expect(await c.getManifest('charts/hello', '0.0.1')).toBeUndefined()
  })

  test('invalid names are refused before any request', async () => {
    const c = client(registry.host)
    const bad = await userError(c.manifestDigest('Charts/Hello', '1.2.3'))
    expect(bad.message).toMatch(/not a valid OCI repository name.*'repository'/)
    const tag = await userError(c.manifestDigest('charts/hello', '1.2.3+build'))
    expect(tag.message).toMatch(/not a valid OCI tag/)
    expect(() => client('https://ghcr.io/org')).toThrow(/'registry' input/)
  })

  test('plain HTTP registry spoken to over HTTPS: says to set plain-http', async () => {
    const c = client(registry.host, {
      plainHttp: false,
      retry: { ...FAST_RETRY, attempts: 1 }
    })
    const error = await userError(c.manifestDigest('charts/hello', '1.2.3'))
    expect(error.message).toMatch(
      /Could not tell whether .*charts\/hello:1\.2\.3 already exists/
    )
    expect(error.message).toMatch(/TLS handshake.*'plain-http: true'/)
  })
})

describe('htpasswd (Basic) registry', () => {
  const users = { alice: 'correct horse' }
  let registry: Registry
  let pushed: string

  beforeAll(async () => {
    registry = await startRegistry({ users })
    pushed = await helmPush(
      HELM3,
      {
        host: registry.host,
        plainHttp: true,
        credentials: { username: 'alice', password: users.alice }
      },
      'team/charts',
      { name: 'basic', version: '0.1.0' }
    )
  })
  afterAll(async () => {
    await registry?.stop()
  })

  test('Basic credentials find the chart Helm 3 pushed', async () => {
    const c = client(registry.host, {
      username: 'alice',
      password: users.alice
    })
    expect(await c.manifestDigest('team/charts/basic', '0.1.0')).toBe(pushed)
    expect(await c.manifestDigest('team/charts/basic', '0.2.0')).toBeUndefined()
  })

  test('a wrong password is a clear error, not "absent"', async () => {
    const c = client(registry.host, { username: 'alice', password: 'wrong' })
    const error = await userError(
      c.manifestDigest('team/charts/basic', '0.2.0')
    )
    expect(error.message).toMatch(/Could not tell whether/)
    expect(error.message).toMatch(/refused the credentials \(401 UNAUTHORIZED/)
    expect(error.message).toMatch(/'username' and 'password'/)
    expect(error.message).not.toContain('wrong')
  })

  test('no credentials: says authentication is required', async () => {
    const error = await userError(
      client(registry.host).manifestDigest('team/charts/basic', '0.1.0')
    )
    expect(error.message).toMatch(/requires authentication \(401/)
    expect(error.message).toMatch(/Set the 'username' and 'password' inputs/)
  })
})

describe('token auth registry', () => {
  const users = { bob: 'b0b-pass', carol: 'carol-pass' }
  let tokens: TokenServer
  let registry: Registry
  const pushed: Record<string, string> = {}

  beforeAll(async () => {
    tokens = await startTokenServer({
      users,
      // carol may not touch the private charts
      grant: (user, repository, wanted) =>
        user === undefined ||
        (user === 'carol' && repository.startsWith('private/'))
          ? []
          : wanted
    })
    registry = await startRegistry({ auth: tokens.registryAuth() })
    for (const [version, repo] of [
      [HELM3, 'private/h3'],
      [HELM41, 'private/h41'],
      [HELM4, 'private/h4']
    ]) {
      const before = tokens.requests.length
      pushed[version] = await helmPush(
        version,
        {
          host: registry.host,
          plainHttp: true,
          credentials: { username: 'bob', password: users.bob }
        },
        repo,
        { name: 'tok', version: '2.0.0' }
      )
      const used = tokens.requests.slice(before)
      // Helm really went through the token service with bob's credentials,
      // both forms (3.17: GET to log in, POST to push; 4.1: the other way).
      const ok = used.filter(r => r.user === 'bob' && r.status === 200)
      expect(new Set(ok.map(r => r.method))).toEqual(new Set(['GET', 'POST']))
    }
  })
  afterAll(async () => {
    await registry?.stop()
    await tokens?.stop()
  })

  test.each([HELM3, HELM41, HELM4])(
    'finds the chart Helm %s pushed (GET token with Basic)',
    async version => {
      tokens.configure({ refuseGet: undefined, mode: 'both' })
      const repo = `private/h${version === HELM41 ? '41' : version[0]}/tok`
      const before = tokens.requests.length
      const c = client(registry.host, { username: 'bob', password: users.bob })
      expect(await c.manifestDigest(repo, '2.0.0')).toBe(pushed[version])
      expect(await c.manifestDigest(repo, '3.0.0')).toBeUndefined()
      const used = tokens.requests.slice(before)
      // One token for the scope, cached for the second request.
      expect(used).toEqual([
        {
          method: 'GET',
          user: 'bob',
          service: tokens.service,
          scopes: [`repository:${repo}:pull`],
          status: 200
        }
      ])
    }
  )

  test('GET refused (405): falls back to the OAuth2 POST form', async () => {
    tokens.configure({ refuseGet: 405 })
    try {
      const before = tokens.requests.length
      const c = client(registry.host, { username: 'bob', password: users.bob })
      expect(await c.manifestDigest('private/h4/tok', '2.0.0')).toBe(
        pushed[HELM4]
      )
      expect(
        tokens.requests.slice(before).map(r => [r.method, r.status])
      ).toEqual([
        ['GET', 405],
        ['POST', 200]
      ])
    } finally {
      tokens.configure({ refuseGet: undefined })
    }
  })

  test('anonymous pull tokens work where the service grants them', async () => {
    tokens.configure({ grant: undefined, anonymousPull: true })
    try {
      const c = client(registry.host)
      expect(await c.manifestDigest('private/h3/tok', '2.0.0')).toBe(
        pushed[HELM3]
      )
      expect(tokens.requests.at(-1)).toMatchObject({
        method: 'GET',
        user: undefined,
        status: 200
      })
    } finally {
      tokens.configure({
        anonymousPull: false,
        grant: (user, repository, wanted) =>
          user === undefined ||
          (user === 'carol' && repository.startsWith('private/'))
            ? []
            : wanted
      })
    }
  })

  test('no pull grant for anonymous: clear error', async () => {
    const error = await userError(
      client(registry.host).manifestDigest('private/h3/tok', '2.0.0')
    )
    expect(error.message).toMatch(
      /denied pull access to private\/h3\/tok \(401/
    )
    expect(error.message).toMatch(/set the 'username' and 'password' inputs/)
  })

  test('a user without the scope: insufficient_scope is an error, not "absent"', async () => {
    const c = client(registry.host, {
      username: 'carol',
      password: users.carol
    })
    const error = await userError(c.manifestDigest('private/h4/tok', '2.0.0'))
    expect(error.message).toMatch(
      /denied pull access to private\/h4\/tok \(401 UNAUTHORIZED/
    )
    expect(error.message).toMatch(/read \(pull\) access/)
  })

  test('a wrong password: the token service refused the credentials', async () => {
    const before = tokens.requests.length
    const c = client(registry.host, { username: 'bob', password: 'not-it' })
    const error = await userError(c.manifestDigest('private/h4/tok', '2.0.0'))
    expect(error.message).toMatch(
      /token service http:\/\/127\.0\.0\.1:\d+\/token refused the credentials \(401/
    )
    expect(error.message).toMatch(/'username' and 'password'/)
    expect(error.message).not.toContain('not-it')
    // GET with Basic first, then the OAuth2 form, then give up.
    expect(
      tokens.requests.slice(before).map(r => [r.method, r.status])
    ).toEqual([
      ['GET', 401],
      ['POST', 401]
    ])
  })

  test.each([
    ['token', undefined],
    ['access_token', undefined],
    ['empty', /answered an empty body/],
    ['no-token', /without a token or access_token/],
    ['not-json', /did not answer JSON \(text\/html\)/],
    ['oversized', /answered more than 1 MiB/]
  ] as const)('token response "%s"', async (mode, expected) => {
    tokens.configure({ mode })
    try {
      const c = client(registry.host, { username: 'bob', password: users.bob })
      const attempt = c.manifestDigest('private/h3/tok', '2.0.0')
      if (expected === undefined) {
        expect(await attempt).toBe(pushed[HELM3])
      } else {
        const error = await userError(attempt)
        expect(error.message).toMatch(expected)
        expect(error.message).toMatch(/Could not tell whether/)
      }
    } finally {
      tokens.configure({ mode: 'both' })
    }
  })
})

describe('TLS registry', () => {
  let certs: ServerCertificate
  let certDir: string
  let registry: Registry
  let pushed: string

  beforeAll(async () => {
    certDir = tempDir('hor-tls-')
    certs = makeServerCertificate(certDir)
    registry = await startRegistry({ tls: certs })
    pushed = await helmPush(
      HELM4,
      { host: registry.host, plainHttp: false, caFile: certs.caFile },
      'charts',
      { name: 'secure', version: '1.0.0' }
    )
  })
  afterAll(async () => {
    await registry?.stop()
    removeDir(certDir)
  })

  test('ca-file makes the self-signed CA trusted', async () => {
    const c = client(registry.host, { plainHttp: false, caFile: certs.caFile })
    expect(await c.manifestDigest('charts/secure', '1.0.0')).toBe(pushed)
  })

  test('without ca-file: the certificate is untrusted, and the fix is named', async () => {
    const c = client(registry.host, { plainHttp: false })
    const error = await userError(c.manifestDigest('charts/secure', '1.0.0'))
    expect(error.message).toMatch(
      /TLS certificate of 127\.0\.0\.1:\d+ is not trusted/
    )
    expect(error.message).toContain("'ca-file'")
    expect(error.message).toContain("'insecure-skip-tls-verify: true'")
  })

  test('insecure-skip-tls-verify skips verification', async () => {
    const c = client(registry.host, {
      plainHttp: false,
      insecureSkipTlsVerify: true
    })
    expect(await c.manifestDigest('charts/secure', '1.0.0')).toBe(pushed)
  })

  test('an unreadable or non-PEM ca-file is refused', () => {
    expect(() =>
      client(registry.host, {
        plainHttp: false,
        caFile: path.join(certDir, 'missing.pem')
      })
    ).toThrow(/'ca-file' input names .*missing\.pem, which cannot be read/)
    const notPem = path.join(certDir, 'not.pem')
    fs.writeFileSync(notPem, 'hello')
    expect(() =>
      client(registry.host, { plainHttp: false, caFile: notPem })
    ).toThrow(/holds no PEM certificate/)
  })

  test('an https registry whose token realm is plain http is refused', async () => {
    const tokens = await startTokenServer({ users: { bob: 'pw' } })
    const tokenRegistry = await startRegistry({
      tls: certs,
      auth: tokens.registryAuth()
    })
    try {
      const c = client(tokenRegistry.host, {
        plainHttp: false,
        caFile: certs.caFile,
        username: 'bob',
        password: 'pw'
      })
      const error = await userError(c.manifestDigest('charts/secure', '1.0.0'))
      expect(error.message).toMatch(
        /served over https but sends clients to a plain-http token service/
      )
      // The credentials never went to the http realm.
      expect(tokens.requests).toEqual([])
    } finally {
      await tokenRegistry.stop()
      await tokens.stop()
    }
  })
})

describe('faults between the runner and the registry', () => {
  let registry: Registry
  let proxy: FaultProxy
  let pushed: string

  beforeAll(async () => {
    registry = await startRegistry()
    pushed = await helmPush(
      HELM4,
      { host: registry.host, plainHttp: true },
      'charts',
      { name: 'flaky', version: '1.0.0' }
    )
    proxy = await startFaultProxy(registry.url)
  })
  afterAll(async () => {
    await proxy?.stop()
    await registry?.stop()
  })

  const outcomes = (): string[] =>
    proxy.requests.map(r => `${r.method} ${r.outcome}`)

  test('503 twice, then the answer', async () => {
    proxy.clear()
    proxy.failNext(2, { kind: 'status', status: 503 })
    expect(
      await client(proxy.host).manifestDigest('charts/flaky', '1.0.0')
    ).toBe(pushed)
    expect(outcomes()).toEqual(['HEAD status', 'HEAD status', 'HEAD forwarded'])
  })

  // The waits are asserted on a recording clock (helpers/timers.ts), not
  // timed: a Retry-After of 137 s, which nothing else asks for, passes at
  // once, and the record says the client waited for exactly that.
  const PATIENT = { attempts: 3, baseDelayMs: 10, maxDelayMs: 200_000 }

  test('429 with Retry-After in seconds is honoured', async () => {
    proxy.clear()
    proxy.failNext(1, { kind: 'status', status: 429, retryAfter: '137' })
    const timers = recordTimers(137_000)
    try {
      const c = client(proxy.host, { retry: PATIENT })
      expect(await c.manifestDigest('charts/flaky', '1.0.0')).toBe(pushed)
    } finally {
      timers.restore()
    }
    // Each try's own timeout (60 s here), and the wait between them.
    expect(timers.lengths).toEqual([60_000, 137_000, 60_000])
    expect(outcomes()).toEqual(['HEAD status', 'HEAD forwarded'])
  })

  test('429 with Retry-After as an HTTP date is honoured', async () => {
    proxy.clear()
    // The client's clock stands still on a whole second (the date has no
    // milliseconds): the wait is the date minus now, exactly.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1, 12) })
    const at = new Date(Date.now() + 137_000)
    proxy.failNext(1, {
      kind: 'status',
      status: 429,
      retryAfter: at.toUTCString()
    })
    const timers = recordTimers(137_000)
    try {
      const c = client(proxy.host, { retry: PATIENT })
      expect(await c.manifestDigest('charts/flaky', '1.0.0')).toBe(pushed)
    } finally {
      timers.restore()
      vi.useRealTimers()
    }
    expect(timers.lengths).toEqual([60_000, 137_000, 60_000])
    expect(outcomes()).toEqual(['HEAD status', 'HEAD forwarded'])
  })

  test('connection resets, then the answer', async () => {
    proxy.clear()
    proxy.failNext(2, { kind: 'reset' })
    expect(
      await client(proxy.host).manifestDigest('charts/flaky', '1.0.0')
    ).toBe(pushed)
    expect(outcomes()).toEqual(['HEAD reset', 'HEAD reset', 'HEAD forwarded'])
  })

  test('a registry that keeps answering 503: clear error in bounded time', async () => {
    proxy.clear()
    proxy.failAlways({ kind: 'status', status: 503 })
    const timers = recordTimers()
    try {
      const error = await userError(
        client(proxy.host).manifestDigest('charts/flaky', '1.0.0')
      )
      // Bounded by count: four tries of at most 60 s, three waits of at most
      // FAST_RETRY's 200 ms between them.
      expect(timers.lengths).toEqual([
        60_000,
        WAIT,
        60_000,
        WAIT,
        60_000,
        WAIT,
        60_000
      ])
      expect(error.message).toMatch(
        /Could not tell whether .*flaky:1\.0\.0 already exists/
      )
      expect(error.message).toMatch(/kept failing \(503\) after 4 attempts/)
      expect(outcomes()).toEqual(Array(4).fill('HEAD status'))
    } finally {
      timers.restore()
      proxy.clear()
    }
  })

  test('connections always reset: clear error after the attempts', async () => {
    proxy.clear()
    proxy.failAlways({ kind: 'reset' })
    try {
      const error = await userError(
        client(proxy.host).manifestDigest('charts/flaky', '1.0.0')
      )
      expect(error.message).toMatch(
        /connection to 127\.0\.0\.1:\d+ was reset \(after 4 attempts\)/
      )
      expect(error.message).toMatch(/reachable/)
      expect(proxy.requests).toHaveLength(4)
    } finally {
      proxy.clear()
    }
  })

  test('a registry that never answers: timeout error in bounded time', async () => {
    proxy.clear()
    proxy.failAlways({ kind: 'hang' })
    const timers = recordTimers()
    try {
      const c = client(proxy.host, {
        timeoutMs: 300,
        retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 }
      })
      const error = await userError(c.manifestDigest('charts/flaky', '1.0.0'))
      expect(error.message).toMatch(
        /did not answer in time \(after 2 attempts\)/
      )
      // Bounded by count: each try cut by its own 300 ms timer (the proxy
      // never answers, so nothing else can end it), one wait between.
      expect(timers.lengths).toEqual([
        300,
        expect.toSatisfy((ms: number) => ms <= 50),
        300
      ])
    } finally {
      timers.restore()
      proxy.clear()
    }
  })

  test('connection refused: clear error', async () => {
    const closed = await startFaultProxy(registry.url)
    const host = closed.host
    await closed.stop()
    const error = await userError(
      client(host).manifestDigest('charts/flaky', '1.0.0')
    )
    expect(error.message).toMatch(/refused the connection \(after 4 attempts\)/)
    expect(error.message).toMatch(/'registry' input/)
  })

  test("other 4xx fail at once with the registry's message", async () => {
    proxy.clear()
    proxy.failAlways({
      kind: 'status',
      status: 400,
      body: JSON.stringify({
        errors: [{ code: 'NAME_INVALID', message: 'invalid repository name' }]
      })
    })
    try {
      const error = await userError(
        client(proxy.host).manifestDigest('charts/flaky', '1.0.0')
      )
      expect(error.message).toMatch(
        /answered 400 NAME_INVALID: invalid repository name/
      )
      // HEAD once (no retries), then one GET to read the registry's message.
      expect(outcomes()).toEqual(['HEAD status', 'GET status'])
    } finally {
      proxy.clear()
    }
  })

  test('no Docker-Content-Digest: the digest of the manifest bytes', async () => {
    const stripping = await startFaultProxy(registry.url, {
      dropResponseHeaders: ['docker-content-digest']
    })
    try {
      expect(
        await client(stripping.host).manifestDigest('charts/flaky', '1.0.0')
      ).toBe(pushed)
      expect(stripping.requests.map(r => r.method)).toEqual(['HEAD', 'GET'])
    } finally {
      await stripping.stop()
    }
  })
})

describe('redirects keep credentials on the registry', () => {
  let registry: Registry
  let sink: FaultProxy
  let pushed: string

  beforeAll(async () => {
    registry = await startRegistry()
    pushed = await helmPush(
      HELM4,
      { host: registry.host, plainHttp: true },
      'charts',
      { name: 'moved', version: '1.0.0' }
    )
    // The sink is a recording proxy to the real registry.
    sink = await startFaultProxy(registry.url)
  })
  afterAll(async () => {
    await sink?.stop()
    await registry?.stop()
  })

  test.each([
    ['another port', '127.0.0.1'],
    ['another host', 'localhost']
  ])(
    'redirect to %s: answered, and the sink saw no credentials',
    async (_name, host) => {
      sink.clear()
      const redirector = await startRedirector({
        location: `http://${host}:${sink.port}`,
        username: 'dave',
        password: 'dave-pass'
      })
      try {
        const c = client(redirector.host, {
          username: 'dave',
          password: 'dave-pass'
        })
        expect(await c.manifestDigest('charts/moved', '1.0.0')).toBe(pushed)
        expect(redirector.authorized).toBeGreaterThan(0)
        expect(sink.requests.length).toBeGreaterThan(0)
        expect(sink.requests.filter(r => r.authorization)).toEqual([])
      } finally {
        await redirector.stop()
      }
    }
  )
})

test('a redirect from https to plain http is refused', async () => {
  const certDir = tempDir('hor-redirect-tls-')
  const sink = await startFaultProxy('http://127.0.0.1:9')
  try {
    const certs = makeServerCertificate(certDir)
    const redirector = await startRedirector({
      location: `http://127.0.0.1:${sink.port}`,
      username: 'erin',
      password: 'erin-pass',
      tls: certs
    })
    try {
      const c = client(redirector.host, {
        plainHttp: false,
        caFile: certs.caFile,
        username: 'erin',
        password: 'erin-pass'
      })
      const error = await userError(c.manifestDigest('charts/moved', '1.0.0'))
      expect(error.message).toMatch(
        /redirected from https to plain http \(http:\/\/127\.0\.0\.1:\d+\/v2\/charts\/moved\/manifests\/1\.0\.0\); refusing/
      )
      expect(redirector.authorized).toBe(1)
      expect(sink.requests).toEqual([])
    } finally {
      await redirector.stop()
    }
  } finally {
    await sink.stop()
    removeDir(certDir)
  }
})

describe('forward proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)', () => {
  // Only the proxy knows this name (the .test TLD never resolves), so a
  // request that reaches the registry through it must have used the proxy.
  const NAME = 'registry.test'
  const PROXY_VARS = [
    'https_proxy',
    'HTTPS_PROXY',
    'http_proxy',
    'HTTP_PROXY',
    'no_proxy',
    'NO_PROXY'
  ]
  let saved: Record<string, string | undefined>
  let certDir: string
  let certs: ServerCertificate
  let tlsRegistry: Registry
  let plainRegistry: Registry
  let proxy: ConnectProxy
  let tlsPushed: string
  let plainPushed: string

  const setProxyEnv = (vars: Record<string, string>): void => {
    for (const name of PROXY_VARS) delete process.env[name]
    Object.assign(process.env, vars)
  }

  beforeAll(async () => {
    saved = Object.fromEntries(PROXY_VARS.map(n => [n, process.env[n]]))
    certDir = tempDir('hor-proxy-tls-')
    certs = makeServerCertificate(certDir, [NAME])
    tlsRegistry = await startRegistry({ tls: certs })
    plainRegistry = await startRegistry()
    // Helm 4: Helm 3.17 pushes to a loopback registry over plain HTTP even
    // with --ca-file (oras treats localhost as insecure).
    tlsPushed = await helmPush(
      HELM4,
      { host: tlsRegistry.host, plainHttp: false, caFile: certs.caFile },
      'charts',
      {
        name: 'proxied',
        version: '1.0.0'
      }
    )
    plainPushed = await helmPush(
      HELM4,
      { host: plainRegistry.host, plainHttp: true },
      'charts',
      {
        name: 'proxied',
        version: '1.0.0'
      }
    )
    proxy = await startConnectProxy({ hosts: { [NAME]: '127.0.0.1' } })
  })
  afterAll(async () => {
    setProxyEnv({})
    for (const [name, value] of Object.entries(saved ?? {}))
      if (value !== undefined) process.env[name] = value
    await proxy?.stop()
    await tlsRegistry?.stop()
    await plainRegistry?.stop()
    removeDir(certDir)
  })

  test('https through HTTPS_PROXY (CONNECT), with the ca-file trusted', async () => {
    proxy.targets.length = 0
    setProxyEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com' })
    const c = client(`${NAME}:${tlsRegistry.port}`, {
      plainHttp: false,
      caFile: certs.caFile
    })
    expect(await c.manifestDigest('charts/proxied', '1.0.0')).toBe(tlsPushed)
    expect(proxy.targets.length).toBeGreaterThan(0)
    expect(new Set(proxy.targets.map(t => `${t.kind} ${t.target}`))).toEqual(
      new Set([`connect ${NAME}:${tlsRegistry.port}`])
    )
  })

  test('through the tunnel the certificate is still verified', async () => {
    setProxyEnv({ HTTPS_PROXY: proxy.url })
    const c = client(`${NAME}:${tlsRegistry.port}`, {
      plainHttp: false,
      retry: { ...FAST_RETRY, attempts: 1 }
    })
    const error = await userError(c.manifestDigest('charts/proxied', '1.0.0'))
    expect(error.message).toMatch(/is not trusted.*'ca-file'/)
  })

  test('plain http through HTTP_PROXY (absolute URI), proxy credentials sent', async () => {
    proxy.targets.length = 0
    const withAuth = proxy.url.replace(
      'http://',
      'http://proxyuser:proxy%20pass@'
    )
    setProxyEnv({ HTTP_PROXY: withAuth })
    const c = client(`${NAME}:${plainRegistry.port}`)
    expect(await c.manifestDigest('charts/proxied', '1.0.0')).toBe(plainPushed)
    expect(proxy.targets).toContainEqual({
      kind: 'forward',
      target: `${NAME}:${plainRegistry.port}`,
      proxyAuthorization: true
    })
  })

  test('NO_PROXY is honoured: the client goes direct (and cannot resolve the name)', async () => {
    proxy.targets.length = 0
    setProxyEnv({
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
      NO_PROXY: `other.example,.${NAME.split('.')[1]}`
    })
    const c = client(`${NAME}:${tlsRegistry.port}`, {
      plainHttp: false,
      caFile: certs.caFile
    })
    const error = await userError(c.manifestDigest('charts/proxied', '1.0.0'))
    expect(error.message).toMatch(
      /host name registry\.test was not found \(DNS\)/
    )
    expect(proxy.targets).toEqual([])
  })

  test('loopback addresses are never proxied (@actions/http-client rule)', async () => {
    proxy.targets.length = 0
    setProxyEnv({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url })
    const c = client(plainRegistry.host)
    expect(await c.manifestDigest('charts/proxied', '1.0.0')).toBe(plainPushed)
    expect(proxy.targets).toEqual([])
  })
})
