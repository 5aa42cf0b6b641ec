// The pull request's title, branch and body. The body is parts (see
// src/fit.ts): the intro, the tables of pins, the notes, the rendered
// preview and the changelog all draw from one budget, so that GitHub never
// refuses it for its length, whatever the GitOps repository holds; every
// piece of text from it, a chart or a registry goes through
// src/markdown.ts. Pure.
import {
  fitParts,
  utf16Units,
  type Item,
  type Limit,
  type Part
} from '../fit.js'
import {
  cellCode,
  clip,
  escapeMarkdown,
  inlineCode,
  markdownWithCode,
  tableLines,
  tableRow
} from '../markdown.js'
import type { RepoBump } from './bump-repo.js'
import type { ScanProblem } from './scan/types.js'

export interface ReleaseInfo {
  name: string
  version: string
  /** oci://registry/repository/name */
  ref: string
  tag: string
  digest: string
}

/**
 * GitHub refuses a body over 65,536 characters, which it counts as code
 * points (measured in dead-claudia/github-limits#13: 65,537 astral
 * characters are refused as 65,537 ASCII ones are). The body is counted in
 * UTF-16 code units, never fewer than code points, and kept under 65,000 of
 * them.
 */
export const BODY_LIMIT: Limit = {
  budget: 65_000,
  measure: utf16Units,
  reason: "to keep the pull request within GitHub's 65,536-character limit"
}

/** Where a reviewer finds what the body leaves out. */
const IN_THE_LOG = {
  pins: "the run's log lists every pin (its `Bump:` and `Left alone:` lines)",
  warnings: "the run's log names each one in a warning or notice",
  lock: "the run's log lists each one (its `Chart.lock:` lines)",
  todo: "the run's log lists each one (its `To do:` lines)",
  kustomize: "the run's log lists each one (its `Kustomize:` lines)"
}
const IN_THE_SUMMARY = 'the job summary of the run shows more of it'
/** A value or name from outside longer than this is cut in a table. */
const MAX_CELL = 200
const FOOTER = '<sub>Opened by helm-oci-release.</sub>\n'

/**
 * Fills {name} and {version} in a template (the title, the branch, the commit
 * message). Nothing from the GitOps repository goes in: the name is an OCI
 * repository name and the version SemVer (chart/metadata.ts checks both), so
 * neither holds markup, a mention or an issue reference.
 */
export function fillTemplate(template: string, release: ReleaseInfo): string {
  return template
    .replaceAll('{name}', release.name)
    .replaceAll('{version}', release.version)
}

/** Matches the subjects the commit-message template makes, for any name and version. */
export function commitSubjectPattern(template: string): RegExp {
  const subject = template.split('\n')[0]
  const parts = subject
    .split(/\{(?:name|version)\}/)
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('\\S+')}$`)
}

/** Outside text as a table cell of code, cut to MAX_CELL. */
const cell = (text: string): string => cellCode(clip(text, MAX_CELL))

/** A table whose rows are shown while they fit. */
function tablePart(
  title: string,
  header: string[],
  rows: (string | number)[][],
  intro = ''
): Part {
  const [head, rule] = tableLines(header, [])
  return {
    head: `### ${title}\n\n${intro}${head}\n${rule}\n`,
    items: rows.map(row => ({ text: `${tableRow(row)}\n`, unit: 'pin' })),
    tail: '\n',
    elsewhere: IN_THE_LOG.pins
  }
}

/** A list of our sentences (which quote names in backticks). */
function listPart(
  title: string,
  lines: readonly string[],
  unit: string,
  elsewhere: string
): Part {
  const items: Item[] = lines.map(line => ({
    text: `- ${markdownWithCode(line)}\n`,
    unit
  }))
  return { head: `### ${title}\n\n`, items, tail: '\n', elsewhere }
}

function introduction(release: ReleaseInfo): Part {
  const digest = release.digest || '(not pushed: dry run)'
  return {
    head:
      `Moves the Helm chart **${escapeMarkdown(release.name)}** to **${escapeMarkdown(release.version)}**.\n\n` +
      `- Chart: ${inlineCode(`${release.ref}:${release.tag}`)}\n` +
      `- Digest: ${inlineCode(digest)}\n\n`,
    pinned: true
  }
}

function changedPart(bump: RepoBump): Part {
  return tablePart(
    'Changed',
    ['File', 'Line', 'Kind', 'Field', 'From', 'To'],
    bump.changes.map(c => [
      cell(c.file),
      c.line,
      escapeMarkdown(c.kind),
      cell(c.path),
      cell(c.from),
      cell(c.to)
    ])
  )
}

/**
 * Each Kustomize environment's effective version: a "to" only where the
 * bump changed the bytes that set it, else why it stays.
 */
