// The one escaping module: outside text in markdown, HTML, code and tables
// shows as written, and becomes no markup, mention or issue reference.
import { describe, expect, test } from 'vitest'
import {
  cellCode,
  clip,
  escapeHtml,
  escapeMarkdown,
  fenced,
  htmlLiteral,
  htmlWithCode,
  inlineCode,
  markdownWithCode
} from '../src/markdown.js'

const ZWSP = '&#8203;'

describe('escapeMarkdown', () => {
  test.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a & b', 'a &amp; b'],
    ['@org/team pings', `@${ZWSP}org/team pings`],
    ['see #123', `see #${ZWSP}123`],
    ['#123 first', `#${ZWSP}123 first`],
    ['GH-42 and gh-7', `GH${ZWSP}-42 and gh${ZWSP}-7`],
    ['acme/app#9', `acme/app#${ZWSP}9`],
    ['me@example.com', `me@${ZWSP}example.com`],
    ['a | b', 'a \\| b'],
    [
      '`code` **b** _i_ [l](u) ![i](u)',
      '\\`code\\` \\*\\*b\\*\\* \\_i\\_ \\[l\\](u) \\!\\[i\\](u)'
    ],
    ['$x$ ~y~ back\\slash', '\\$x\\$ \\~y\\~ back\\\\slash'],
    ['line\nbreak\r\n  here', 'line break here'],
    ['\u202eevil', 'evil'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['1. ordered', '1\\. ordered'],
    ['#1 issue', `#${ZWSP}1 issue`]
  ])('%j', (text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected)
  })
})

describe('escapeHtml', () => {
  test.each([
    ['<b>"x"</b> & y', '&#60;b&#62;&#34;x&#34;&#60;/b&#62; &#38; y'],
    ['@org/team #123', `@${ZWSP}org/team #${ZWSP}123`],
    [
      '*x* _y_ `z` [w] | $',
      '&#42;x&#42; &#95;y&#95; &#96;z&#96; &#91;w&#93; &#124; &#36;'
    ],
    ['two\nlines', 'two lines'],
    ['ConfigMap apps/web-1', 'ConfigMap apps/web-1']
  ])('%j', (text, expected) => {
    expect(escapeHtml(text)).toBe(expected)
  })
})

describe('htmlWithCode', () => {
  test('a quoted name is shown whole in <code>, the sentence escaped', () => {
    expect(
      htmlWithCode(
        'signed by `o/r/.github/workflows/a.yml@refs/tags/v1` for @team'
      )
    ).toBe(
      `signed by <code>o/r/.github/workflows/a.yml@refs/tags/v1</code> for @${ZWSP}team`
    )
  })

  test('markup inside the code span stays text; an unpaired backtick is text', () => {
    expect(htmlWithCode('a `<b>&` b ` c')).toBe(
      'a <code>&#60;b&#62;&#38;</code> b &#96; c'
    )
  })
})

describe('code', () => {
  test.each([
    ['apps/web.yaml', '<code>apps/web.yaml</code>'],
    ['<img src=x>`|`', '<code>&#60;img src=x&#62;&#96;&#124;&#96;</code>'],
    ['a\\|b', '<code>a&#92;&#124;b</code>'],
    ['x\ny', '<code>&#34;x&#92;ny&#34;</code>'],
    ['', '<code>&#34;&#34;</code>'],
    ['https://x.io', '<code>https&#58;//x.io</code>'],
    ['www.x.io', '<code>www&#46;x.io</code>'],
    ['@org/team #1', '<code>&#64;org/team #1</code>'],
    ['sha256:0a ftp://x', '<code>sha256:0a ftp&#58;//x</code>']
  ])('cellCode(%j)', (text, expected) => {
    expect(cellCode(text)).toBe(expected)
  })

  test.each([
    ['a', '`a`'],
    ['a`b', '``a`b``'],
    ['`a', '`` `a ``'],
    [' a', '`  a `'],
    ['```', '```` ``` ````'],
    ['x\ny', '`"x\\ny"`'],
    ['\u202eevil', '`"\\u202eevil"`'],
    ['', '`""`']
  ])('inlineCode(%j)', (text, expected) => {
    expect(inlineCode(text)).toBe(expected)
  })

  test.each([
    ['`apps/a.yaml` updated', false, '`apps/a.yaml` updated'],
    ['`a` <b> `c`', false, '`a` &lt;b&gt; `c`'],
    ['`x` y`<img>`', false, '`x` y`<img>`'],
    ['a `b', false, 'a \\`b'],
    ['`a|b` c @me', true, '<code>a&#124;b</code> c @&#8203;me'],
    ['`c` @org/t', false, '`c` @&#8203;org/t']
  ])('markdownWithCode(%j, in a table: %s)', (text, inTable, expected) => {
    expect(markdownWithCode(text, inTable)).toBe(expected)
  })

  test('htmlLiteral keeps a command as it is, lines and all', () => {
    expect(htmlLiteral(`cosign verify a@sha256:1 \\\n  --x '<y>' "&"`)).toBe(
      "cosign verify a@sha256:1 \\\n  --x '&#60;y&#62;' &#34;&#38;&#34;"
    )
  })
})

describe('clip and fenced', () => {
  test.each([
    ['abc', 5, 'abc'],
    ['abcdef', 3, 'abc…'],
    ['😀😀😀', 2, '😀😀…'],
    ['😀😀', 2, '😀😀']
  ])('clip(%j, %i)', (text, max, expected) => {
    expect(clip(text, max)).toBe(expected)
  })

  test.each([
    ['x', '```diff\nx\n```\n'],
    ['+ ```\n', '````diff\n+ ```\n````\n'],
    ['`````', '``````diff\n`````\n``````\n']
  ])('fenced(%j)', (content, expected) => {
    expect(fenced('diff', content)).toBe(expected)
  })
})

/** A small deterministic generator of hostile strings. */
function* hostileStrings(count: number): Generator<string> {
  const alphabet = [
    '<',
    '>',
    '&',
    '|',
    '`',
    '\\',
    '@',
    '#',
    '1',
    '\n',
    ' ',
    'a',
    '*',
    '_',
    '[',
    ']',
    ':',
    '/',
    'w',
    '.',
    '\u202e',
    '😀',
    '"',
    "'",
    'GH-'
  ]
  let seed = 7
  for (let n = 0; n < count; n++) {
    let text = ''
    const length = 1 + (n % 17)
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      text += alphabet[seed % alphabet.length]
    }
    yield text
  }
}

/** What GitHub's reference filters read: the text with its entities decoded. */
function decoded(html: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>' }
  return html.replace(
    /&(?:#(\d+)|(\w+));/g,
    (whole, code?: string, name?: string) =>
      code ? String.fromCodePoint(Number(code)) : (named[name ?? ''] ?? whole)
  )
}

test('no escaped text can open a tag, split a table row, break a line or mention anyone', () => {
  for (const text of hostileStrings(2_000)) {
    for (const escaped of [escapeMarkdown(text), escapeHtml(text)]) {
      expect(escaped).not.toMatch(/[<\n\r]|(?<!\\)\|/)
      expect(decoded(escaped)).not.toMatch(/@(?!\u200b)|#(?=\d)|\bGH-(?=\d)/i)
    }
    const inCell = cellCode(text).slice('<code>'.length, -'</code>'.length)
    expect(inCell).not.toMatch(/[<>|`\\\n\r@]|:\/\/|www\./i)
  }
})
