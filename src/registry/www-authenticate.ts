// Parses `WWW-Authenticate` headers (RFC 9110 section 11.6.1) the lenient way
// registries need: they differ in case, quoting and how many challenges they
// put in one header. Pure: no I/O.

/** One authentication challenge, e.g. `Bearer realm="...",service="..."`. */
export interface Challenge {
  /** The auth scheme, lowercased: `basic`, `bearer`, ... */
  scheme: string
  /** Parameters with lowercased keys and unquoted, unescaped values. */
  params: Record<string, string>
  /** The token68 form some schemes use instead of parameters (`Negotiate abc==`). */
  token68?: string
}

// tchar of RFC 9110, the characters of a scheme or parameter name.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/
// token68 followed by the end of the challenge (end of header or a comma).
const TOKEN68 = /^([A-Za-z0-9\-._~+/]+=*)[ \t]*(?:,|$)/

/** A cursor over the header text. */
class Scanner {
  pos = 0
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length
  }

  rest(): string {
    return this.text.slice(this.pos)
  }

  skipSpace(): void {
    while (!this.done && /[ \t]/.test(this.text[this.pos])) this.pos++
  }

  /** Skips whitespace and the empty list elements `,,` that RFC 9110 allows. */
  skipSeparators(): void {
    while (!this.done && /[ \t,]/.test(this.text[this.pos])) this.pos++
  }

  token(): string | undefined {
    const match = TOKEN.exec(this.rest())
    if (!match) return undefined
    this.pos += match[0].length
    return match[0]
  }

  /** A quoted string (opening quote at the cursor); `\x` stands for `x`. */
  quoted(): string {
    let value = ''
    this.pos++ // opening quote
    while (!this.done) {
      const char = this.text[this.pos++]
      if (char === '"') return value
      if (char === '\\' && !this.done) value += this.text[this.pos++]
      else value += char
    }
    return value // unterminated: keep what there is rather than fail
  }

  /** An unquoted value: lenient, up to whitespace or a comma (URLs included). */
  bare(): string {
    const match = /^[^\s,]*/.exec(this.rest())
    const value = match ? match[0] : ''
    this.pos += value.length
    return value
  }
}

/** Reads `name = value` at the cursor, or returns undefined (cursor unchanged). */
function readParam(scanner: Scanner): [string, string] | undefined {
  const start = scanner.pos
  const name = scanner.token()
  if (name === undefined) return undefined
  scanner.skipSpace()
  if (scanner.text[scanner.pos] !== '=') {
    scanner.pos = start
    return undefined
  }
  scanner.pos++
  scanner.skipSpace()
  const value =
    scanner.text[scanner.pos] === '"' ? scanner.quoted() : scanner.bare()
  return [name.toLowerCase(), value]
}

/** Reads the parameters of one challenge until the next scheme or the end. */
function readParams(scanner: Scanner, challenge: Challenge): void {
  for (;;) {
    const before = scanner.pos
    scanner.skipSeparators()
    if (scanner.done) return
    const param = readParam(scanner)
    if (!param) {
      // Not `name=`: a new challenge's scheme starts here.
      scanner.pos = before
      return
    }
    const [name, value] = param
    // A parameter name must occur once; keep the first like most clients.
    if (!Object.hasOwn(challenge.params, name)) challenge.params[name] = value
  }
}

/** Reads one challenge at the cursor; undefined when no scheme is there. */
function readChallenge(scanner: Scanner): Challenge | undefined {
  const scheme = scanner.token()
  if (scheme === undefined) {
    scanner.bare() // skip garbage up to the next separator
    if (!scanner.done) scanner.pos++
    return undefined
  }
  const challenge: Challenge = {
    scheme: scheme.toLowerCase(),
    params: {}
  }
  scanner.skipSpace()
  const token68 = TOKEN68.exec(scanner.rest())
  if (token68) {
    challenge.token68 = token68[1]
    scanner.pos += token68[1].length
    return challenge
  }
  readParams(scanner, challenge)
  return challenge
}

/**
 * Parses one or several `WWW-Authenticate` header values into their
 * challenges, in order. Never throws: malformed parts are skipped.
 */
export function parseWwwAuthenticate(
  header: string | readonly string[] | undefined
): Challenge[] {
  if (header === undefined) return []
  const values = typeof header === 'string' ? [header] : header
  const challenges: Challenge[] = []
  for (const value of values) {
    const scanner = new Scanner(value)
    for (;;) {
      scanner.skipSeparators()
      if (scanner.done) break
      const challenge = readChallenge(scanner)
      if (challenge) challenges.push(challenge)
    }
  }
  return challenges
}

/** The space-separated scopes of a challenge's `scope` parameter. */
export function challengeScopes(challenge: Challenge): string[] {
  return (challenge.params.scope ?? '').split(/\s+/).filter(s => s !== '')
}

/**
 * Scopes merged per resource, actions in first-seen order: with
 * `repository:x:pull` (a challenge to a HEAD) and `repository:x:pull,push`
 * (what a push needs) the token service is asked for `repository:x:pull,push`
 * once, so the token cached for the push can push. A scope that is not
 * `type:name:actions` is kept as it is.
 */
export function mergeScopes(scopes: string[]): string[] {
  const actions = new Map<string, string[] | undefined>()
  for (const scope of scopes) {
    const colon = scope.lastIndexOf(':')
    if (scope.indexOf(':') === colon) {
      actions.set(scope, undefined)
      continue
    }
    const resource = scope.slice(0, colon)
    const known = actions.get(resource) ?? []
    for (const action of scope.slice(colon + 1).split(','))
      if (action !== '' && !known.includes(action)) known.push(action)
    actions.set(resource, known)
  }
  return [...actions].map(([resource, list]) =>
    list === undefined ? resource : `${resource}:${list.join(',')}`
  )
}
