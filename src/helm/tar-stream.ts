// A streaming tar reader that finds one regular file and hands out its bytes,
// so a Helm release is unpacked in the same pass as its download. Pure: it is
// fed decompressed bytes and answers with events; the caller writes them.
// Reads ustar, GNU (long names) and pax headers, like Go's archive/tar, and
// refuses what it does not read instead of guessing (sparse files, links or
// folders named like the wanted file, sizes past its limits).

/** An archive this reader will not read; the text names no archive entry. */
export class TarError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TarError'
  }
}

export interface TarLimits {
  /** Largest data of one entry, in bytes. */
  maxEntryBytes: number
  /** Largest GNU long name or pax header, in bytes (kept in memory). */
  maxHeaderBytes: number
  /** Most bytes read in all, so a small gzip cannot make the reader spin forever. */
  maxTotalBytes: number
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  // A Helm binary is about 60 MB.
  maxEntryBytes: 512 * 1024 * 1024,
  maxHeaderBytes: 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024
}

export type TarEvent =
  /** The wanted file starts; `size` bytes of data follow. */
  | { kind: 'start'; size: number }
  /** Some of its data, a view into the chunk that was pushed (no copy). */
  | { kind: 'data'; bytes: Buffer }
  /** It is complete; the reader reads no further. */
  | { kind: 'end' }

const BLOCK = 512
const REGULAR = new Set(['0', '\0', '7'])
// Types without data, whatever their size field says (as Go reads them).
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6'])
const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '5': 'a folder',
  '6': 'a FIFO'
}

type Body =
  | { kind: 'wanted' }
  | { kind: 'skip' }
  /** A GNU long name or a pax header, kept to apply to the next entry. */
  | { kind: 'longName' | 'pax'; parts: Buffer[] }

/** What the headers before an entry say about it. */
interface Pending {
  name?: string
  size?: number
  sparse?: boolean
}

/**
 * Reads a tar stream pushed in chunks of any size and reports the data of
 * the first regular file named `wanted` (leading `./` and `/` ignored).
 */
export class TarFileFinder {
  private readonly limits: TarLimits
  private phase: 'header' | 'body' | 'padding' | 'found' | 'ended' = 'header'
  private readonly header = Buffer.alloc(BLOCK)
  private headerFill = 0
  // A first zero block was read: the next one ends the archive.
  private zeroBlock = false
  private body: Body = { kind: 'skip' }
  private left = 0
  private padding = 0
  private total = 0
  private pending: Pending = {}

  constructor(
    private readonly wanted: string,
    limits: Partial<TarLimits> = {}
  ) {
    this.limits = { ...DEFAULT_TAR_LIMITS, ...limits }
  }

  /** The wanted file was read in full. */
  get found(): boolean {
    return this.phase === 'found'
  }

  /** Nothing more is worth pushing: the file was found or the archive ended. */
  get done(): boolean {
    return this.phase === 'found' || this.phase === 'ended'
  }

  /** Reads the next bytes of the archive; throws TarError on what it refuses. */
  push(chunk: Buffer): TarEvent[] {
    const events: TarEvent[] = []
    if (this.done) return events
    this.total += chunk.length
    if (this.total > this.limits.maxTotalBytes) {
      throw new TarError(
        `the archive holds more than ${this.limits.maxTotalBytes} bytes`
      )
    }
    let at = 0
    while (at < chunk.length && !this.done) {
      if (this.phase === 'header') {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at)
        chunk.copy(this.header, this.headerFill, at, at + n)
        this.headerFill += n
        at += n
        if (this.headerFill === BLOCK) {
          this.headerFill = 0
          this.onHeader(events)
        }
      } else if (this.phase === 'body') {
        const n = Math.min(this.left, chunk.length - at)
        this.onData(chunk.subarray(at, at + n), events)
        at += n
        this.left -= n
        if (this.left === 0) this.endBody(events)
      } else {
        const n = Math.min(this.padding, chunk.length - at)
        at += n
        this.padding -= n
        if (this.padding === 0) this.phase = 'header'
      }
    }
    return events
  }

  /**
   * Says the input ended. Throws TarError when it ended inside an entry or
   * before the end-of-archive marker; otherwise the archive was whole.
   */
  finish(): void {
    if (this.done || (this.zeroBlock && this.headerFill === 0)) return
    throw new TarError(
      this.phase === 'header' && this.headerFill === 0
        ? 'the archive ends without its end-of-archive marker: it is truncated'
        : 'the archive ends in the middle of an entry: it is truncated'
    )
  }

  private onHeader(events: TarEvent[]): void {
    const block = this.header
    if (block.every(byte => byte === 0)) {
      if (this.pending.name !== undefined || this.pending.size !== undefined) {
        throw new TarError('a long name or pax header is followed by no entry')
      }
      if (this.zeroBlock) this.phase = 'ended'
      this.zeroBlock = true
      return
    }
    if (this.zeroBlock) {
      throw new TarError('an entry follows the end-of-archive marker')
    }
    checkHeaderChecksum(block)
    const type = String.fromCharCode(block[156])
    if (type === 'L' || type === 'x') {
      const kind = type === 'L' ? 'longName' : 'pax'
      this.startMeta({ kind, parts: [] }, headerSize(block))
      return
    }
    if (type === 'K' || type === 'g') {
      // A long link name or a pax global header: nothing this reader uses.
      this.startMeta({ kind: 'skip' }, headerSize(block))
      return
    }
    if (type === 'S') {
      // Old GNU sparse entries put more headers before their data.
      throw new TarError('the archive holds a GNU sparse file, not supported')
    }
    const pending = this.pending
    this.pending = {}
    const name = normalize(pending.name ?? headerName(block))
    const size = HEADER_ONLY.has(type) ? 0 : (pending.size ?? headerSize(block))
    if (size > this.limits.maxEntryBytes) {
      throw new TarError(
        `an entry of ${size} bytes is larger than the ` +
          `${this.limits.maxEntryBytes} bytes allowed`
      )
    }
    if (name !== this.wanted) {
      this.startBody({ kind: 'skip' }, size, events)
      return
    }
    if (!REGULAR.has(type) || pending.sparse) {
      const what = pending.sparse
        ? 'a sparse file'
        : (TYPE_NAMES[type] ?? `an entry of type ${JSON.stringify(type)}`)
      throw new TarError(`${this.wanted} is ${what}, not a regular file`)
    }
    events.push({ kind: 'start', size })
    this.startBody({ kind: 'wanted' }, size, events)
  }

  /** A long name or pax header: its data is kept in memory, so bounded. */
  private startMeta(body: Body, size: number): void {
    if (size > this.limits.maxHeaderBytes) {
      throw new TarError(
        `a long name or pax header of ${size} bytes is larger than the ` +
          `${this.limits.maxHeaderBytes} bytes allowed`
      )
    }
    this.startBody(body, size, [])
  }

  private startBody(body: Body, size: number, events: TarEvent[]): void {
    this.body = body
    this.left = size
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK
    this.phase = 'body'
    if (size === 0) this.endBody(events)
  }

  private onData(bytes: Buffer, events: TarEvent[]): void {
    if (this.body.kind === 'wanted') events.push({ kind: 'data', bytes })
    // Copied: unlike data events, used at once, a header outlives its chunk.
    else if (this.body.kind !== 'skip') this.body.parts.push(Buffer.from(bytes))
  }

  private endBody(events: TarEvent[]): void {
    const body = this.body
    if (body.kind === 'wanted') {
      events.push({ kind: 'end' })
      this.phase = 'found'
      return
    }
    if (body.kind === 'longName') {
      this.pending.name = cString(Buffer.concat(body.parts))
    } else if (body.kind === 'pax') {
      Object.assign(this.pending, parsePax(Buffer.concat(body.parts)))
    }
    this.phase = this.padding > 0 ? 'padding' : 'header'
  }
}

