// An umbrella chart whose dependency lives in the same private OCI registry,
// through the bundled action with real Helm 3 and 4 and a real registry:
// htpasswd over plain HTTP, and token auth (like ghcr.io) over TLS with a
// private CA. The package pushed must carry the dependency.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  makeRunnerDirs,
  runMain,
  type StepResult
} from '../helpers/action-runner.js'
import { writeChart } from '../helpers/charts.js'
import { startMirror, type Mirror } from '../helpers/helm-mirror.js'
import {
  HELM3,
  HELM4,
  HELM41,
  HELM_VERSIONS,
  realHelm,
  removeDir,
  tempDir
} from '../helpers/paths.js'
import { startRegistry, type Registry } from '../helpers/registry.js'
import { makeServerCertificate } from '../helpers/tls.js'
import { startTokenServer, type TokenServer } from '../helpers/token-server.js'

const USER = 'robot$deps'
const PASSWORD = 'dep-s3cret'
const github = { repository_owner: 'acme', actor: 'octocat', token: '' }
const run = promisify(execFile)

let root: string
let mirror: Mirror
let certs: ReturnType<typeof makeServerCertificate>
let runs = 0

beforeAll(async () => {
  root = tempDir('hor-ocideps-')
  certs = makeServerCertificate(path.join(root, 'certs'))
  mirror = await startMirror({ versions: HELM_VERSIONS })
})
afterAll(async () => {
  await mirror?.stop()
  removeDir(root)
})

interface Mode {
  name: string
  start(): Promise<{ registry: Registry; stop(): Promise<void> }>
  /** The action's connection inputs. */
  inputs: Record<string, string>
  /** The same for the helm CLI (login, dependency update, pull). */
  flags(): string[]
}

const plainHttp: Mode = {
  name: 'htpasswd over plain HTTP',
  async start() {
    const registry = await startRegistry({ users: { [USER]: PASSWORD } })
    return { registry, stop: () => registry.stop() }
  },
  inputs: { 'plain-http': 'true' },
  flags: () => ['--plain-http']
}

const privateCa: Mode = {
  name: 'token auth over TLS with a private CA',
  async start() {
    const tokens: TokenServer = await startTokenServer({
      users: { [USER]: PASSWORD },
      tls: certs
    })
    const registry = await startRegistry({
      auth: tokens.registryAuth(),
      tls: certs
    })
    return {
      registry,
      stop: async () => {
        await registry.stop()
        await tokens.stop()
      }
    }
  },
  inputs: { 'plain-http': 'false', 'ca-file': 'ca.pem' },
  flags: () => ['--ca-file', certs.caFile]
}

/** Runs the action on a fresh runner; `write` lays out the workspace. */
async function release(
  registry: Registry,
  mode: Mode,
  helm: string,
  chart: string,
  tag: string,
  write: (workspace: string) => unknown
): Promise<StepResult> {
  const dirs = makeRunnerDirs(path.join(root, `run-${++runs}`))
  await write(dirs.workspace)
  fs.copyFileSync(certs.caFile, path.join(dirs.workspace, 'ca.pem'))
  return runMain({
    inputs: {
      chart: `charts/${chart}`,
      registry: registry.host,
      repository: 'deps/charts',
      username: USER,
      password: PASSWORD,
      tag,
      'helm-version': helm,
      'helm-download-url': mirror.url,
      ...mode.inputs
    },
    github,
    dirs
  })
}

function log(result: StepResult): string {
  return `${result.stdout}\n${result.stderr}`
}

/** The umbrella chart `app` with `lib` from `oci://<host>/deps/charts`. */
function writeUmbrella(parent: string, version: string, host: string): string {
  const dir = writeChart(parent, { name: 'app', version })
  fs.appendFileSync(
    path.join(dir, 'Chart.yaml'),
    `dependencies:\n  - name: lib\n    version: 0.1.0\n    repository: oci://${host}/deps/charts\n`
  )
  return dir
}

/** A Helm CLI of the user's own, with its own home, logged in to the registry. */
async function userHelm(
  helm: string,
  registry: Registry,
  mode: Mode
): Promise<(args: string[]) => Promise<string>> {
  const home = tempDir('hor-ocideps-user-')
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: home,
    HELM_CACHE_HOME: home,
    HELM_DATA_HOME: home
  }
  const helmCli = async (args: string[]): Promise<string> =>
    (await run(realHelm(helm), args, { env })).stdout
  const loginFlags =
    helm === HELM3
      ? mode.flags().filter(f => f !== '--plain-http')
      : mode.flags()
  const login = execFile(
    realHelm(helm),
    [
      'registry',
      'login',
      registry.host,
      '--username',
      USER,
      '--password-stdin',
      ...loginFlags
    ],
    { env }
  )
  login.stdin?.end(PASSWORD)
  await new Promise((resolve, reject) =>
    login.on('exit', code =>
      code === 0 ? resolve(code) : reject(new Error(`login exited ${code}`))
    )
  )
  return helmCli
}

/** The files inside the pushed package of app at `version`. */
async function pushedFiles(
  helmCli: (args: string[]) => Promise<string>,
  registry: Registry,
  mode: Mode,
  version: string
): Promise<string[]> {
  const dest = tempDir('hor-ocideps-pull-')
  await helmCli([
    'pull',
    `oci://${registry.host}/deps/charts/app`,
    '--version',
    version,
    '--destination',
    dest,
    ...mode.flags()
  ])
  const { stdout } = await run('tar', [
    '-tzf',
    path.join(dest, `app-${version}.tgz`)
  ])
  removeDir(dest)
  return stdout.split('\n').filter(Boolean)
}

