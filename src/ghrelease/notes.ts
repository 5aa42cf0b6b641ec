// The pure part of the `github-release` step: which tag a chart's release
// belongs to, what the release says, and what to do with an asset of the
// same name already there. No I/O: tested without servers.
import { expectedTag, tagMatches } from '../chart/tag.js'
import type { ChartRelease } from '../record/chart-release.js'
import { parseChanges } from '../chart/changes.js'
import { escapeMarkdown, fenced } from '../markdown.js'
import { verifyCommands } from '../signing/commands.js'

/**
 * The git tag of a chart's release: the run's tag when it releases this
 * chart (`v1.2.3`, or the bare `1.2.3` the default pattern accepts), else
 * the tag `tag-pattern` forms for it (several charts, `check-tag: false`).
 */
export function releaseTagFor(
  chart: Pick<ChartRelease, 'name' | 'version'>,
  runTag: string | undefined,
  pattern: string
): string {
  if (runTag && tagMatches(runTag, pattern, chart.name, chart.version))
    return runTag
  return expectedTag(pattern, chart.name, chart.version)
}

/** What the body shows besides the chart record. */
export interface BodyInput {
  /** The appVersion the package carries (`app-version` wins over Chart.yaml). */
  appVersion?: string
  /** The raw `artifacthub.io/changes` annotation of Chart.yaml, if any. */
  changes?: unknown
}

/** Inline code for text that is ours or already checked (references, digests). */
function code(text: string): string {
  return `\`${text.replace(/`/g, '')}\``
}

/** The release's title and markdown body; chart text is escaped. */
export function releaseText(
  chart: ChartRelease,
  input: BodyInput
): { name: string; body: string } {
  const name = `${chart.name} ${chart.version}`
  const lines = [
    `## ${escapeMarkdown(name)}`,
    '',
    `- Chart: ${escapeMarkdown(chart.name)}`,
    `- Version: ${escapeMarkdown(chart.version)}`,
    `- appVersion: ${input.appVersion ? escapeMarkdown(input.appVersion) : '(not set)'}`,
    `- Reference: ${code(`${chart.ref}:${chart.tag}`)}`,
    `- Digest: ${chart.digest ? code(chart.digest) : '(not pushed)'}`,
    '',
    '### Install',
    '',
    fenced(
      'sh',
      `helm install ${chart.name} ${chart.ref} --version ${chart.version}`
    ),
    ...changesSection(input.changes),
    ...verifySection(chart)
  ]
  return { name, body: `${lines.join('\n').trimEnd()}\n` }
}

/** The chart's `artifacthub.io/changes`, parsed as the GitOps changelog does. */
function changesSection(annotation: unknown): string[] {
  if (annotation === undefined) return []
  const { changes, notes } = parseChanges(annotation)
  if (!changes.length && !notes.length) return []
  return [
    '### Changes',
    '',
    ...changes.map(
      c =>
        `- ${c.kind ? `**${escapeMarkdown(c.kind)}**: ` : ''}${escapeMarkdown(c.description)}`
    ),
    ...notes.map(n => `- _${escapeMarkdown(n)}_`),
    ''
  ]
}

/** How to verify the signature and provenance, when the chart was signed. */
function verifySection(chart: ChartRelease): string[] {
  if (!chart.signing) return []
  const commands = verifyCommands(chart, chart.signing)
  const blocks: [string, string, string | undefined][] = [
    ['cosign', 'sh', commands.cosign],
    ['GitHub CLI', 'sh', commands.gh],
    ['Flux (OCIRepository)', 'yaml', commands.flux]
  ]
  const shown = blocks.filter(([, , text]) => text)
  if (!shown.length) return []
  return [
    '### Verify',
    '',
    ...shown.flatMap(([title, language, text]) => [
      `${title}:`,
      '',
      fenced(language, text!)
    ])
  ]
}

/** What to do with one asset: upload it, keep what is there, or refuse to swap it. */
export type AssetDecision = 'upload' | 'keep' | 'conflict'

/**
 * An asset of the same name: byte-identical is kept (not uploaded again); a
 * different one is never replaced (a release's files are what people
 * verified and linked: a silent swap would break that).
 */
export function assetDecision(
  existing: Uint8Array | undefined,
  wanted: Uint8Array
): AssetDecision {
  if (!existing) return 'upload'
  return Buffer.from(existing).equals(Buffer.from(wanted)) ? 'keep' : 'conflict'
}

/** The asset name of a chart's package: what `helm package` names it. */
export function packageAssetName(
  chart: Pick<ChartRelease, 'name' | 'version'>
): string {
  return `${chart.name}-${chart.version}.tgz`
}
