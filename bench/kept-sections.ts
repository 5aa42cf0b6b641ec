// Sections of BENCHMARKS.md that another script writes (bench/unread-values.ts
// takes 10 minutes and a fetched chart repository, so `npm run bench` does
// not run it): `npm run bench` keeps them when it rewrites the file, and
// their script replaces its own. Pure.

/** The heading of the section bench/unread-values.ts writes. */
export const UNREAD_VALUES_HEADING =
  '## Values that no longer apply: recall on real charts'

/** The section under `heading` in `text` (up to the next `## ` heading), or ''. */
export function sectionOf(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`)
  if (start === -1) return ''
  const next = text.indexOf('\n## ', start + heading.length + 2)
  return text.slice(start + 1, next === -1 ? undefined : next + 1)
}

/** `text` with the section under its heading replaced by `section`, or `section` added at the end. */
export function withSection(
  text: string,
  heading: string,
  section: string
): string {
  const old = sectionOf(text, heading)
  if (old) return text.replace(old, () => section)
  return `${text.trimEnd()}\n\n${section}`
}