const cases: { helm: string; mode: Mode }[] = [
  { helm: HELM3, mode: plainHttp },
  { helm: HELM41, mode: plainHttp },
  { helm: HELM4, mode: plainHttp },
  { helm: HELM41, mode: privateCa },
  { helm: HELM4, mode: privateCa }
]

describe.each(cases)('Helm $helm, $mode.name', ({ helm, mode }) => {
  let registry: Registry
  let stop: () => Promise<void>
  let helmCli: (args: string[]) => Promise<string>

  beforeAll(async () => {
    ;({ registry, stop } = await mode.start())
    const lib = await release(registry, mode, helm, 'lib', 'v0.1.0', ws =>
      writeChart(path.join(ws, 'charts'), { name: 'lib', version: '0.1.0' })
    )
    expect(lib.exitCode, log(lib)).toBe(0)
    helmCli = await userHelm(helm, registry, mode)
  })
  afterAll(() => stop?.())

  test('without Chart.lock: helm dependency update pulls it, and the package holds it', async () => {
    const result = await release(registry, mode, helm, 'app', 'v1.0.0', ws =>
      writeUmbrella(path.join(ws, 'charts'), '1.0.0', registry.host)
    )
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.outputs.pushed).toBe('true')
    expect(await pushedFiles(helmCli, registry, mode, '1.0.0')).toContain(
      'app/charts/lib/Chart.yaml'
    )
  })

  test('with Chart.lock: helm dependency build pulls it, and the package holds it', async () => {
    const result = await release(
      registry,
      mode,
      helm,
      'app',
      'v1.1.0',
      async ws => {
        const dir = writeUmbrella(
          path.join(ws, 'charts'),
          '1.1.0',
          registry.host
        )
        await helmCli(['dependency', 'update', dir, ...mode.flags()])
        expect(fs.existsSync(path.join(dir, 'Chart.lock'))).toBe(true)
        // The action must fetch it itself: only the lock is committed.
        fs.rmSync(path.join(dir, 'charts'), { recursive: true })
      }
    )
    expect(result.exitCode, log(result)).toBe(0)
    expect(result.stdout).toMatch(/dependency build/)
    expect(await pushedFiles(helmCli, registry, mode, '1.1.0')).toContain(
      'app/charts/lib/Chart.yaml'
    )
  })
})

describe('dependencies in another registry', () => {
  let home: Registry
  let other: Registry
  const tlsMode: Mode = {
    name: 'htpasswd over TLS with a private CA',
    start: () => Promise.reject(new Error('unused')),
    inputs: { 'plain-http': 'false', 'ca-file': 'ca.pem' },
    flags: () => ['--ca-file', certs.caFile]
  }

  beforeAll(async () => {
    ;[home, other] = await Promise.all([
      startRegistry({ users: { [USER]: PASSWORD }, tls: certs }),
      startRegistry({ users: { [USER]: PASSWORD }, tls: certs })
    ])
    for (const [registry, name] of [
      [home, 'lib'],
      [other, 'extra']
    ] as const) {
      const result = await release(
        registry,
        tlsMode,
        HELM4,
        name,
        'v0.1.0',
        ws => writeChart(path.join(ws, 'charts'), { name, version: '0.1.0' })
      )
      expect(result.exitCode, log(result)).toBe(0)
    }
  })
  afterAll(async () => {
    await Promise.all([home?.stop(), other?.stop()])
  })

  test('one that needs credentials the action was not given: the error names it, its registry and the fix', async () => {
    const result = await release(home, tlsMode, HELM4, 'app', 'v2.0.0', ws => {
      const dir = writeUmbrella(path.join(ws, 'charts'), '2.0.0', home.host)
      fs.appendFileSync(
        path.join(dir, 'Chart.yaml'),
        `  - name: extra\n    version: 0.1.0\n    repository: oci://${other.host}/deps/charts\n`
      )
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      new RegExp(
        `^::error::helm dependency update failed for .*%0ADependency 'extra' comes from ${other.host.replace(/\./g, '\\.')}, ` +
          `and the action logs in to ${home.host.replace(/\./g, '\\.')} only\\. Make it pullable without credentials, publish it to`,
        'm'
      )
    )
    expect(result.stdout).not.toMatch(/^\s+at /m)
    // The log shows pushes (lib's, in beforeAll), but none of app.
    expect(home.log()).toMatch(/"PUT \/v2\/deps\/charts\/lib\/manifests\//)
    expect(home.log()).not.toMatch(/"PUT \/v2\/deps\/charts\/app\//)
  })

  test("'plain-http' with dependencies in two registries is refused before anything is sent", async () => {
    const plain = await startRegistry({ users: { [USER]: PASSWORD } })
    try {
      const result = await release(
        plain,
        plainHttp,
        HELM4,
        'app',
        'v2.1.0',
        ws => {
          const dir = writeUmbrella(
            path.join(ws, 'charts'),
            '2.1.0',
            plain.host
          )
          fs.appendFileSync(
            path.join(dir, 'Chart.yaml'),
            `  - name: extra\n    version: 0.1.0\n    repository: oci://ghcr.io/acme/charts\n`
          )
        }
      )
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(
        /^::error file=charts\/app\/Chart.yaml::charts\/app\/Chart.yaml depends on 'lib' \(127\.0\.0\.1:\d+\) in the release registry, which needs 'plain-http: true', and on 'extra' \(ghcr\.io\) in another registry\. /m
      )
      expect(result.stdout).not.toContain('Install Helm')
      expect(plain.log()).not.toMatch(/"(PUT|POST|PATCH) /)
    } finally {
      await plain.stop()
    }
  })
})
