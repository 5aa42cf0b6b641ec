// Reads classic Helm repositories for the mirror: the index.yaml (bounded,
// parsed by classic-index.ts) and a package, saved to a file and checked
// against the index's sha256. Credentials go in an Authorization header to
// the repository's own origin only, as Helm does without --pass-credentials:
// never in a URL, never to a package hosted elsewhere, never logged.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { HttpClient } from '@actions/http-client'
import { errorMessage, UserError } from '../errors.js'
import {
  TRANSIENT_NETWORK_CODES,
  withRetry,
  type RetryPolicy
} from '../retry.js'
import { parseIndex, type ClassicVersion } from './classic-index.js'

export type { ClassicVersion }

/** index.yaml read at most: large public repositories stay under a few MiB. */
export const INDEX_LIMIT = 20 * 1024 * 1024
/** A package read at most: Helm refuses chart archives past 100 MiB. */
export const PACKAGE_LIMIT = 100 * 1024 * 1024

export interface ClassicOptions {
  username?: string
  password?: string
  retry?: RetryPolicy
  /** Socket timeout of one request (default 60 s). */
  timeoutMs?: number
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000
}

/** An HTTP answer other than 200, worded for the user. */
class StatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof StatusError)
    return error.status >= 500 || error.status === 408 || error.status === 429
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code !== undefined && TRANSIENT_NETWORK_CODES.includes(code)
}

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

/** One GET of `url` with retries; `consume` reads the 200 answer's body. */
async function fetchBody<T>(
  url: string,
  repoUrl: string,
  options: ClassicOptions,
  consume: (message: IncomingMessage) => Promise<T>
): Promise<T> {
  const client = await httpClient(options)
  const headers: Record<string, string> = {}
  // Only to the repository's own origin: a package on a CDN gets nothing.
  if (options.password && new URL(url).origin === new URL(repoUrl).origin)
    headers.authorization =
      'Basic ' +
      Buffer.from(`${options.username ?? ''}:${options.password}`).toString(
        'base64'
      )
  try {
    return await withRetry(
      options.retry ?? DEFAULT_RETRY,
      isTransient,
      async () => {
        const response = await client.get(url, headers)
        const message = response.message
        try {
          const status = message.statusCode ?? 0
          if (status !== 200) throw new StatusError(status)
          return await consume(message)
        } finally {
          message.destroy()
        }
      }
    )
  } catch (error) {
    throw classicFailure(url, error, options.password !== undefined)
  } finally {
    client.dispose()
  }
}

/** A failed GET, worded with what to check. */
function classicFailure(
  url: string,
  error: unknown,
  withCredentials: boolean
): UserError {
  if (error instanceof UserError) return error
  if (error instanceof StatusError) {
    const fix =
      error.status === 401 || error.status === 403
        ? withCredentials
          ? 'Check the username and password given for the repository.'
          : 'The repository wants credentials: give its username and password.'
        : error.status === 404
          ? 'Check the repository URL and the chart name.'
          : 'The repository is failing; retry later.'
    return new UserError(`Could not read ${url}: ${error.message}. ${fix}`, {
      cause: error
    })
  }
  return new UserError(
    `Could not read ${url}: ${errorMessage(error).slice(0, 300)}. Check the URL and the network.`,
    { cause: error }
  )
}

/** The HTTP client, loaded only when a classic repository is read. */
async function httpClient(options: ClassicOptions): Promise<HttpClient> {
  const { HttpClient } = await import('@actions/http-client')
  return new HttpClient('helm-oci-release', [], {
    allowRetries: false,
    socketTimeout: options.timeoutMs ?? 60_000
  })
}
