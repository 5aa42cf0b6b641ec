// Octokit from @actions/github (proxy-aware fetch for GITHUB_API_URL) with the
// retry plugin (5xx and network errors, bounded backoff) and the throttling
// plugin (primary and secondary rate limits, waited out when GitHub asks for
// at most DEFAULT_MAX_WAIT_SECONDS; each wait, and the cap, said in the log).
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { apiUrlFromEnv, trimServerUrl } from './names.js'

export type Octokit = ReturnType<typeof getOctokit>

export interface OctokitOptions {
  /** The `gitops-token` input; the caller has masked it already. */
  token: string
  /** REST API root; default GITHUB_API_URL, then https://api.github.com. */
  apiUrl?: string
  /** Longest wait (seconds) a rate limit may ask for; default 300. */
  maxWaitSeconds?: number
  /** Milliseconds per second of waiting; default 1000 (tests shrink it). */
  waitUnitMs?: number
  /** Where waits are reported; default `core.info`. */
  log?: (message: string) => void
}

/** Retries of one request after a rate limit (the plugin's `retryCount`). */
const LIMIT_RETRIES = 2
/** Retries of 5xx and network errors: waits of 1, 4 and 9 units. */
const SERVER_RETRIES = 3
/**
 * Statuses the retry plugin leaves alone: its defaults plus 429, which it
 * would otherwise retry on its own schedule, ignoring the retry-after GitHub
 * sent; the throttling plugin waits 429s out within the cap instead.
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451]
/**
 * GitHub's secondary rate limit asks to "wait a few minutes" (its message),
 * and its retry-after says how long: a creation refused with 429 and
 * `retry-after: 120` is worth two minutes of a release job, not a failed run
 * after the chart was published. Longer waits fail with the fix.
 */
const DEFAULT_MAX_WAIT_SECONDS = 300
/**
 * A secondary limit without retry-after: "wait for at least one minute"
 * (GitHub's docs, "Rate limits for the REST API").
 */
const SECONDARY_FALLBACK_SECONDS = 60

/**
 * An Octokit for one repository (`id` keys the throttling plugin's limiters),
 * retrying 5xx and network errors and waiting out short rate limits.
 */
export function createOctokit(options: OctokitOptions, id: string): Octokit {
  const log = options.log ?? core.info
  const unit = options.waitUnitMs ?? 1000
  const cap = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS
  const throttle: ThrottlingOptions = {
    // Keys the plugin's limiters (one write a second, notifications every
    // 3 s): clients of one repository share them, others do not wait.
    id,
    retryAfterBaseValue: unit,
    fallbackSecondaryRateRetryAfter: Math.min(SECONDARY_FALLBACK_SECONDS, cap),
    onRateLimit: limitHandler('rate limit', cap, log),
    onSecondaryRateLimit: limitHandler('secondary rate limit', cap, log)
  }
  return getOctokit(
    options.token,
    {
      baseUrl: trimServerUrl(options.apiUrl ?? '') || apiUrlFromEnv(),
      throttle,
      retry: {
        retries: SERVER_RETRIES,
        retryAfterBaseValue: unit,
        doNotRetry: DO_NOT_RETRY
      }
    },
    retry,
    throttling
  )
}

/** Retry after a rate limit at most LIMIT_RETRIES times, short waits only. */
function limitHandler(
  kind: string,
  cap: number,
  log: (message: string) => void
) {
  return (
    retryAfter: number,
    request: { method: string; url: string },
    _octokit: unknown,
    retryCount: number
  ): boolean => {
    const where = `GitHub ${kind} on ${request.method} ${request.url}`
    if (retryCount >= LIMIT_RETRIES) return false
    if (retryAfter > cap) {
      log(
        `${where}: GitHub asks to wait ${retryAfter} s, over the ${cap} s this action waits`
      )
      return false
    }
    log(
      `${where}: waiting ${retryAfter} s (retry ${retryCount + 1} of ` +
        `${LIMIT_RETRIES}; GitHub may ask for up to ${cap} s)`
    )
    return true
  }
}
