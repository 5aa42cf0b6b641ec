// Which Sigstore deployment signs: the public-good instance (Fulcio + the
// public Rekor log) for public repositories, GitHub's own instance (Fulcio +
// a timestamp authority, no public log) for private and internal ones, as
// GitHub's artifact attestations choose; or URLs the user gives.
import { UserError } from '../errors.js'

export type SigstoreChoice = 'auto' | 'public-good' | 'github'
export const SIGSTORE_CHOICES: readonly SigstoreChoice[] = [
  'auto',
  'public-good',
  'github'
]

/** The services one signature goes through. */
export interface SigstoreEndpoints {
  /** `public-good`, `github` or `custom`: named in the log and summary. */
  name: 'public-good' | 'github' | 'custom'
  fulcioUrl: string
  /** The transparency log; absent on GitHub's instance (private signatures). */
  rekorUrl?: string
  /** An RFC 3161 timestamp authority; GitHub's instance has one instead of a log. */
  tsaUrl?: string
}

export const PUBLIC_GOOD: SigstoreEndpoints = {
  name: 'public-good',
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekorUrl: 'https://rekor.sigstore.dev'
}

export const GITHUB_INSTANCE: SigstoreEndpoints = {
  name: 'github',
  fulcioUrl: 'https://fulcio.githubapp.com',
  tsaUrl: 'https://timestamp.githubapp.com'
}

/** URLs of a private Sigstore deployment, from the `sigstore-*-url` inputs. */
export interface SigstoreOverrides {
  fulcioUrl?: string
  rekorUrl?: string
  tsaUrl?: string
}

/**
 * The endpoints for this run. `auto` follows the repository's visibility
 * (public → public-good, anything else or unknown → GitHub's instance, so a
 * private repository never lands in the public log). Any URL given replaces
 * the instance: then Fulcio's URL and a log or a timestamp authority are needed.
 */
export function sigstoreEndpoints(
  choice: SigstoreChoice,
  visibility: string | undefined,
  overrides: SigstoreOverrides
): SigstoreEndpoints {
  if (overrides.fulcioUrl || overrides.rekorUrl || overrides.tsaUrl) {
    if (!overrides.fulcioUrl || !(overrides.rekorUrl || overrides.tsaUrl))
      throw new UserError(
        "A private Sigstore needs 'sigstore-fulcio-url' and at least one of " +
          "'sigstore-rekor-url' and 'sigstore-tsa-url'. Set them, or clear all three " +
          "to use the instance 'sigstore' names."
      )
    return { name: 'custom', ...overrides, fulcioUrl: overrides.fulcioUrl }
  }
  if (choice === 'public-good') return PUBLIC_GOOD
  if (choice === 'github') return GITHUB_INSTANCE
  return visibility === 'public' ? PUBLIC_GOOD : GITHUB_INSTANCE
}

/** Checks a `sigstore-*-url` input: an http(s) URL without credentials. */
export function parseServiceUrl(
  input: string,
  value: string
): string | undefined {
  if (!value) return undefined
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password
  )
    throw new UserError(
      `Input '${input}' is "${value}": give the service's base URL, e.g. https://fulcio.example.com (no credentials in it).`
    )
  return url.href.replace(/\/+$/, '')
}
