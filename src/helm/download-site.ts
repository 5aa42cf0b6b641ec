// What the `helm-version` input means and how get.helm.sh names its files.
// Pure: no I/O, so every rule here is table-tested.
import { UserError } from '../errors.js'
import type { Platform } from './platform.js'

/** A channel: the newest release overall, or the newest of one major. */
export type HelmChannel = 'latest' | '3' | '4'

/** What `helm-version` asks for. */
export type HelmVersionSpec =
  | { kind: 'exact'; version: string }
  | { kind: 'channel'; channel: HelmChannel }
  | { kind: 'system' }

/** The oldest Helm that can push charts to OCI registries without flags. */
export const MIN_HELM_VERSION = '3.8.0'

/** Where Helm's releases are published; input `helm-download-url`. */
export const DEFAULT_DOWNLOAD_BASE_URL = 'https://get.helm.sh'

const ACCEPTED_FORMS =
  "an exact version such as '3.17.3' or 'v4.1.4', 'latest', " +
  "'3' or '4' (the newest release of that major), or 'system' (the helm " +
  'already on PATH)'

// SemVer 2.0.0 core plus prerelease. Build metadata is left out on purpose:
// no Helm release carries it, and '+' would end up in download file names.
const IDENT = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)'
const VERSION = new RegExp(
  `^v?((0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-${IDENT}(?:\\.${IDENT})*)?)$`
)

const CHANNELS: readonly string[] = ['latest', '3', '4']

/**
 * Parses the `helm-version` input (or `input`, which takes the same forms:
 * `gitops-render-helm-version`). Exact versions come back without the `v`
 * (`v3.17.3` and `3.17.3` are the same). Throws a UserError for anything else,
 * and for Helm versions that cannot push to OCI registries (before 3.8) or that
 * this action does not know (majors other than 3 and 4).
 */
export function parseHelmVersionSpec(
  spec: string,
  input = 'helm-version'
): HelmVersionSpec {
  const value = spec.trim()
  if (value === 'system') return { kind: 'system' }
  if (CHANNELS.includes(value)) {
    return { kind: 'channel', channel: value as HelmChannel }
  }
  const match = VERSION.exec(value)
  if (!match) {
    throw new UserError(
      `Input '${input}' is ${JSON.stringify(spec)}, which is not a Helm ` +
        `version this action understands. Use ${ACCEPTED_FORMS}.`
    )
  }
  const version = match[1]
  const problem = unsupportedVersionProblem(version)
  if (problem) {
    throw new UserError(
      `Input '${input}' is ${JSON.stringify(spec)}: ${problem} ` +
        `Use ${ACCEPTED_FORMS}.`
    )
  }
  return { kind: 'exact', version }
}

/**
 * Why this action cannot use a Helm version (a sentence), or undefined when it
 * can: Helm 3.8.0 or newer within the majors 3 and 4. Expects `X.Y.Z[-pre]`.
 */
export function unsupportedVersionProblem(version: string): string | undefined {
  const [major, minor] = version.split(/[.-]/).map(Number)
  if (major < 3) {
    return (
      `Helm ${major} cannot push charts to OCI registries; this action needs ` +
      `Helm ${MIN_HELM_VERSION} or newer.`
    )
  }
  if (major === 3 && minor < 8) {
    return (
      `Helm ${version} has no stable OCI support; this action needs Helm ` +
      `${MIN_HELM_VERSION} or newer.`
    )
  }
  if (major > 4) {
    return `Helm ${major} is not supported by this action (Helm 3 and 4 are).`
  }
  return undefined
}

/** The file on the download site that holds the newest version of a channel. */
export function latestVersionFile(channel: HelmChannel): string {
  switch (channel) {
    case 'latest':
      return 'helm-latest-version'
    case '3':
      return 'helm3-latest-version'
    case '4':
      return 'helm4-latest-version'
  }
}

/**
 * Checks the `helm-download-url` input and returns it without trailing
 * slashes. Credentials, queries and fragments are refused: the URL ends up in
 * logs and error messages, and file names are appended to it.
 */
