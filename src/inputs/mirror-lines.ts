// The mirror's `charts` input, one chart a line:
//   oci://registry/path/name <constraint>
//   https://charts.example.com name <constraint>
// where <constraint> is an exact version, a SemVer range (spaces allowed:
// `>=18.0.0 <19`) or `latest`. Blank lines and `#` comments are skipped.
// Every refusal names the line. What a checked line asks for (MirrorLine)
// is declared here, beside its parser, for the mirror to read. Pure: no I/O.
import semver from 'semver'
import { UserError } from '../errors.js'
import {
  isRegistryHost,
  isRepositoryComponent,
  isRepositoryPath
} from '../registry/reference.js'

/** Which versions of a chart a line asks for. */
export type VersionConstraint =
  /** The highest stable SemVer version (prereleases only by an exact pin). */
  | { kind: 'latest' }
  /** One version, as written (build metadata included: `1.2.3+build`). */
  | { kind: 'exact'; version: string }
  /** Every version in a SemVer range (`>=18.0.0 <19`, `^1.2`, `1.x`). */
  | { kind: 'range'; range: string }

/** A chart in an OCI registry: `oci://<registry>/<repository>`. */
export interface OciSource {
  kind: 'oci'
  /** host[:port]. */
  registry: string
  /** The chart's repository path; its last component is the chart's name. */
  repository: string
}

/** A chart in a classic Helm repository (an `index.yaml` over HTTP(S)). */
export interface ClassicSource {
  kind: 'classic'
  /** The repository's URL as written, without a trailing slash. */
  url: string
}

/** One line of the `charts` input, checked. */
export interface MirrorLine {
  /** 1-based line number in the input, for messages. */
  line: number
  /** The line as written (trimmed), for messages. */
  text: string
  source: OciSource | ClassicSource
  /** The chart's name: the destination repository's last component. */
  name: string
  constraint: VersionConstraint
}

/** Lines read at most: a schedule mirrors a list, not a catalogue. */
export const MAX_LINES = 500
const MAX_LINE_LENGTH = 1000
const FORMS =
  'Write `oci://registry/path/name <version>` or `https://repo-url name <version>`, ' +
  'where <version> is an exact version, a SemVer range such as `>=1.0.0 <2`, or `latest`.'

export interface SpecOptions {
  /** Allow `http://` classic repositories (tests, private networks). */
  allowHttp?: boolean
}

/** The lines of the `charts` input, each checked; refuses the first bad one. */
export function parseCharts(
  input: string,
  options: SpecOptions = {}
): MirrorLine[] {
  const lines: MirrorLine[] = []
  const raw = input.split(/\r?\n/)
  for (const [i, full] of raw.entries()) {
    const text = full.trim()
    if (text === '' || text.startsWith('#')) continue
    if (lines.length === MAX_LINES)
      throw new UserError(
        `The 'charts' input lists more than ${MAX_LINES} charts. Split the mirror into several steps or workflows.`
      )
    lines.push(parseLine(text, i + 1, options))
  }
  if (lines.length === 0)
    throw new UserError(`The 'charts' input lists no chart. ${FORMS}`)
  return lines
}

/** One line of the input (already trimmed, not blank, not a comment). */
export function parseLine(
  text: string,
  line: number,
  options: SpecOptions = {}
): MirrorLine {
  const refuse = (what: string, fix: string = FORMS): UserError =>
    new UserError(`Line ${line} of 'charts' (${shown(text)}): ${what}. ${fix}`)
  if (text.length > MAX_LINE_LENGTH)
    throw refuse(`the line is longer than ${MAX_LINE_LENGTH} characters`)
  const words = text.split(/\s+/)
  const location = words[0]
  // Checked before anything quotes the address: messages end up in logs.
  if (/^[^/]*\/\/[^/]*@/.test(location))
    throw refuse(
      'the address carries credentials',
      'Remove them from the address and give them to the action as inputs, so they are never logged.'
    )
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1].toLowerCase()
  if (scheme === 'oci') {
    const { registry, repository } = ociLocation(location, refuse)
    const name = repository.slice(repository.lastIndexOf('/') + 1)
    const constraint = parseConstraint(words.slice(1).join(' '), refuse)
    return {
      line,
      text,
      source: { kind: 'oci', registry, repository },
      name,
      constraint
    }
  }
  if (scheme === 'https' || (scheme === 'http' && options.allowHttp)) {
    const source = classicLocation(location, refuse)
    const name = words[1]
    if (name === undefined)
      throw refuse(
        `the repository ${location} has no chart name after it`,
        'Write `https://repo-url name <version>`, e.g. `https://charts.bitnami.com/bitnami nginx latest`.'
      )
    if (!isRepositoryComponent(name))
      throw refuse(
        `the chart name "${name.slice(0, 100)}" cannot be an OCI repository name`,
        'Chart names to mirror must be lowercase letters, digits and separators (. _ -).'
      )
    const constraint = parseConstraint(words.slice(2).join(' '), refuse)
    return { line, text, source, name, constraint }
  }
  if (scheme === 'http')
    throw refuse(
      'plain http:// repositories are not mirrored by default',
      'Use the https:// address of the repository.'
    )
  if (scheme !== undefined)
    throw refuse(`the scheme ${scheme}:// is not supported`)
  throw refuse(
    `"${location.slice(0, 100)}" is not an oci:// or https:// address`
  )
}

