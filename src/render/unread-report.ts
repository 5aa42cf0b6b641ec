// The warning a place's section opens with when it sets values the new
// version no longer reads, or that no version reads (unread-values.ts): the
// first thing a reviewer sees of the place, because Helm says nothing of
// them. Pure.
import { plural } from '../fit.js'
import { clip, escapeMarkdown, inlineCode } from '../markdown.js'
import type { UnreadKey, UnreadValues } from './outcome.js'

/** Keys listed per list at most; the rest are counted. */
const MAX_LISTED = 10
/** A key or a file name longer than this is cut. */
const MAX_NAME = 200

/**
 * `> [!WARNING]` with the lists; a line saying what was not checked when
 * there is no list; '' when there is nothing to say.
 */
export function unreadWarning(unread: UnreadValues | undefined): string {
  if (!unread) return ''
  const { noLongerRead, neverRead, versions } = unread
  const cuts = unread.cuts.length
    ? `Not checked for values that no longer apply: ${unread.cuts.map(c => escapeMarkdown(clip(c, MAX_NAME))).join('; ')}.`
    : ''
  if (noLongerRead.length + neverRead.length === 0)
    return cuts ? `${cuts}\n\n` : ''
  const old = escapeMarkdown(versions.old)
  const next = escapeMarkdown(versions.new)
  const blocks: string[][] = []
  if (noLongerRead.length > 0)
    blocks.push([
      `**Values the new version no longer reads**: ${old} read them, ${next} ignores them, and Helm says nothing:`,
      ...keyLines(noLongerRead)
    ])
  if (neverRead.length > 0)
    blocks.push([
      `**Values no version reads**, neither ${old} nor ${next}, and neither declares them (a typo?):`,
      ...keyLines(neverRead)
    ])
  blocks.push([
    'Found by rendering each version with the value removed and with a marker in its place: neither changed what that version renders.'
  ])
  if (cuts) blocks.push([cuts])
  const quoted = blocks.map(block => block.map(line => `> ${line}\n`).join(''))
  return `> [!WARNING]\n${quoted.join('>\n')}\n`
}

function keyLines(keys: readonly UnreadKey[]): string[] {
  const shown = keys
    .slice(0, MAX_LISTED)
    .map(
      key =>
        `- ${inlineCode(clip(key.path, MAX_NAME))}, set in ${escapeMarkdown(clip(key.from, MAX_NAME))}`
    )
  const more = keys.length - shown.length
  return more > 0 ? [...shown, `- and ${plural(more, 'more value')}`] : shown
}
