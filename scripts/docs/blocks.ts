// The generated blocks of a Markdown file: each sits between a start marker
// that says what writes it and an end marker, inside Prettier's ignore
// markers so that `npm run format` leaves the generated text as it is.
// Everything outside the markers is the author's and is kept byte for byte.

/** What fills one block: its name in the markers, and its text. */
export interface Block {
  name: string
  text: string
}

/** The start marker of a block (the line `replaceBlocks` looks for). */
export function startMarker(name: string): string {
  return `<!-- generated: ${name} (npm run docs writes it; edit the action.yml, not this) -->`
}

/** The end marker of a block. */
export function endMarker(name: string): string {
  return `<!-- end generated: ${name} -->`
}

/**
 * `markdown` with every block's text put between its markers. A block whose
 * markers are missing, doubled or out of order is an error naming it and the
 * file, never a silent skip.
 */
export function replaceBlocks(
  markdown: string,
  blocks: Block[],
  file: string
): string {
  let result = markdown
  for (const block of blocks) {
    const start = startMarker(block.name)
    const end = endMarker(block.name)
    const from = result.indexOf(start)
    const to = result.indexOf(end)
    const once =
      from >= 0 &&
      result.indexOf(start, from + 1) < 0 &&
      result.indexOf(end, to + 1) < 0
    if (!once || to < from) {
      throw new Error(
        `${file}: the block '${block.name}' needs its two marker lines, once each and in order:\n${start}\n${end}`
      )
    }
    const body = `${start}\n\n${block.text.trimEnd()}\n\n`
    result = result.slice(0, from) + body + result.slice(to)
  }
  return result
}

/**
 * A block as it is written into a file for the first time: its markers
 * inside Prettier's ignore markers, and an empty body for `replaceBlocks`.
 */
export function emptyBlock(name: string): string {
  return [
    '<!-- prettier-ignore-start -->',
    startMarker(name),
    endMarker(name),
    '<!-- prettier-ignore-end -->'
  ].join('\n')
}
