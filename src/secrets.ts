import * as core from '@actions/core'

/**
 * Masks a secret in the log, and each of its lines: the runner masks line by line,
 * so a multi-line secret (a JSON key, a PEM) would leak in pieces otherwise.
 */
export function maskSecret(secret: string): void {
  if (!secret) return
  core.setSecret(secret)
  for (const line of secret.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (trimmed.length >= 4) core.setSecret(trimmed)
  }
}
