// How an input is read: booleans that name the input when wrong, secrets
// kept as given and masked (with the form Helm stores a login in), lists.
// Every reader of both actions uses these.
import * as core from '@actions/core'
import { UserError } from '../errors.js'
import { maskSecret } from '../mask.js'

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
