// `npm run bench -- --only <measurements>` measures some rows again, and puts
// them into BENCHMARKS.md without touching the others: a whole run takes
// ten minutes, and engineers measuring different rows the same evening
// should not overwrite each other's figures. Rows are matched by their first
// cell, sections by their heading; a paragraph under the first one says what
// was measured again, when, and under what load. Pure.

/** The rows of one measurement, each its `what` cell and its table line. */
export interface RowGroup {
  rows: { what: string; line: string }[]
}

export interface PartialRun {
  /** The measurements' rows, grouped, in the report's order. */
  groups: RowGroup[]
  /** Sections: the heading's title and the whole section (heading included). */
  sections: { title: string; text: string }[]
  /** The paragraph that says what was measured again (one line). */
  note: string
  /** What tells this run's note from another's (e.g. the `--only` list). */
  noteKey: string
  /** Sections a new one goes before (e.g. the one another script writes). */
  before?: string
}

/** The first cell of a table line, as written (escapes kept). */
function firstCell(line: string): string {
  return (line.slice(1).split(/(?<!\\)\|/)[0] ?? '').trim()
}

/** `text` with the rows, sections and note of `run` put in. */
export function mergeReport(text: string, run: PartialRun): string {
  const lines = text.split('\n')
  mergeRows(lines, run.groups)
  mergeNote(lines, run)
  let merged = lines.join('\n')
  for (const section of run.sections)
    merged = putSection(merged, section, run.before)
  return merged
}

/** Replaces rows of the same `what`; a new row goes after its group's previous one, or at the table's end. */
function mergeRows(lines: string[], groups: readonly RowGroup[]): void {
  const start = lines.findIndex(line => line.startsWith('| what'))
  if (start === -1) throw new Error('no table of figures to merge into')
  const tableEnd = (): number => {
    let end = start
    while (lines[end + 1]?.startsWith('|')) end++
    return end
  }
  const at = (what: string): number =>
    lines.findIndex(
      (line, i) => i > start + 1 && i <= tableEnd() && firstCell(line) === what
    )
  for (const group of groups) {
    let previous = -1
    for (const row of group.rows) {
      const found = at(row.what)
      if (found !== -1) {
        lines[found] = row.line
        previous = found
        continue
      }
      const after = previous === -1 ? tableEnd() : previous
      lines.splice(after + 1, 0, row.line)
      previous = after + 1
    }
  }
}

/** The note replaces the one with the same key, or goes after the notes under the first paragraph. */
function mergeNote(lines: string[], run: PartialRun): void {
  const same = lines.findIndex(
    line => line.startsWith('Re-measured ') && line.includes(run.noteKey)
  )
  if (same !== -1) {
    lines[same] = run.note
    return
  }
  const measured = lines.findIndex(line => line.startsWith('Measured '))
  if (measured === -1)
    throw new Error('no "Measured …" paragraph to note under')
  let after = measured
  while (lines[after + 2]?.startsWith('Re-measured ')) after += 2
  lines.splice(after + 1, 0, '', run.note)
}

/** `text` with `section` in place of the one of its title, else before `before`, else at the end. */
function putSection(
  text: string,
  section: { title: string; text: string },
  before?: string
): string {
  const body = section.text.endsWith('\n') ? section.text : `${section.text}\n`
  const heading = `\n## ${section.title}\n`
  const start = text.indexOf(heading)
  if (start !== -1) {
    const next = text.indexOf('\n## ', start + heading.length - 1)
    const end = next === -1 ? text.length : next + 1
    const tail = next === -1 ? '' : '\n'
    return text.slice(0, start + 1) + body + tail + text.slice(end)
  }
  const anchor = before ? text.indexOf(`\n${before}\n`) : -1
  if (anchor !== -1)
    return `${text.slice(0, anchor + 1)}${body}\n${text.slice(anchor + 1)}`
  return `${text.trimEnd()}\n\n${body}`
}
