// A classic Helm repository's index.yaml: the versions of one chart, each
// with the URL of its package (resolved against the repository, as Helm
// does) and its sha256 digest when the index gives one. The index is the
// repository's word and may hold anything: aliases are bounded, shapes are
// checked, and what cannot be trusted is refused. Pure: no I/O.
import semver from 'semver'
import { parse } from 'yaml'
import { UserError } from '../errors.js'

/** One version of a chart in a classic repository. */
export interface ClassicVersion {
  version: string
  /** The package's absolute http(s) URL. */
  url: string
  /** sha256 of the package, hex, when the index gives it. */
  digest?: string
}

// A YAML "billion laughs" expands aliases: far fewer than that suffice.
const MAX_ALIASES = 100
/** Versions of one chart read at most. */
export const MAX_ENTRIES = 10_000

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The versions of `name` in the index at `repoUrl`; [] when it has none. */
export function parseIndex(
  text: string,
  repoUrl: string,
  name: string
): ClassicVersion[] {
  const where = `${repoUrl}/index.yaml`
  const refuse = (what: string): UserError =>
    new UserError(
      `${where} ${what}. Check the repository URL; if it is right, the repository is broken: tell its maintainers.`
    )
  let document: unknown
  try {
    // failsafe: every scalar a string, as Helm's typed fields read them (a
    // digest of digits only is not a number, a version `1.10` not 1.1).
    document = parse(text, {
      maxAliasCount: MAX_ALIASES,
      uniqueKeys: false,
      schema: 'failsafe'
    })
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : ''
    throw refuse(`is not valid YAML (${message.slice(0, 200)})`)
  }
  if (!isRecord(document) || !isRecord(document.entries))
    throw refuse('has no `entries` map: it is not a Helm repository index')
  const list = Object.hasOwn(document.entries, name)
    ? document.entries[name]
    : undefined
  if (list === undefined || list === null) return []
  if (!Array.isArray(list))
    throw refuse(`lists ${name} as something other than a list`)
  if (list.length > MAX_ENTRIES)
    throw refuse(`lists more than ${MAX_ENTRIES} versions of ${name}`)
  return list.flatMap((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.version !== 'string') return []
    // Not SemVer: no constraint can pick it, as Helm cannot either.
    if (semver.valid(entry.version) === null) return []
    const version = entry.version
    const first = Array.isArray(entry.urls) ? entry.urls[0] : undefined
    if (typeof first !== 'string')
      throw refuse(`gives no download URL for ${name} ${version}`)
    const url = packageUrl(first, repoUrl, () =>
      refuse(
        `gives ${name} ${version} an unusable URL ${JSON.stringify(first.slice(0, 200))}`
      )
    )
    const digest = packageDigest(entry.digest, () =>
      refuse(`gives ${name} ${version} a digest that is not sha256 hex`)
    )
    return [digest === undefined ? { version, url } : { version, url, digest }]
  })
}

/**
 * `urls[0]` resolved against the repository (`charts/x.tgz` → under it);
 * absolute http(s) is allowed, anything else, or https → http, is refused.
 */
export function packageUrl(
  value: string,
  repoUrl: string,
  refusal: () => UserError
): string {
  let url: URL
  try {
    url = new URL(value, `${repoUrl}/`)
  } catch {
    throw refusal()
  }
  const repo = new URL(repoUrl)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refusal()
  if (repo.protocol === 'https:' && url.protocol === 'http:') throw refusal()
  if (url.username !== '' || url.password !== '') throw refusal()
  url.hash = ''
  return url.href
}

/** The index's digest as hex; Helm writes bare hex, some `sha256:` hex. */
function packageDigest(
  value: unknown,
  refusal: () => UserError
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const hex =
    typeof value === 'string' ? value.replace(/^sha256:/, '').toLowerCase() : ''
  if (!/^[a-f0-9]{64}$/.test(hex)) throw refusal()
  return hex
}
