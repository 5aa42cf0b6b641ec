// The chart's changelog for the GitOps pull request: which versions lie
// between the old pin and the new one, what each version's config (its
// Chart.yaml as JSON) says about itself (its Artifact Hub changes read by
// chart/changes.ts), and that as markdown safe to put in a pull request
// body. Pure: no I/O.
import { plural, type Item, type Part } from '../fit.js'
import { escapeMarkdown } from '../markdown.js'
import semver from 'semver'
import { boundedText, parseChanges, type Change } from '../chart/changes.js'
import { CHANGES_ANNOTATION } from '../chart/metadata.js'

/** At most this many versions are read and shown; the oldest are cut. */
export const MAX_VERSIONS = 50

/** A chart version's release notes, from its OCI config blob (its Chart.yaml as JSON). */
export interface ChangelogEntry {
  version: string
  appVersion?: string
  deprecated: boolean
  /** `artifacthub.io/changes`, as `kind: description` lines. */
  changes: Change[]
  /** What could not be read (a malformed annotation, a missing config), said instead of failing. */
  notes?: string[]
}

/** A chart version and the registry tag it is stored under (`+` written `_`). */
export interface TaggedVersion {
  version: string
  tag: string
}

/** The versions to show, newest first, and how many older ones were cut. */
export interface VersionRange {
  versions: TaggedVersion[]
  omitted: number
}

/** The changelog of one bump: `from` (exclusive) to `to` (inclusive). */
export interface Changelog {
  from: string
  to: string
  /** Newest first. */
  entries: ChangelogEntry[]
  /** Versions in the range left out past MAX_VERSIONS (the oldest ones). */
  omitted: number
  /** What kept the whole changelog from being read (tags not listed…). */
  notes: string[]
}

/**
 * A version in SemVer 2's own form, build metadata kept (semver.valid drops
 * it), or undefined when it is not SemVer.
 */
function canonicalVersion(text: string): string | undefined {
  const parsed = semver.parse(text)
  if (!parsed) return undefined
  const build = parsed.build.length > 0 ? `+${parsed.build.join('.')}` : ''
  return `${parsed.version}${build}`
}

/** The version a tag stands for, or undefined when it is not SemVer 2. */
export function versionOfTag(tag: string): string | undefined {
  const version = tag.replace(/_/g, '+')
  // Only the canonical form: semver.parse also takes `v1.2.3` and `=1.2.3`.
  return canonicalVersion(version) === version ? version : undefined
}

/**
 * The registry's versions after `oldVersion` up to and including
 * `newVersion`, newest first, by SemVer precedence with build metadata as a
 * tie-break. Tags that are not SemVer are ignored. Prereleases count only
 * when `newVersion` is one: a stable release's notes are the reviewer's
 * concern, not its release candidates'. `newVersion` itself is always in
 * (just pushed, it may not be listed yet). Past `limit`, the oldest are cut.
 */
export function versionsBetween(
  tags: readonly string[],
  oldVersion: string,
  newVersion: string,
  limit = MAX_VERSIONS
): VersionRange {
  const from = canonicalVersion(oldVersion)
  const to = canonicalVersion(newVersion)
  if (!from || !to || semver.compareBuild(to, from) <= 0)
    return { versions: [], omitted: 0 }
  const withPrereleases = semver.prerelease(to) !== null
  const tagOf = new Map<string, string>([[to, to.replace(/\+/g, '_')]])
  for (const tag of tags) {
    const version = versionOfTag(tag)
    if (!version || tagOf.has(version)) continue
    if (!withPrereleases && semver.prerelease(version) !== null) continue
    if (
      semver.compareBuild(version, from) > 0 &&
      semver.compareBuild(version, to) < 0
    )
      tagOf.set(version, tag)
  }
  const versions = [...tagOf]
    .map(([version, tag]) => ({ version, tag }))
    .sort((a, b) => semver.compareBuild(b.version, a.version))
  return {
    versions: versions.slice(0, limit),
    omitted: Math.max(0, versions.length - limit)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A JSON object, or undefined when the text is not one. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    return isRecord(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/**
 * The entry of `version` from its config blob. Never throws: a config that is
 * not a chart's, or a malformed `artifacthub.io/changes`, becomes a note.
 */
export function changelogEntry(
  version: string,
  config: Buffer | string
): ChangelogEntry {
  const chart = jsonObject(config.toString())
  if (!chart)
    return {
      version,
      deprecated: false,
      changes: [],
      notes: ['its config is not a JSON object (not a Helm chart?)']
    }
  const annotations = isRecord(chart.annotations) ? chart.annotations : {}
  const { changes, notes } = parseChanges(annotations[CHANGES_ANNOTATION])
  const appVersion =
    typeof chart.appVersion === 'string' && chart.appVersion.trim() !== ''
      ? boundedText(chart.appVersion)
      : undefined
  return {
    version,
    ...(appVersion === undefined ? {} : { appVersion }),
    deprecated: chart.deprecated === true,
    changes,
    ...(notes.length > 0 ? { notes } : {})
  }
}

/** One version as items: its heading and facts, then each change and note. */
function entryItems(entry: ChangelogEntry): Item[] {
  const heading = `#### ${escapeMarkdown(entry.version)}${entry.deprecated ? ' (deprecated)' : ''}`
  const blocks = [heading]
  const facts: string[] = []
  if (entry.appVersion !== undefined)
    facts.push(`appVersion ${escapeMarkdown(entry.appVersion)}`)
  if (entry.deprecated)
    facts.push('**deprecated**: this version is marked `deprecated: true`')
  if (facts.length > 0) blocks.push(facts.join(' · '))
  const lines = [
    ...entry.changes.map(
      change =>
        `- ${change.kind === undefined ? '' : `**${escapeMarkdown(change.kind)}**: `}${escapeMarkdown(change.description)}`
    ),
    ...(entry.notes ?? []).map(note => `- _note_: ${escapeMarkdown(note)}`)
  ]
  if (lines.length === 0)
    blocks.push(`No \`${CHANGES_ANNOTATION}\` annotation.`)
  const head = { text: `${blocks.join('\n\n')}\n\n`, unit: 'version' }
  return [
    head,
    ...lines.map((line, index) => ({
      text: `${line}\n${index === lines.length - 1 ? '\n' : ''}`,
      unit: 'change'
    }))
  ]
}

/**
 * The changelog as a part of the pull request (see fit.ts): its title and
 * notes always, then each version (newest first) and its changes while they
 * fit; every piece of outside text escaped (see escapeMarkdown).
 */
export function changelogPart(changelog: Changelog): Part {
  const title = `### Chart changelog ${escapeMarkdown(changelog.from)} → ${escapeMarkdown(changelog.to)}`
  const blocks = [title]
  for (const note of changelog.notes)
    blocks.push(`_note_: ${escapeMarkdown(note)}`)
  if (changelog.entries.length === 0 && changelog.notes.length === 0)
    blocks.push('No chart version found between the two in the registry.')
  return {
    head: `${blocks.join('\n\n')}\n\n`,
    items: changelog.entries.flatMap(entryItems),
    tail:
      changelog.omitted > 0
        ? `… and ${plural(changelog.omitted, 'older version')} in the range, not shown.\n\n`
        : ''
  }
}

/** The whole changelog as markdown (the part with every item). */
export function changelogMarkdown(changelog: Changelog): string {
  const part = changelogPart(changelog)
  const items = (part.items ?? []).map(item => item.text).join('')
  return `${`${part.head}${items}${part.tail ?? ''}`.trimEnd()}\n`
}
