// Starts a real CNCF distribution registry on a random loopback port.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import bcrypt from 'bcryptjs'
import { stringify } from 'yaml'
import { removeDir, tempDir } from './paths.js'

export interface RegistryOptions {
  /** Users for htpasswd (Basic) auth; omitted = anonymous. */
  users?: Record<string, string>
  /** PEM certificate and key: serve TLS instead of plain HTTP. */
  tls?: { certFile: string; keyFile: string }
  /** Extra top-level config merged in (e.g. a token `auth` section). */
  auth?: Record<string, unknown>
}

export interface Registry {
  /** host:port */
  host: string
  port: number
  /** http(s)://host:port */
  url: string
  dir: string
  /** What the registry printed; useful when a test fails. */
  log(): string
  stop(): Promise<void>
}

export function registryBinary(): string {
  return process.env.REGISTRY_BIN || 'docker-registry'
}

function writeConfig(dir: string, options: RegistryOptions): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: false } },
    storage: {
      filesystem: { rootdirectory: path.join(dir, 'data') },
      delete: { enabled: true }
    },
    http: {
      addr: '127.0.0.1:0',
      secret: 'test-secret',
      ...(options.tls
        ? {
            tls: { certificate: options.tls.certFile, key: options.tls.keyFile }
          }
        : {})
    }
  }
  if (options.users) {
    const lines = Object.entries(options.users).map(
      ([user, password]) => `${user}:${bcrypt.hashSync(password, 4)}`
    )
    fs.writeFileSync(path.join(dir, 'htpasswd'), lines.join('\n') + '\n')
    config.auth = {
      htpasswd: { realm: 'test-registry', path: path.join(dir, 'htpasswd') }
    }
  }
  if (options.auth) config.auth = options.auth
  const file = path.join(dir, 'config.yml')
  fs.writeFileSync(file, stringify(config))
  return file
}

function waitForPort(
  child: ChildProcess,
  output: () => string
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `registry did not start within 120 s (a hang guard):\n${output()}`
        )
      )
    }, 120_000)
    const onData = (): void => {
      const match = /listening on [^\s"]*:(\d+)/.exec(output())
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`registry exited with ${code}:\n${output()}`))
    })
  })
}

export async function startRegistry(
  options: RegistryOptions = {}
): Promise<Registry> {
  const dir = tempDir('hor-registry-')
  const configFile = writeConfig(dir, options)
  let output = ''
  const child = spawn(registryBinary(), ['serve', configFile], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const port = await waitForPort(child, () => output)
  const scheme = options.tls ? 'https' : 'http'
  return {
    host: `127.0.0.1:${port}`,
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    dir,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      removeDir(dir)
    }
  }
}

/** Tags of a repository, read over the plain Distribution API (anonymous or Basic). */
export async function listTags(
  registry: Registry,
  repository: string,
  auth?: { username: string; password: string }
): Promise<string[]> {
  const headers: Record<string, string> = {}
  if (auth) {
    headers.authorization =
      'Basic ' +
      Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
  }
  const res = await fetch(`${registry.url}/v2/${repository}/tags/list`, {
    headers
  })
  if (res.status === 404) return []
  if (!res.ok) throw new Error(`tags/list answered ${res.status}`)
  const body = (await res.json()) as { tags: string[] | null }
  return body.tags ?? []
}

/** The digest the registry serves for a tag (OCI manifest accepted), or undefined. */
export async function manifestDigest(
  registry: Registry,
  repository: string,
  tag: string,
  auth?: { username: string; password: string }
): Promise<string | undefined> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.oci.image.manifest.v1+json'
  }
  if (auth) {
    headers.authorization =
      'Basic ' +
      Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
  }
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers
  })
  if (res.status === 404) return undefined
  if (!res.ok) throw new Error(`HEAD manifest answered ${res.status}`)
  return res.headers.get('docker-content-digest') ?? undefined
}
