// The "rendered changes" markdown of the pull request, per place, within a
// character budget; the full text (for the job summary) alongside.
import { describeResource } from './manifests.js'
import type { ChangedResource, ResourceId } from './diff.js'
import { escapeHtml, escapeMarkdown, fenced } from './markdown.js'
import type { PlaceOutcome } from './outcome.js'

export interface ReportOptions {
  /** The Helm that rendered, e.g. `3.17.3`. */
  helmVersion: string
  /** Characters the body may take for all places (GitHub's limit is 65,536 for the whole PR). */
  budget: number
}

export interface RenderedReport {
  /** Within the budget: diffs past it are cut with a line saying so. */
  body: string
  /** Everything, for the job summary. */
  full: string
  /** Places whose new version does not render: the caller warns about each. */
  failures: PlaceOutcome[]
}

/** Helm's error is shown up to this length; its first line is what matters. */
const MAX_ERROR_CHARS = 2_000
/** Room kept per place for the line that says what was cut. */
const CUT_LINE_RESERVE = 300

/** A section of one place: parts always shown, then parts shown while they fit. */
interface Section {
  head: string
  optional: Piece[]
}

interface Piece {
  text: string
  isDiff: boolean
}

export function renderReport(
  outcomes: readonly PlaceOutcome[],
  options: ReportOptions
): RenderedReport {
  const failures = outcomes.filter(
    o => o.status === 'failed' && o.side === 'new'
  )
  const intro = introduction(options.helmVersion, failures)
  const sections = outcomes.map(section)
  return {
    body: assemble(intro, sections, options.budget),
    full: assemble(intro, sections, Number.POSITIVE_INFINITY),
    failures
  }
}

function introduction(helmVersion: string, failures: PlaceOutcome[]): string {
  let text = `Rendered with Helm ${escapeMarkdown(helmVersion)} (\`helm template\`), old version vs new.\n\n`
  if (failures.length > 0) {
    const titles = failures.map(f => escapeMarkdown(f.place.title)).join(', ')
    text += `> [!WARNING]\n> The new version does not render for ${failures.length} place(s): ${titles}.\n\n`
  }
  return text
}

function section(outcome: PlaceOutcome): Section {
  let head = `### ${escapeMarkdown(outcome.place.title)}\n\n`
  if (outcome.status === 'failed') head = failureMark(outcome) + head
  head += `${escapeMarkdown(outcome.place.file)} line ${outcome.place.line}\n\n`
  const notes = [...outcome.place.notes]
  if (outcome.status === 'skipped') {
    head += `Not rendered: ${escapeMarkdown(outcome.reason)}\n\n`
    return { head: head + noteList(notes), optional: [] }
  }
  if (outcome.status === 'failed') {
    return {
      head: head + failureDetail(outcome) + noteList(notes),
      optional: []
    }
  }
  for (const duplicate of outcome.duplicates) {
    notes.push(`${duplicate} is rendered more than once`)
  }
  const { added, removed, changed } = outcome.diff
  if (added.length + removed.length + changed.length === 0) {
    return {
      head: `${head}No rendered change.\n\n${noteList(notes)}`,
      optional: []
    }
  }
  head += `${added.length} added, ${removed.length} removed, ${changed.length} changed.\n\n`
  head += noteList(notes)
  return {
    head,
    optional: [
      ...listPieces('Added', added),
      ...listPieces('Removed', removed),
      ...listPieces('Changed', changed),
      ...changed.map(diffPiece)
    ]
  }
}

type Failed = Extract<PlaceOutcome, { status: 'failed' }>

/** Above the title, so that a reviewer cannot miss it. */
function failureMark(outcome: Failed): string {
  const which = outcome.side === 'new' ? 'new' : 'old'
  return `> [!CAUTION]\n> **Does not render** at the ${which} version ${escapeMarkdown(outcome.version)}.\n\n`
}

function failureDetail(outcome: Failed): string {
  const error =
    outcome.error.length > MAX_ERROR_CHARS
      ? `${outcome.error.slice(0, MAX_ERROR_CHARS)}…`
      : outcome.error
  const file = outcome.valuesFile
    ? `The values that broke it: ${escapeMarkdown(outcome.valuesFile)}.\n\n`
    : ''
  const old =
    outcome.side === 'old'
      ? 'The old version does not render with these values, so there is nothing to compare.\n\n'
      : ''
  return `Helm's error at ${escapeMarkdown(outcome.version)}:\n\n${fenced('text', error)}\n${file}${old}`
}

function noteList(notes: readonly string[]): string {
  if (notes.length === 0) return ''
  return `Notes:\n${notes.map(n => `- ${escapeMarkdown(n)}\n`).join('')}\n`
}

function listPieces(label: string, ids: readonly ResourceId[]): Piece[] {
  if (ids.length === 0) return []
  return [
    { text: `**${label}:**\n\n`, isDiff: false },
    ...ids.map(id => ({
      text: `- ${escapeMarkdown(describeResource(id))}\n`,
      isDiff: false
    })),
    { text: '\n', isDiff: false }
  ]
}

function diffPiece(resource: ChangedResource): Piece {
  const replaced = resource.replacedWhole
    ? 'Too large a change to compare line by line: shown as replaced.\n\n'
    : ''
  const text =
    `<details><summary>${escapeHtml(describeResource(resource))}</summary>\n\n` +
    `${replaced}${fenced('diff', resource.diff)}\n</details>\n\n`
  return { text, isDiff: true }
}

/**
 * Heads first (every place's failure marks and counts are always shown),
 * then lists and diffs in order while they fit: once one does not, the rest
 * of them are left out and each place says how many.
 */
function assemble(intro: string, sections: Section[], budget: number): string {
  const fixed =
    intro.length +
    sections.reduce((sum, s) => sum + s.head.length + CUT_LINE_RESERVE, 0)
  let room = budget - fixed
  let cut = false
  let text = intro
  for (const { head, optional } of sections) {
    text += head
    const left: Piece[] = []
    for (const piece of optional) {
      if (!cut && piece.text.length <= room) {
        text += piece.text
        room -= piece.text.length
      } else {
        cut = true
        left.push(piece)
      }
    }
    if (left.length > 0) text += cutLine(left)
  }
  return text
}

function cutLine(left: Piece[]): string {
  const diffs = left.filter(p => p.isDiff)
  const diffLines = diffs.reduce((sum, p) => sum + p.text.split('\n').length, 0)
  const characters = left.reduce((sum, p) => sum + p.text.length, 0)
  return (
    `_Cut to keep the pull request within its size limit: ${characters} characters left out ` +
    `(${diffs.length} resource diff(s), about ${diffLines} lines). ` +
    `The whole diff is in the job summary of the run._\n\n`
  )
}
