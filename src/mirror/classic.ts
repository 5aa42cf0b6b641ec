// Reads classic Helm repositories for the mirror: the index.yaml (bounded,
// parsed by classic-index.ts) and a package, saved to a file and checked
// against the index's sha256. The GETs, their redirects and where the
// credentials may go are classic-http.ts's.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { UserError } from '../errors.js'
import { parseIndex, type ClassicVersion } from './classic-index.js'
import { fetchBody, type ClassicOptions } from './classic-http.js'

export type { ClassicOptions, ClassicVersion }

/** index.yaml read at most: large public repositories stay under a few MiB. */
export const INDEX_LIMIT = 20 * 1024 * 1024
/** A package read at most: Helm refuses chart archives past 100 MiB. */
export const PACKAGE_LIMIT = 100 * 1024 * 1024

/** The versions of `name` in the classic repository at `repoUrl`. */
export async function classicVersions(
  repoUrl: string,
  name: string,
  options: ClassicOptions = {}
): Promise<ClassicVersion[]> {
  const url = `${repoUrl}/index.yaml`
  const body = await fetchBody(url, repoUrl, options, async message => {
    const chunks: Buffer[] = []
    await readBounded(message, INDEX_LIMIT, url, chunk => {
      chunks.push(chunk)
    })
    return Buffer.concat(chunks)
  })
  return parseIndex(body.toString('utf8'), repoUrl, name)
}

/**
 * Saves the package of `entry` to `dest` and returns its sha256 (hex) and
 * size; a package whose sha256 is not the index's is refused (and removed).
 */
export async function downloadClassic(
  repoUrl: string,
  entry: ClassicVersion,
  dest: string,
  options: ClassicOptions = {}
): Promise<{ sha256: string; size: number }> {
  const saved = await fetchBody(entry.url, repoUrl, options, async message => {
    const hash = createHash('sha256')
    const file = fs.createWriteStream(dest)
    let size = 0
    try {
      await readBounded(message, PACKAGE_LIMIT, entry.url, chunk => {
        hash.update(chunk)
        size += chunk.length
        // Waits when the disk is behind, so the body is not held in memory.
        if (!file.write(chunk))
          return new Promise<void>(resolve =>
            file.once('drain', () => resolve())
          )
      })
    } finally {
      await new Promise<void>((resolve, reject) =>
        file.end((error?: Error | null) => (error ? reject(error) : resolve()))
      )
    }
    return { sha256: hash.digest('hex'), size }
  }).catch((error: unknown) => {
    fs.rmSync(dest, { force: true })
    throw error
  })
  if (entry.digest !== undefined && saved.sha256 !== entry.digest) {
    fs.rmSync(dest, { force: true })
    throw new UserError(
      `The package of version ${entry.version} (${entry.url}) has sha256 ${saved.sha256}, ` +
        `but ${repoUrl}/index.yaml says ${entry.digest}. Nothing was mirrored: the package ` +
        'or the index was altered, or is being replaced; check with the repository.'
    )
  }
  return saved
}

/** Reads `message` in chunks, refusing past `limit` bytes. */
async function readBounded(
  message: IncomingMessage,
  limit: number,
  url: string,
  onChunk: (chunk: Buffer) => void | Promise<unknown>
): Promise<void> {
  const tooLarge = (): UserError =>
    new UserError(
      `${url} is larger than ${limit / 1024 / 1024} MiB, more than the mirror reads. Check the URL.`
    )
  const declared = Number(message.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw tooLarge()
  let read = 0
  for await (const chunk of message as AsyncIterable<Buffer>) {
    read += chunk.length
    if (read > limit) throw tooLarge()
    await onChunk(chunk)
  }
}
