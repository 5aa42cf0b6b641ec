// A get.helm.sh-style download site on a random loopback port, built from the
// real Helm binaries, with switches to make it misbehave.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import {
  HELM3,
  HELM4,
  HELM_VERSIONS,
  realHelm,
  removeDir,
  repoRoot,
  tempDir
} from './paths.js'

export interface MirrorOptions {
  /** Helm versions to publish; default every version the tests use. */
  versions?: readonly string[]
  /** Serve archives whose bytes differ from their published checksum. */
  corruptArchive?: boolean
  /** Publish no `.sha256sum` files. */
  missingChecksum?: boolean
  /** Publish no `helm*-latest-version` files. */
  missingLatest?: boolean
  /** Replace the text of some files, e.g. `{ 'helm-latest-version': 'x' }`. */
  textFiles?: Record<string, string>
  /** URL path (e.g. `/helm-v3.17.3-linux-amd64.tar.gz`) -> answer 503 that many times first. */
  unavailable?: Record<string, number>
  /**
   * URL path -> that many times first, answer 200 with the full
   * content-length, send half the body, then cut the connection.
   */
  cutMidway?: Record<string, number>
  /** Version -> a .tar.gz to publish as its archive (checksum to match). */
  archives?: Record<string, string>
  /**
   * Ship a `#!/bin/sh` wrapper as `linux-amd64/helm` that appends each argument
   * (one per line, then `---`) to this file and then runs the real Helm.
   */
  wrapArgvLog?: string
}

export interface Mirror {
  /** http://127.0.0.1:port, no trailing slash. */
  url: string
  /** URL paths requested, in order (e.g. `/helm-latest-version`). */
  requests: string[]
  stop(): Promise<void>
}

const PLATFORM = 'linux-amd64'

/** The archive name the mirror publishes for a version. */
export function mirrorArchiveName(version: string): string {
  return `helm-v${version}-${PLATFORM}.tar.gz`
}

/** Packs `binary` as `linux-amd64/helm` into a gzipped tarball at `target`. */
function packTarball(binary: string, target: string): void {
  const stage = fs.mkdtempSync(path.join(path.dirname(target), 'stage-'))
  try {
    fs.mkdirSync(path.join(stage, PLATFORM))
    fs.copyFileSync(binary, path.join(stage, PLATFORM, 'helm'))
    fs.chmodSync(path.join(stage, PLATFORM, 'helm'), 0o755)
    const partial = path.join(stage, 'archive.tar.gz')
    // Byte-for-byte the same archive every time (no times, owners or gzip
    // name): test files packing at once on a fresh clone agree on its sha256.
    execFileSync('tar', [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-I',
      'gzip -n',
      '-cf',
      partial,
      '-C',
      stage,
      PLATFORM
    ])
    // Rename last: test files running in parallel never see half a tarball.
    fs.renameSync(partial, target)
  } finally {
    removeDir(stage)
  }
}

/**
 * The tarball of the real Helm `version`, built once into the git-ignored
 * `.cache/mirror/` (gzip of a ~60 MB binary takes seconds) and reused.
 */
export function realHelmTarball(version: string): string {
  const binary = realHelm(version)
  const dir = path.join(repoRoot, '.cache', 'mirror')
  const target = path.join(dir, mirrorArchiveName(version))
  fs.mkdirSync(dir, { recursive: true })
  const fresh =
    fs.existsSync(target) &&
    fs.statSync(target).mtimeMs >= fs.statSync(binary).mtimeMs
  if (!fresh) packTarball(binary, target)
  return target
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

function wrapperTarball(version: string, log: string, dir: string): string {
  const script = path.join(dir, `wrapper-${version}`)
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      // One printf, one append: Helm processes run side by side (lint beside
      // package), and records written an argument at a time interleave.
      `printf '%s\\n' "$@" '---' >> ${shellQuote(log)}`,
      `exec ${shellQuote(realHelm(version))} "$@"`,
      ''
    ].join('\n'),
    { mode: 0o755 }
  )
  const target = path.join(dir, mirrorArchiveName(version))
  packTarball(script, target)
  return target
}

function corruptCopy(source: string, target: string): void {
  const bytes = fs.readFileSync(source)
  bytes[Math.floor(bytes.length / 2)] ^= 0xff
  fs.writeFileSync(target, bytes)
}

/**
 * The mirror's own copy of a shared archive (a hard link where it can): the
 * checksum it publishes stays true whatever happens to the shared file.
 */
function snapshot(shared: string, own: string): string {
  try {
    fs.linkSync(shared, own)
  } catch {
    fs.copyFileSync(shared, own)
  }
  return own
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

function newest(versions: readonly string[], major?: string): string {
  const candidates = versions.filter(v => !major || v.startsWith(`${major}.`))
  const key = (v: string): number[] => v.split('.').map(n => parseInt(n, 10))
  return candidates.sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
  })[candidates.length - 1]
}

/** Lays out the published files: name -> absolute path on disk. */
function buildFiles(options: MirrorOptions, dir: string): Map<string, string> {
  const versions = options.versions ?? HELM_VERSIONS
  const files = new Map<string, string>()
  const text: Record<string, string> = {}
  for (const version of versions) {
    const name = mirrorArchiveName(version)
    let archive =
      options.archives?.[version] ??
      (options.wrapArgvLog
        ? wrapperTarball(version, options.wrapArgvLog, dir)
        : snapshot(realHelmTarball(version), path.join(dir, name)))
    if (!options.missingChecksum) {
      text[`${name}.sha256sum`] = `${sha256(archive)}  ${name}\n`
    }
    if (options.corruptArchive) {
      const corrupted = path.join(dir, `corrupt-${name}`)
      corruptCopy(archive, corrupted)
      archive = corrupted
    }
    files.set(name, archive)
  }
  if (!options.missingLatest) {
    text['helm-latest-version'] = `v${newest(versions) ?? HELM4}\n`
    text['helm3-latest-version'] = `v${newest(versions, '3') ?? HELM3}\n`
    text['helm4-latest-version'] = `v${newest(versions, '4') ?? HELM4}\n`
  }
  Object.assign(text, options.textFiles)
  for (const [name, body] of Object.entries(text)) {
    fs.writeFileSync(path.join(dir, name), body)
    files.set(name, path.join(dir, name))
  }
  return files
}

/** Starts the mirror on 127.0.0.1, port 0; `stop()` it in afterAll. */
export async function startMirror(
  options: MirrorOptions = {}
): Promise<Mirror> {
  const dir = tempDir('hor-mirror-')
  const files = buildFiles(options, dir)
  const unavailable = new Map(Object.entries(options.unavailable ?? {}))
  const cuts = new Map(Object.entries(options.cutMidway ?? {}))
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://mirror').pathname
    requests.push(urlPath)
    const left = unavailable.get(urlPath) ?? 0
    if (left > 0) {
      unavailable.set(urlPath, left - 1)
      res.writeHead(503).end('try again later\n')
      return
    }
    const file = files.get(decodeURIComponent(urlPath.slice(1)))
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    const size = fs.statSync(file).size
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': size
    })
    const cutsLeft = cuts.get(urlPath) ?? 0
    if (req.method === 'HEAD') res.end()
    else if (cutsLeft > 0) {
      cuts.set(urlPath, cutsLeft - 1)
      const half = fs.createReadStream(file, { end: Math.floor(size / 2) })
      half.on('data', chunk => res.write(chunk))
      // Once what was sent is flushed, so the client did get half the body.
      half.on('end', () => res.write('', () => res.socket?.destroy()))
    } else fs.createReadStream(file).pipe(res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
      removeDir(dir)
    }
  }
}
