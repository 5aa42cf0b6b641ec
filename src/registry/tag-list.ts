// Reading a repository's tag list page by page (`Link: <…>; rel="next"`),
// for RegistryClient.listTags. No I/O of its own: the client reads each page.
import { Failure } from './failures.js'

/** At most this many tags, over at most this many pages: a bounded read. */
export const MAX_TAGS = 10_000
export const MAX_TAG_PAGES = 100

/** The tags of one `GET /v2/<name>/tags/list` page (`tags` may be null). */
export function tagsOfPage(body: Buffer): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new Failure(
      'the registry answered the tag list with something that is not JSON',
      'Check the registry.'
    )
  }
  const tags = (parsed as { tags?: unknown } | null)?.tags
  if (tags === null || tags === undefined) return []
  if (!Array.isArray(tags) || tags.some(tag => typeof tag !== 'string'))
    throw new Failure(
      'the registry answered the tag list without a list of tags',
      'Check the registry.'
    )
  return tags as string[]
}

// One link-value of an RFC 8288 Link header whose rel is "next".
const NEXT_LINK = /<([^>]*)>[^,]*;\s*rel="?next"?(?=[\s;,]|$)/i

/**
 * The URL of the next page (of a tag list, or of `what`) from a
 * `Link: <…>; rel="next"` header, or undefined on the last page. The link is
 * resolved against the page's URL and must stay on the same origin and path:
 * the registry's credentials go with it, so a link elsewhere is refused
 * rather than followed.
 */
export function nextPageUrl(
  link: string | string[] | undefined,
  page: URL,
  what = 'tag list'
): URL | undefined {
  const header = Array.isArray(link) ? link.join(', ') : link
  const target = header ? NEXT_LINK.exec(header)?.[1] : undefined
  if (target === undefined) return undefined
  let next: URL | undefined
  try {
    next = new URL(target, page)
  } catch {
    next = undefined
  }
  if (next?.origin !== page.origin || next.pathname !== page.pathname)
    throw new Failure(
      `the registry's ${what} links its next page outside the ${what} (${target.slice(0, 200)})`,
      'Check the registry.'
    )
  return next
}

/** One tag-list page as read: its body and its Link header. */
export interface TagPage {
  body: Buffer
  link: string | string[] | undefined
}

/**
 * Every tag, from `first` on through the next-page links; undefined when the
 * first page is absent (no such repository). More than MAX_TAGS tags or
 * MAX_TAG_PAGES pages is a Failure rather than a silently partial list.
 */
export async function collectTags(
  first: URL,
  readPage: (url: URL) => Promise<TagPage | undefined>
): Promise<string[] | undefined> {
  const tags: string[] = []
  let url: URL | undefined = first
  for (let pages = 0; url; pages++) {
    if (pages === MAX_TAG_PAGES || tags.length > MAX_TAGS)
      throw new Failure(
        `the repository has more than ${MAX_TAGS} tags or ${MAX_TAG_PAGES} pages of them`,
        'Delete old tags, or ask the registry for larger pages.'
      )
    const page = await readPage(url)
    if (!page) return pages === 0 ? undefined : tags
    tags.push(...tagsOfPage(page.body))
    url = nextPageUrl(page.link, url)
  }
  if (tags.length > MAX_TAGS)
    throw new Failure(
      `the repository has more than ${MAX_TAGS} tags`,
      'Delete old tags.'
    )
  return tags
}
