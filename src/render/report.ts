// The "rendered changes" of the pull request as parts of a document (see
// fit.ts): an intro, one part per place rendered (its counts and notes
// always shown, its lists and diffs while they fit), one for the places not
// rendered. The pull request body and the job summary fit the same parts
// into their own limits. Pure.
import { describeResource } from './manifests.js'
import type { ChangedResource, ResourceId, ShownResource } from './diff.js'
import { plural, type Item, type Part } from '../fit.js'
import {
  clip,
  escapeHtml,
  escapeMarkdown,
  fenced,
  preformatted
} from '../markdown.js'
import type { PlaceOutcome } from './outcome.js'
import { unreadWarning } from './unread-report.js'

export interface ReportOptions {
  /** The Helm that rendered, e.g. `3.17.3`. */
  helmVersion: string
  /** What the preview assumed where it cannot follow the tool (render/assumptions.ts). */
  assumed?: readonly string[]
}

export interface RenderedReport {
  parts: Part[]
  /** Places whose new version does not render: the caller warns about each. */
  failures: PlaceOutcome[]
}

/**
 * Helm's error is shown whole up to this length (a schema failure names each
 * value and the rule it breaks, one line each); past it, clipped with a note.
 */
export const MAX_ERROR_CHARS = 8_000
/** Titles, notes and duplicates listed in a head at most; the rest are counted. */
const MAX_LISTED = 10
/** A title, file name or note longer than this is cut. */
const MAX_NAME = 300

type Failed = Extract<PlaceOutcome, { status: 'failed' }>
type Rendered = Extract<PlaceOutcome, { status: 'rendered' }>
type Skipped = Extract<PlaceOutcome, { status: 'skipped' }>

/** The report's parts, in the order of the places. */
export function renderReport(
  outcomes: readonly PlaceOutcome[],
  options: ReportOptions
): RenderedReport {
  const failures = outcomes.filter(
    o => o.status === 'failed' && o.side !== 'old'
  )
  const skipped = outcomes.filter((o): o is Skipped => o.status === 'skipped')
  const places = outcomes.flatMap(o =>
    o.status === 'failed'
      ? [failedPart(o)]
      : o.status === 'rendered'
        ? [renderedPart(o)]
        : []
  )
  return {
    parts: [
      { head: introduction(options, failures) },
      ...places,
      ...(skipped.length ? [notRenderedPart(skipped)] : [])
    ],
    failures
  }
}

function introduction(
  options: ReportOptions,
  failures: PlaceOutcome[]
): string {
  const assumed = options.assumed?.length
    ? `; assumed: ${options.assumed.map(escapeMarkdown).join('; ')}`
    : ''
  let text = `Rendered with Helm ${escapeMarkdown(options.helmVersion)} (\`helm template\`), old version vs new${assumed}.\n\n`
  if (failures.length > 0) {
    const titles = listed(failures.map(f => f.place.title)).join(', ')
    text += `> [!WARNING]\n> The new version does not render for ${plural(failures.length, 'place')}: ${titles}.\n\n`
  }
  return text
}

/** The first MAX_LISTED texts escaped, then how many more. */
function listed(texts: readonly string[]): string[] {
  const shown = texts
    .slice(0, MAX_LISTED)
    .map(text => escapeMarkdown(clip(text, MAX_NAME)))
  const more = texts.length - shown.length
  return more > 0 ? [...shown, `and ${more} more`] : shown
}

/** Title and where the place is: the start of every place's head. */
function placeHead(outcome: PlaceOutcome): string {
  const { title, file, line } = outcome.place
  return (
    `### ${escapeMarkdown(clip(title, MAX_NAME))}\n\n` +
    `${escapeMarkdown(clip(file, MAX_NAME))} line ${line}\n\n`
  )
}

function failedPart(outcome: Failed): Part {
  // Above the title, so that a reviewer cannot miss it.
  const mark = `> [!CAUTION]\n> **Does not render** ${failedWhere(outcome)}.\n\n`
  return {
    head:
      mark +
      placeHead(outcome) +
      valuesFileLine(outcome) +
      sideNote(outcome) +
      noteList(outcome.place.notes),
    items: errorItems(outcome)
  }
}

/** At which versions: the old, the new, or both. */
function failedWhere(outcome: Failed): string {
  const version = escapeMarkdown(outcome.version)
  if (outcome.side === 'new') return `at the new version ${version}`
  if (outcome.side === 'old' || !outcome.old)
    return `at the old version ${version}`
  const old = escapeMarkdown(outcome.old.version)
  return `at either version: neither the old ${old} nor the new ${version}`
}

function valuesFileLine(outcome: Failed): string {
  const files = [
    ...new Set([outcome.old?.valuesFile, outcome.valuesFile].filter(Boolean))
  ] as string[]
  if (files.length === 0) return ''
  const names = files.map(f => escapeMarkdown(clip(f, MAX_NAME))).join(', ')
  return `The values that broke it: ${names}.\n\n`
}

function sideNote(outcome: Failed): string {
  if (outcome.side === 'old')
    return 'The old version does not render with these values, so there is nothing to compare.\n\n'
  if (outcome.side === 'both')
    return 'Neither version renders with these values, so there is nothing to compare.\n\n'
  return ''
}

/** Helm's whole error at each version that failed: once when both say the same. */
function errorItems(outcome: Failed): Item[] {
  const { old } = outcome
  if (!old || old.error === outcome.error)
    return [
      errorItem(
        old ? [old.version, outcome.version] : [outcome.version],
        outcome.error
      )
    ]
  return [
    errorItem([old.version], old.error),
    errorItem([outcome.version], outcome.error)
  ]
}

