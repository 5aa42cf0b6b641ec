// The one way a value is masked in the log: each value once per run (a mask
// lasts the whole job, and a token is read, cloned with and signed with more
// than once), a multi-line secret line by line too.
import * as core from '@actions/core'

/**
 * What this process has asked the runner to mask: a mask lasts the whole job,
 * so each value is sent once (a one-line secret is its own only line, and
 * `password` and `source-password` may be the same token).
 */
const masked = new Set<string>()

/**
 * Masks a secret in the log, and each of its lines: the runner masks line by line,
 * so a multi-line secret (a JSON key, a PEM) would leak in pieces otherwise.
 * Each value is masked once per run, however often it is asked for.
 */
export function maskSecret(secret: string): void {
  if (!secret) return
  const lines = secret
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length >= 4)
  for (const value of [secret, ...lines]) {
    if (masked.has(value)) continue
    masked.add(value)
    core.setSecret(value)
  }
}