export function parseDownloadBaseUrl(input: string): string {
  const value = input.trim()
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  const problem = !url
    ? 'is not a URL'
    : url.protocol !== 'http:' && url.protocol !== 'https:'
      ? 'must be an http:// or https:// URL'
      : url.username || url.password
        ? 'must not contain credentials (they would show in the logs)'
        : url.search || url.hash
          ? 'must not have a query or fragment'
          : undefined
  if (problem) {
    const shown = url && (url.username || url.password) ? '(hidden)' : value
    throw new UserError(
      `Input 'helm-download-url' ${problem}: ${shown}. Use the address of ` +
        `a get.helm.sh-style mirror, e.g. ${DEFAULT_DOWNLOAD_BASE_URL}.`
    )
  }
  return value.replace(/\/+$/, '')
}

/** The release archive's name, e.g. `helm-v3.17.3-linux-amd64.tar.gz`. */
export function archiveName(version: string, platform: Platform): string {
  const extension = platform.os === 'windows' ? 'zip' : 'tar.gz'
  return `helm-v${version}-${platform.os}-${platform.arch}.${extension}`
}

/** The archive's URL under a download base URL (trailing slash tolerated). */
export function archiveUrl(
  base: string,
  version: string,
  platform: Platform
): string {
  return `${base.replace(/\/+$/, '')}/${archiveName(version, platform)}`
}

/** The URL of the archive's `.sha256sum` file. */
export function checksumUrl(
  base: string,
  version: string,
  platform: Platform
): string {
  return `${archiveUrl(base, version, platform)}.sha256sum`
}

/** The folder inside the archive that holds the binary, e.g. `linux-amd64`. */
export function archiveFolder(platform: Platform): string {
  return `${platform.os}-${platform.arch}`
}

/** The Helm executable's file name on a platform. */
export function binaryName(platform: Platform): string {
  return platform.os === 'windows' ? 'helm.exe' : 'helm'
}

/** The binary's path inside the archive, e.g. `linux-amd64/helm`. */
export function binaryPathInArchive(platform: Platform): string {
  return `${archiveFolder(platform)}/${binaryName(platform)}`
}

/**
 * Reads a `.sha256sum` file: `<64 hex>  <file name>` (sha256sum's text or `*`
 * binary form) or a bare hash, on one line. Returns the hash in lower case.
 * Throws when the text is anything else or names another file.
 */
export function parseChecksumFile(
  text: string,
  expectedFileName: string
): string {
  const match = /^([0-9a-fA-F]{64})(?:[ \t]+\*?(\S+))?$/.exec(text.trim())
  if (!match) {
    throw new Error(
      'expected one line "<sha256 hex>  <file name>" or a bare sha256 hex ' +
        `digest, got ${describeText(text)}`
    )
  }
  const [, hash, fileName] = match
  if (fileName !== undefined && fileName !== expectedFileName) {
    throw new Error(
      `the checksum is for ${JSON.stringify(fileName)}, ` +
        `not ${JSON.stringify(expectedFileName)}`
    )
  }
  return hash.toLowerCase()
}

/**
 * Reads a `helm*-latest-version` file (`v4.1.4\n`) and returns the version
 * without the `v`. With a major channel, the version must be of that major.
 */
export function parseLatestVersion(
  text: string,
  channel?: HelmChannel
): string {
  const match = VERSION.exec(text.trim())
  if (!match || !text.trim().startsWith('v')) {
    throw new Error(
      `expected a Helm version like "v4.1.4", got ${describeText(text)}`
    )
  }
  const version = match[1]
  if (channel && channel !== 'latest' && match[2] !== channel) {
    throw new Error(
      `it names Helm ${version}, which is not a Helm ${channel} release`
    )
  }
  return version
}

/** Untrusted text for an error message: quoted and cut short. */
function describeText(text: string): string {
  if (text.trim() === '') return 'an empty file'
  const short = text.length > 80 ? `${text.slice(0, 80)}…` : text
  return JSON.stringify(short)
}