function environmentsPart(bump: RepoBump): Part[] {
  const rows = (bump.environments ?? []).map(e => [
    escapeMarkdown(e.environment),
    escapeMarkdown(e.resource),
    e.file === undefined ? '' : cell(e.file),
    e.line ?? '',
    e.from === undefined ? '' : cell(e.from),
    e.to === undefined ? '' : cell(e.to),
    e.why === undefined ? '' : markdownWithCode(clip(e.why, 2 * MAX_CELL), true)
  ])
  if (rows.length === 0) return []
  const intro =
    'The version each Kustomize build (a kustomization no other one includes) gives the chart, after its patches, and the file that sets it.\n\n'
  return [
    tablePart(
      'Environments',
      [
        'Environment',
        'Resource',
        'Set in',
        'Line',
        'From',
        'To',
        'Not moved because'
      ],
      rows,
      intro
    )
  ]
}

/** The pins whose digest moved with the version: a reviewer checks it is the release's. */
function digestPart(release: ReleaseInfo, bump: RepoBump): Part[] {
  const moved = bump.changes.flatMap(change =>
    change.digest ? [{ file: change.file, ...change.digest }] : []
  )
  if (moved.length === 0) return []
  const intro = `These pins hold the chart's digest next to its version: it moved to the digest the registry serves for ${escapeMarkdown(release.version)}.\n\n`
  const rows = moved.map(d => [
    cell(d.file),
    d.line,
    cell(d.path),
    cell(d.from),
    cell(d.to)
  ])
  return [
    tablePart(
      'Digests moved',
      ['File', 'Line', 'Field', 'From', 'To'],
      rows,
      intro
    )
  ]
}

function leftAlonePart(bump: RepoBump): Part[] {
  if (bump.skipped.length === 0) return []
  const rows = bump.skipped.map(s => [
    cell(s.file),
    s.line,
    cell(s.path),
    cell(s.value),
    markdownWithCode(clip(s.reason, 2 * MAX_CELL), true)
  ])
  return [
    tablePart('Left alone', ['File', 'Line', 'Field', 'Value', 'Why'], rows)
  ]
}

/** Files whose YAML does not parse, or that take too much work to read. */
export const NOT_READ = 'Not read'
/** Files read, holding a pin of the chart that cannot be moved: each says why. */
export const NOT_MOVED = 'Read, but not moved'

/** What was not read or scanned, the Chart.lock notes and the follow-ups. */
function noteParts(bump: RepoBump): Part[] {
  const parts: Part[] = []
  const add = (
    title: string,
    lines: readonly string[] | undefined,
    unit: string,
    elsewhere: string
  ): void => {
    if (lines?.length) parts.push(listPart(title, lines, unit, elsewhere))
  }
  const problem = (p: ScanProblem): string =>
    `\`${p.file}\` line ${p.line}: ${p.message}`
  const notRead = bump.problems.filter(p => p.notRead).map(problem)
  const notMoved = bump.problems.filter(p => !p.notRead).map(problem)
  const unread = bump.unread.map(u => `\`${u.file}\`: ${u.reason}.`)
  add(NOT_READ, notRead, 'file', IN_THE_LOG.warnings)
  add(NOT_MOVED, notMoved, 'pin', IN_THE_LOG.warnings)
  add('Not scanned', unread, 'file', IN_THE_LOG.warnings)
  const builds = (bump.buildNotes ?? []).map(
    n => `\`${n.file}\` line ${n.line}: ${n.message}.`
  )
  add('Kustomize: not followed', builds, 'note', IN_THE_LOG.kustomize)
  add('Chart.lock', bump.lockfiles, 'note', IN_THE_LOG.lock)
  add('To do', bump.notices, 'follow-up', IN_THE_LOG.todo)
  return parts
}

/**
 * Lists each changed file and pin (old -> new), the chart reference and
 * digest, what was left alone and why, then the rendered preview when there
 * is one: all within BODY_LIMIT, each part cut saying what it left out.
 */
export function pullRequestBody(
  release: ReleaseInfo,
  bump: RepoBump,
  preview?: readonly Part[]
): string {
  const previewParts: Part[] = preview
    ? [
        { head: '## What changes in the cluster\n\n' },
        ...preview.map(part => ({ ...part, elsewhere: IN_THE_SUMMARY }))
      ]
    : []
  return fitParts(
    [
      introduction(release),
      changedPart(bump),
      ...environmentsPart(bump),
      ...digestPart(release, bump),
      ...leftAlonePart(bump),
      ...noteParts(bump),
      ...previewParts,
      { head: FOOTER, pinned: true }
    ],
    BODY_LIMIT
  )
}
