// How an input is read: booleans that name the input when wrong, secrets
// kept as given and masked (with the form Helm stores a login in), lists.
// Every reader of both actions uses these.
import * as core from '@actions/core'
import { UserError } from '../errors.js'

/**
 * `core.getBooleanInput` with the default used when the input is absent (as when
 * the entry point runs outside action.yml) and an error that names the input.
 */
export function booleanInput(name: string, fallback = false): boolean {
  const raw = core.getInput(name)
  if (raw === '') return fallback
  try {
    return core.getBooleanInput(name)
  } catch {
    throw new UserError(`Input '${name}' is '${raw}': use true or false.`)
  }
}

/**
 * A secret input as given: `core.getInput` trims, and a registry password may
 * begin or end with a space. Only the one trailing newline that `echo` and
 * secret stores add is dropped. A secret of white space only counts as empty
 * (as it did when trimmed): no registry password is just blanks.
 */
export function secretInput(name: string): string {
  const raw = core.getInput(name, { trimWhitespace: false })
  const secret = raw.trim() ? raw.replace(/\r?\n$/, '') : ''
  maskSecret(secret)
  return secret
}

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

/**
 * Masks a registry login the way Helm stores it in its registry config,
 * `base64(user:password)`, beside the password itself; nothing without one.
 */
export function maskLogin(username: string, password: string): void {
  if (password)
    maskSecret(Buffer.from(`${username}:${password}`).toString('base64'))
}

/** Comma- or newline-separated values, trimmed, empties dropped. */
export function listInput(name: string): string[] {
  return core
    .getInput(name)
    .split(/[,\n]/)
    .map(item => item.trim())
    .filter(Boolean)
}
