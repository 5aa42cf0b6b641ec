// Where a Go text/template action (`{{ … }}`) ends, as Helm's template
// engine reads it: strings, raw strings, characters and comments may hold
// `}}`, and an action holds only the characters Go's lexer accepts, so a
// stray `{{` in YAML (`# see {{` in a comment) is not taken for an action
// that runs on to the next `}}`. Pure: no I/O.

/**
 * Counts the characters a pass looks at. Tests pass one to check that the
 * work grows linearly with the text (a stopwatch fails whenever the machine
 * is busy); production passes none.
 */
export interface ScanCounter {
  chars: number
}

/** Finds the ends of the actions of one text; each search is remembered, so the work stays linear. */
export class ActionLexer {
  private readonly found = new Map<string, { from: number; at: number }>()

  constructor(
    private readonly text: string,
    private readonly counter?: ScanCounter
  ) {}

  /** The offset just past the action opening at `open`; undefined when Go's lexer would reject it. */
  end(open: number): number | undefined {
    const text = this.text
    let at = open + 2
    if (text[at] === '-' && isSpace(text.charCodeAt(at + 1))) at += 2
    if (text.startsWith('/*', at)) return this.commentEnd(at + 2)
    while (at < text.length) {
      this.count(1)
      const char = text[at]
      if (char === '}' && text[at + 1] === '}') return at + 2
      const next = this.tokenEnd(char, at)
      if (next === undefined) return undefined
      at = next
    }
    return undefined
  }

  /** Past the token starting at `at` inside an action; undefined for one Go rejects. */
  private tokenEnd(char: string, at: number): number | undefined {
    if (char === '`') {
      const close = this.next('`', at + 1)
      return close < 0 ? undefined : close + 1
    }
    if (char === '"' || char === "'") return this.quotedEnd(at)
    // `:=` declares a variable; a `:` alone is YAML, not Go.
    if (char === ':') return this.text[at + 1] === '=' ? at + 2 : undefined
    return isActionChar(this.text.charCodeAt(at)) ? at + 1 : undefined
  }

  // A comment must close right before the delimiter, with or without the
  // ` -` trim marker between.
  private commentEnd(from: number): number | undefined {
    const close = this.next('*/', from)
    if (close < 0) return undefined
    let at = close + 2
    if (isSpace(this.text.charCodeAt(at)) && this.text[at + 1] === '-') at += 2
    return this.text.startsWith('}}', at) ? at + 2 : undefined
  }

  /**
   * `text.indexOf(token, from)`, remembered: many lines (or `{{/*`) before
   * one far `{{` (or `*\/`, or backtick) would otherwise search the same
   * stretch again each time.
   */
  next(token: string, from: number): number {
    const last = this.found.get(token)
    if (last && from >= last.from && (last.at < 0 || from <= last.at))
      return last.at
    const at = this.text.indexOf(token, from)
    this.found.set(token, { from, at })
    this.count((at < 0 ? this.text.length : at + token.length) - from)
    return at
  }

  /** Past a "string" or 'c'haracter at `at`; undefined when a newline or the end comes first. */
  private quotedEnd(at: number): number | undefined {
    const text = this.text
    const quote = text[at]
    let k = at + 1
    for (; k < text.length; k++) {
      if (text[k] === '\\') k++
      else if (text[k] === quote || text[k] === '\n') break
    }
    this.count(k - at)
    return text[k] === quote ? k + 1 : undefined
  }

  /** Charges `chars` looked at to the counter, if there is one. */
  count(chars: number): void {
    if (this.counter) this.counter.chars += chars
  }
}

// Go's lexer and YAML agree on these four.
export function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10
}

/**
 * Identifiers, numbers, fields (`.a`), variables (`$a`), pipes, parentheses,
 * `,` (range), `=` and spaces; letters beyond ASCII as Go allows them.
 */
function isActionChar(code: number): boolean {
  if (isSpace(code) || code > 127) return true
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90)) return true
  if (code >= 97 && code <= 122) return true
  return '_.$|(),=-+'.includes(String.fromCharCode(code))
}