/** `./a/b`, `/a/b` and `a/b/` all name `a/b`. */
function normalize(name: string): string {
  return name.replace(/^(?:\.?\/)+/, '').replace(/\/+$/, '')
}

/** The text of a NUL-terminated field. */
function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0)
  return bytes.toString('utf8', 0, end === -1 ? bytes.length : end)
}

/** The entry's name: ustar's prefix joined to its name field. */
function headerName(block: Buffer): string {
  const name = cString(block.subarray(0, 100))
  // Only POSIX ustar has a prefix; old GNU headers keep times there.
  if (block.toString('latin1', 257, 263) !== 'ustar\0') return name
  const prefix = cString(block.subarray(345, 500))
  return prefix ? `${prefix}/${name}` : name
}

function headerSize(block: Buffer): number {
  return parseNumber(block.subarray(124, 136), 'size')
}

/** Octal text, or GNU's base-256 for large values (first byte 0x80). */
function parseNumber(field: Buffer, what: string): number {
  if (field[0] & 0x80) {
    if (field[0] !== 0x80) throw new TarError(`a header has a negative ${what}`)
    let value = 0
    for (const byte of field.subarray(1)) {
      value = value * 256 + byte
      if (value > Number.MAX_SAFE_INTEGER) {
        throw new TarError(`a header has a ${what} too large to read`)
      }
    }
    return value
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim()
  if (!/^[0-7]*$/.test(text)) {
    throw new TarError(`a header's ${what} is not a number: not a tar archive`)
  }
  return text === '' ? 0 : parseInt(text, 8)
}

/** The sum of the header's bytes with the checksum field read as spaces. */
function checkHeaderChecksum(block: Buffer): void {
  const stored = parseNumber(block.subarray(148, 156), 'checksum')
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  // Some old tars summed signed bytes; both are accepted, as GNU tar does.
  if (stored !== unsigned && stored !== signed) {
    throw new TarError(
      'a header checksum does not match: not a tar archive, or a damaged one'
    )
  }
}

/** The pax records this reader uses: `path`, `size` and GNU sparse ones. */
function parsePax(data: Buffer): Pending {
  const found: Pending = {}
  let at = 0
  while (at < data.length) {
    const space = data.indexOf(0x20, at)
    const length = Number(data.toString('latin1', at, space))
    if (
      space === -1 ||
      !/^[1-9][0-9]*$/.test(data.toString('latin1', at, space)) ||
      at + length > data.length ||
      at + length - 1 <= space ||
      data[at + length - 1] !== 0x0a
    ) {
      throw new TarError('a pax header is damaged')
    }
    const record = data.toString('utf8', space + 1, at + length - 1)
    at += length
    const equals = record.indexOf('=')
    if (equals <= 0) throw new TarError('a pax header is damaged')
    const key = record.slice(0, equals)
    const value = record.slice(equals + 1)
    if (key === 'path' && value !== '') found.name = value
    else if (key === 'size' && value !== '') {
      if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new TarError('a pax header has an unreadable size')
      }
      found.size = Number(value)
    } else if (key.startsWith('GNU.sparse.')) {
      found.sparse = true
      if (key === 'GNU.sparse.name') found.name = value
    }
  }
  return found
}
