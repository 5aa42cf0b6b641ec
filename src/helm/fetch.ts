// The downloads of the installer: plain GETs from the download site, with
// retries of what a later try may not meet (the one withRetry), each retry
// said in the log.
import fs from 'node:fs'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { HttpClient, HttpClientResponse } from '@actions/http-client'
import * as io from '@actions/io'
import { errorMessage } from '../errors.js'
import { relay } from '../relay.js'
import {
  totalAttempts,
  TRANSIENT_NETWORK_CODES,
  withRetry,
  type RetryPolicy
} from '../retry.js'

/** Where releases are downloaded from, and how patiently. */
export interface Site {
  client: HttpClient
  /** The `helm-download-url` input, checked. */
  base: string
  retry: RetryPolicy
}

const TRANSIENT_STATUS = new Set([408, 429])
// Failures of the download client (undici) on top of the shared ones.
const TRANSIENT_CODES = new Set([
  ...TRANSIENT_NETWORK_CODES,
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET'
])

/** An HTTP answer other than 200. */
class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
    this.name = 'HttpStatusError'
  }
}

/** The HTTP status an error reports, if it is one of ours. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof HttpStatusError ? error.status : undefined
}

/** The body of `url`; an answer other than 200 throws HttpStatusError. */
export async function getText(
  client: HttpClient,
  url: string
): Promise<string> {
  return (await getOk(client, url)).readBody()
}

/** Saves `url` to `dest` (removed again on failure), as getText. */
export async function getFile(
  client: HttpClient,
  url: string,
  dest: string
): Promise<void> {
  const response = await getOk(client, url)
  try {
    await pipeline(response.message, fs.createWriteStream(dest))
  } catch (error) {
    await io.rmRF(dest)
    throw error
  }
}

/**
 * Hands the body of `url` to `consume` as it arrives, as getText. The body is
 * destroyed when `consume` settles, so a failed try frees its socket.
 */
export async function getStream<T>(
  client: HttpClient,
  url: string,
  consume: (body: Readable) => Promise<T>
): Promise<T> {
  const response = await getOk(client, url)
  try {
    return await consume(response.message)
  } finally {
    response.message.destroy()
  }
}

/** A GET answered 200; any other answer is drained and thrown. */
async function getOk(
  client: HttpClient,
  url: string
): Promise<HttpClientResponse> {
  const response = await client.get(url)
  const status = response.message.statusCode ?? 0
  if (status !== 200) {
    // Drained, so the socket is freed.
    response.message.resume()
    throw new HttpStatusError(status)
  }
  return response
}

/** 5xx, 408, 429, and the network failures a later try may not meet. */
function isTransient(error: unknown): boolean {
  const status = statusOf(error)
  if (status !== undefined) return status >= 500 || TRANSIENT_STATUS.has(status)
  if (!(error instanceof Error)) return false
  const code = (error as NodeJS.ErrnoException).code
  return (
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    error.message.startsWith('Request timeout')
  )
}

/**
 * A download with retries of transient failures, each retry said in the log.
 * Running out of tries is said in the error, so the user knows it was not one
 * unlucky try.
 */
export async function retried<T>(
  url: string,
  policy: RetryPolicy,
  get: () => Promise<T>
): Promise<T> {
  try {
    return await withRetry(policy, isTransient, get, event =>
      // relay: the error's text may come from the network.
      relay(
        `${url}: ${errorMessage(event.error)}; retrying in ${event.delayMs} ms ` +
          `(attempt ${event.attempt + 1} of ${event.attempts})`
      )
    )
  } catch (error) {
    // A transient failure that still escaped: the tries ran out.
    if (!isTransient(error)) throw error
    throw new Error(
      `${errorMessage(error)} (gave up after ${totalAttempts(policy)} attempts)`,
      { cause: error }
    )
  }
}
