// Helpers of the mirror's end-to-end test (e2e/mirror/copy.int.test.ts): real Helm
// with a private home, charts packaged and pushed by it, a classic chart
// repository served from a folder, and the mirror action run from dist/ as a
// runner runs it.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { makeRunnerDirs, runMain, type StepResult } from './action-runner.js'
import { writeChart } from './charts.js'
import { realHelm, repoRoot, tempDir } from './paths.js'

const exec = promisify(execFile)

export interface Credentials {
  username: string
  password: string
}

/**
 * Helm `version` with a home of its own whose registry config already holds
 * `logins` (host → credentials): the docker config both Helm 3 and 4 read,
 * so no `helm registry login` (whose flags differ between them) is needed.
 */
export function helmWith(
  version: string,
  logins: Record<string, Credentials> = {}
): (args: string[]) => Promise<string> {
  const home = tempDir('hor-mirror-helm-')
  const auths = Object.fromEntries(
    Object.entries(logins).map(([host, c]) => [
      host,
      { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') }
    ])
  )
  const registryConfig = path.join(home, 'registry.json')
  fs.writeFileSync(registryConfig, JSON.stringify({ auths }))
  const env = {
    ...process.env,
    HELM_CONFIG_HOME: home,
    HELM_CACHE_HOME: home,
    HELM_DATA_HOME: home,
    HELM_REGISTRY_CONFIG: registryConfig
  }
  return async args =>
    (await exec(realHelm(version), args, { env, cwd: home })).stdout
}

/** Packages a chart whose ConfigMap says `greeting`; returns the .tgz's path. */
export async function packageChart(
  helm: (args: string[]) => Promise<string>,
  dir: string,
  name: string,
  version: string,
  greeting = 'hello'
): Promise<string> {
  const chart = writeChart(path.join(dir, `${name}-${version}-src`), {
    name,
    version,
    template: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  greeting: ${greeting}\n`
  })
  await helm(['package', chart, '--destination', dir])
  return path.join(dir, `${name}-${version}.tgz`)
}

/** A classic chart repository: index.yaml and packages from `dir`. */
export async function serveClassic(
  dir: string,
  packages: { name: string; version: string; file: string }[]
): Promise<{ url: string; stop(): Promise<void> }> {
  const entries: Record<string, unknown[]> = {}
  for (const p of packages)
    (entries[p.name] ??= []).push({
      apiVersion: 'v2',
      name: p.name,
      version: p.version,
      urls: [path.basename(p.file)],
      digest: createHash('sha256').update(fs.readFileSync(p.file)).digest('hex')
    })
  fs.writeFileSync(
    path.join(dir, 'index.yaml'),
    stringify({ apiVersion: 'v1', entries })
  )
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(req.url ?? '/'))
    if (!fs.existsSync(file)) return void res.writeHead(404).end()
    res.writeHead(200).end(fs.readFileSync(file))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/charts`,
    stop: () => new Promise(resolve => server.close(() => resolve()))
  }
}

let runs = 0

/** Runs dist/mirror.js as a runner runs `uses: …/mirror@v1`. */
export function runMirror(
  root: string,
  inputs: Record<string, string>
): Promise<StepResult> {
  return runMain({
    actionYmlPath: path.join(repoRoot, 'mirror', 'action.yml'),
    inputs,
    github: { repository_owner: 'octo-org', actor: 'octocat', token: '' },
    dirs: makeRunnerDirs(path.join(root, `mirror-${++runs}`))
  })
}

/** The `mirrored` output, parsed. */
export function mirrored(result: StepResult): Record<string, unknown>[] {
  return JSON.parse(result.outputs.mirrored ?? '[]') as Record<
    string,
    unknown
  >[]
}

/** One request a scripted server answered. */
export interface Seen {
  path: string
  authorization?: string
}

/** What a route answers: a status, headers and a body (bytes, or a writer). */
export type Route = (
  req: http.IncomingMessage,
  res: http.ServerResponse
) => void | Promise<void>

/**
 * A server on a random loopback port whose paths answer as `routes` say
 * (404 otherwise), recording every request's path and Authorization.
 */
export async function serveRoutes(routes: Record<string, Route>): Promise<{
  url: string
  port: number
  seen: Seen[]
  stop(): Promise<void>
}> {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    const where = req.url ?? '/'
    seen.push({ path: where, authorization: req.headers.authorization })
    const route = routes[where]
    if (!route) return void res.writeHead(404).end()
    void route(req, res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A classic index.yaml listing `name` `version` at `url`, with the file's sha256. */
export function indexYaml(
  name: string,
  version: string,
  url: string,
  file: string
): string {
  const digest = createHash('sha256')
    .update(fs.readFileSync(file))
    .digest('hex')
  return stringify({
    apiVersion: 'v1',
    entries: {
      [name]: [{ apiVersion: 'v2', name, version, urls: [url], digest }]
    }
  })
}