type Refuse = (what: string, fix?: string) => UserError

/** `oci://host/path/name` → registry and repository, both checked. */
function ociLocation(
  location: string,
  refuse: Refuse
): { registry: string; repository: string } {
  const rest = location.slice('oci://'.length).replace(/\/+$/, '')
  const slash = rest.indexOf('/')
  const registry = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase()
  const repository = slash < 0 ? '' : rest.slice(slash + 1)
  if (!isRegistryHost(registry))
    throw refuse(`"${registry.slice(0, 100)}" is not a registry host[:port]`)
  if (repository === '')
    throw refuse(
      `${location} has no repository path after the registry`,
      "Write the chart's full address, e.g. `oci://ghcr.io/org/charts/app 1.2.3`."
    )
  if (/[:@]/.test(repository))
    throw refuse(
      `${shown(location)} carries a tag or digest`,
      'Give the version as the constraint after the address, e.g. `oci://ghcr.io/org/app 1.2.3`.'
    )
  if (!isRepositoryPath(repository))
    throw refuse(
      `"${repository.slice(0, 200)}" is not a valid OCI repository path`,
      'Repository paths are lowercase letters, digits, separators (. _ -) and /.'
    )
  return { registry, repository }
}

/** `https://host/path` → the repository URL, checked. */
function classicLocation(location: string, refuse: Refuse): ClassicSource {
  let url: URL
  try {
    url = new URL(location)
  } catch {
    throw refuse(`"${location.slice(0, 200)}" is not a valid URL`)
  }
  if (url.search !== '' || url.hash !== '')
    throw refuse(
      'the repository URL carries a query or fragment',
      'Give the address the repository is added with (`helm repo add`), without ? or #.'
    )
  return { kind: 'classic', url: url.href.replace(/\/+$/, '') }
}

/** `latest`, an exact version, or a SemVer range (Masterminds commas too). */
export function parseConstraint(
  value: string,
  refuse: Refuse
): VersionConstraint {
  const text = value.trim()
  if (text === '')
    throw refuse(
      'there is no version constraint',
      'Add an exact version, a SemVer range such as `>=1.0.0 <2`, or `latest` after the chart.'
    )
  if (text.toLowerCase() === 'latest') return { kind: 'latest' }
  if (/^v?\d/.test(text) && semver.valid(text) !== null)
    return { kind: 'exact', version: text }
  if (nodeRange(text) !== null) return { kind: 'range', range: text }
  throw refuse(
    `"${text.slice(0, 100)}" is neither an exact version, a SemVer range nor \`latest\``,
    'Write e.g. `1.2.3`, `>=18.0.0 <19`, `^2.1` or `latest`.'
  )
}

/** The node-semver form of a range: Masterminds ANDs with commas too. */
export function nodeRange(range: string): string | null {
  return semver.validRange(range.replace(/,/g, ' '))
}

/**
 * A line for a message: quoted, cut at 200 characters, and any credentials in
 * a URL (`//user:password@`) masked: messages end up in logs.
 */
function shown(text: string): string {
  const masked = text.replace(/\/\/[^/\s@]*@/g, '//***@')
  return JSON.stringify(
    masked.length > 200 ? `${masked.slice(0, 200)}…` : masked
  )
}
