// What the outside-system modules share about retrying: which network
// failures are worth another try, and how long to wait before it.

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

/**
 * The wait before retry number `attempt` (1 = first retry): base * 2^(n-1),
 * capped at `maxDelayMs`, then scaled by a random 50-100 % so that clients
 * failing together do not retry together.
 */
export function backoffDelayMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random
): number {
  const exponential = baseDelayMs * 2 ** Math.max(0, attempt - 1)
  return Math.round(Math.min(exponential, maxDelayMs) * (0.5 + random() / 2))
}
