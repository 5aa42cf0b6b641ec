// Reading the project's Markdown as GitHub shows it, for the tests of its
// documentation: where code blocks are, which anchors headings get, and the
// relative links a page holds.

/** A relative link of a page: `path` empty for a link within the page. */
export interface DocLink {
  line: number
  target: string
  path: string
  anchor: string
}

/** Each line with whether it is inside a fenced code block (fences too). */
function linesWithFences(text: string): { line: string; code: boolean }[] {
  let fence: string | undefined
  return text.split('\n').map(line => {
    const open = /^\s*(```+|~~~+)/.exec(line)
    if (open && (fence === undefined || open[1].startsWith(fence))) {
      fence = fence === undefined ? open[1] : undefined
      return { line, code: true }
    }
    return { line, code: fence !== undefined }
  })
}

/**
 * `line: length` of each line longer than `max` outside code blocks, once its
 * URLs (`https://…`, and link targets) are left out: a URL cannot be wrapped.
 */
export function longLines(text: string, max: number): string[] {
  return linesWithFences(text).flatMap(({ line, code }, index) => {
    if (code) return []
    const withoutUrls = line
      .replace(/\]\([^)]*\)/g, ']()')
      .replace(/https?:\/\/\S+/g, '')
    return withoutUrls.length > max ? [`${index + 1}: ${line.length}`] : []
  })
}

/**
 * The anchor GitHub gives a heading: lowercased, punctuation but `-` and `_`
 * dropped, spaces made `-`; a repeated one gets `-1`, `-2`…
 * (github/cmark-gfm's and github-slugger's rule).
 */
export function anchors(text: string): string[] {
  const seen = new Map<string, number>()
  return linesWithFences(text).flatMap(({ line, code }) => {
    const heading = code ? null : /^#{1,6} (.*)$/.exec(line)
    if (!heading) return []
    const base = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .trim()
      .replace(/ /g, '-')
    const count = seen.get(base)
    seen.set(base, (count ?? -1) + 1)
    return [count === undefined ? base : `${base}-${count + 1}`]
  })
}

/** The relative links of a page (not `https:`, `mailto:`…), outside code. */
export function relativeLinks(text: string): DocLink[] {
  return linesWithFences(text).flatMap(({ line, code }, index) => {
    if (code) return []
    return [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
      .map(match => match[1])
      .filter(target => !/^[a-z][a-z+.-]*:/i.test(target))
      .map(target => {
        const at = target.indexOf('#')
        return {
          line: index + 1,
          target,
          path: at < 0 ? target : target.slice(0, at),
          anchor: at < 0 ? '' : target.slice(at + 1)
        }
      })
  })
}
