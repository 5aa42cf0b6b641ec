// The one retry loop of the action, and what its callers share about it:
// which network failures are worth another try and how long to wait before
// it. Callers say what is transient (each outside system fails its own way);
// the loop owns the counting and the waiting, like oras-go's retry.Policy.

/** How often and how patiently an operation is tried. */
export interface RetryPolicy {
  /** Tries in all, the first included (at least 1). */
  attempts: number
  /** Wait before the first retry. */
  baseDelayMs: number
  /** Cap of one wait, a server's Retry-After included. */
  maxDelayMs: number
  /**
   * How the wait grows: 'exponential' (the default) doubles it with 50-100 %
   * jitter; 'linear' waits base x retry number, without jitter.
   */
  backoff?: 'exponential' | 'linear'
}

/**
 * What a failure means for the loop: not worth a retry (false), worth one
 * (true), or worth one but not before `afterMs` (a server's Retry-After).
 */
export type Transience = boolean | { afterMs: number }

/** What `onRetry` hears before each wait. */
export interface RetryEvent {
  error: unknown
  /** The try that failed (1 = the first). */
  attempt: number
  /** Tries in all. */
  attempts: number
  /** The wait before the next try. */
  delayMs: number
}

/**
 * Node network error codes that a later try may not meet. ENOTFOUND is not
 * among them: it is nearly always a mistyped host, and retrying only delays
 * the message.
 */
export const TRANSIENT_NETWORK_CODES: readonly string[] = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN'
]

/** The tries a policy allows: a policy of 0 or 2.5 still tries (once, twice). */
export function totalAttempts(policy: RetryPolicy): number {
  return Math.max(1, Math.floor(policy.attempts))
}

/**
 * Runs `operation` (given its try number, 1 = the first) until it succeeds,
 * its failure is not transient, or the tries are used up; waits in between
 * as the policy says. Throws the last failure unchanged: callers word it,
 * since only they know what was tried. `onRetry` runs before each wait.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  isTransient: (error: unknown) => Transience,
  operation: (attempt: number) => Promise<T>,
  onRetry?: (event: RetryEvent) => void | Promise<void>
): Promise<T> {
  const attempts = totalAttempts(policy)
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt)
    } catch (error) {
      const transience = attempt < attempts ? isTransient(error) : false
      if (transience === false) throw error
      const requested = transience === true ? undefined : transience.afterMs
      const delayMs = retryDelayMs(attempt, policy, requested)
      await onRetry?.({ error, attempt, attempts, delayMs })
      await sleep(delayMs)
    }
  }
}

/**
 * The wait before retry number `attempt` (1 = first retry): what a server's
 * Retry-After asks for, or the policy's backoff; never above `maxDelayMs`.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random
): number {
  if (retryAfterMs !== undefined)
    return Math.min(retryAfterMs, policy.maxDelayMs)
  if (policy.backoff === 'linear')
    return Math.min(policy.baseDelayMs * attempt, policy.maxDelayMs)
  return backoffDelayMs(attempt, policy.baseDelayMs, policy.maxDelayMs, random)
}

/**
 * The wait before retry number `attempt` (1 = first retry): base * 2^(n-1),
 * capped at `maxDelayMs`, then scaled by a random 50-100 % so that clients
 * failing together do not retry together.
 */
function backoffDelayMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random
): number {
  const exponential = baseDelayMs * 2 ** Math.max(0, attempt - 1)
  return Math.round(Math.min(exponential, maxDelayMs) * (0.5 + random() / 2))
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