function errorItem(versions: readonly string[], error: string): Item {
  const at = versions.map(escapeMarkdown).join(' and ')
  const long = [...error].length > MAX_ERROR_CHARS
  const shown = long ? clip(error, MAX_ERROR_CHARS) : error
  const cut = long
    ? `_Helm's error is longer: its first ${MAX_ERROR_CHARS.toLocaleString('en-US')} characters are shown._\n\n`
    : ''
  return {
    text: `Helm's error at ${at}:\n\n${preformatted(shown)}\n${cut}`,
    unit: 'Helm error'
  }
}

function renderedPart(outcome: Rendered): Part {
  const notes = [...outcome.place.notes]
  for (const duplicate of outcome.duplicates)
    notes.push(`${duplicate} is rendered more than once`)
  const { added, removed, changed } = outcome.diff
  // Values Helm ignores silently: first in the place's section.
  const head =
    placeHead(outcome) +
    notInRegistryNote(outcome) +
    unreadWarning(outcome.unread)
  if (added.length + removed.length + changed.length === 0)
    return { head: `${head}No rendered change.\n\n${noteList(notes)}` }
  const notKept = changed.filter(c => !c.diff).length
  if (notKept > 0)
    notes.push(
      `${plural(notKept, 'resource diff')} not kept: the preview keeps a bounded part of the diffs`
    )
  const manifestsNotKept = [...added, ...removed].filter(r => !r.manifest)
  if (manifestsNotKept.length > 0)
    notes.push(
      `${plural(manifestsNotKept.length, 'resource manifest')} not kept: the preview keeps a bounded part of the manifests`
    )
  const counts = `${added.length} added, ${removed.length} removed, ${changed.length} changed.\n\n`
  return {
    head: head + counts + noteList(notes),
    items: [
      ...shownItems('Added', added),
      ...shownItems('Removed', removed),
      ...listItems('Changed', changed),
      ...changed.filter(c => c.diff).map(diffItem)
    ]
  }
}

/** `0.0.9 is not in oci://…: showing 0.1.0's resources as added`: said, not a failure. */
function notInRegistryNote(outcome: Rendered): string {
  const absent = outcome.oldNotInRegistry
  if (!absent) return ''
  const old = escapeMarkdown(absent.old)
  const now = escapeMarkdown(absent.new)
  const ref = escapeMarkdown(clip(absent.chartRef, MAX_NAME))
  return (
    `> [!NOTE]\n> ${old} is not in ${ref}: showing ${now}'s resources as added.\n` +
    `> The registry has no such tag (a version deleted, or pinned from another registry).\n\n`
  )
}

function noteList(notes: readonly string[]): string {
  if (notes.length === 0) return ''
  return `Notes:\n${listed(notes)
    .map(n => `- ${n}\n`)
    .join('')}\n`
}

/** A list of resources: its label with the first, a blank line after the last. */
function listItems(label: string, ids: readonly ResourceId[]): Item[] {
  return ids.map((id, index) => {
    const first = index === 0 ? `**${label}:**\n\n` : ''
    const last = index === ids.length - 1 ? '\n' : ''
    const name = escapeMarkdown(clip(describeResource(id), MAX_NAME))
    return { text: `${first}- ${name}\n${last}`, unit: 'listed resource' }
  })
}

/** A list of resources, each name followed by its manifest, which the fit cuts first. */
function shownItems(
  label: string,
  resources: readonly ShownResource[]
): Item[] {
  const names = listItems(label, resources)
  const last = resources.length - 1
  return resources.flatMap((resource, index) =>
    resource.manifest
      ? [names[index], manifestItem(resource, index !== last)]
      : [names[index]]
  )
}

/**
 * The manifest under its resource's name, collapsed, in the list item
 * (indented by two spaces, so that the list goes on after it), after a
 * blank line (the last name of a list ends with its own).
 */
function manifestItem(resource: ShownResource, blankFirst: boolean): Item {
  const omitted = resource.omittedLines
    ? `\n_${plural(resource.omittedLines, 'more line')} of this manifest not kept: the preview keeps a bounded part of each manifest._\n`
    : ''
  const block =
    '<details><summary>Manifest</summary>\n\n' +
    `${preformatted(resource.manifest, 'yaml')}${omitted}\n</details>\n`
  return {
    text: `${blankFirst ? '\n' : ''}${indented(block)}\n`,
    unit: 'resource manifest',
    expendable: true
  }
}

/** Every line that is not empty indented by two spaces: inside a list item. */
function indented(text: string): string {
  return text.replace(/^(?=.)/gm, '  ')
}

function diffItem(resource: ChangedResource): Item {
  const replaced = resource.replacedWhole
    ? 'Too large a change to compare line by line: shown as replaced.\n\n'
    : ''
  const omitted = resource.omittedLines
    ? `\n_${plural(resource.omittedLines, 'more line')} of this diff not kept: the preview keeps a bounded part of each diff._\n`
    : ''
  const name = escapeHtml(clip(describeResource(resource), MAX_NAME))
  return {
    text:
      `<details><summary>${name}</summary>\n\n` +
      `${replaced}${fenced('diff', resource.diff)}${omitted}\n</details>\n\n`,
    unit: 'resource diff'
  }
}

/** The places not rendered (past the pins previewed, generated per element…), one line each. */
function notRenderedPart(skipped: readonly Skipped[]): Part {
  return {
    head: '### Not rendered\n\n',
    items: skipped.map(({ place, reason }) => ({
      text:
        `- ${escapeMarkdown(clip(place.title, MAX_NAME))}, ` +
        `${escapeMarkdown(clip(place.file, MAX_NAME))} line ${place.line}: ` +
        `${escapeMarkdown(clip(reason, MAX_NAME))}\n`,
      unit: 'place'
    })),
    tail: '\n'
  }
}
