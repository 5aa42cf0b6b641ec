// A streaming tar reader: fed decompressed bytes in chunks of any size, it
// reports every entry's header and hands out the data of the entries its
// caller chooses, so a Helm release is unpacked in the same pass as its
// download, and a chart package read without extracting it. Pure: it answers
// with events; the caller writes them. Reads ustar, star, GNU (long names)
// and pax headers the way Go's archive/tar does (Helm is a Go program: what
// this reader sees must be what Helm sees), and refuses what it does not read
// instead of guessing (old GNU sparse files, sizes past its limits).
import {
  BLOCK,
  checkHeaderChecksum,
  cString,
  headerName,
  headerSize,
  parsePax,
  TarError,
  type PaxRecords
} from './tar-header.js'

export { TarError }

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

/** One entry's header, as Go's reader returns it. */
export interface TarEntry {
  /** As the archive spells it (GNU long name, pax path or header), not cleaned. */
  name: string
  /** The type flag; an old-style file named with a trailing `/` is a folder ('5'). */
  type: string
  /** Bytes of data that follow (none for links, folders and devices). */
  size: number
  /** A pax GNU sparse file: its data is a map and fragments, not its bytes. */
  sparse: boolean
}

export type TarEvent =
  /** A chosen entry starts; `size` bytes of data follow. */
  | { kind: 'start'; size: number }
  /** Some of its data, a view into the chunk that was pushed (no copy). */
  | { kind: 'data'; bytes: Buffer }
  /** It is complete. */
  | { kind: 'end' }

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
  | { kind: 'chosen' }
  | { kind: 'skip' }
  /** A GNU long name or a pax header, kept to apply to the next entry. */
  | { kind: 'longName' | 'pax'; parts: Buffer[] }

/**
 * Reads a tar stream pushed in chunks and calls `choose` with every entry
 * (meta headers applied); the data of the entries it returns true for is
 * handed out as events. `choose` may throw a TarError to refuse the archive.
 * With `once`, the reader stops after the first chosen entry.
 */
export class TarReader {
  private readonly limits: TarLimits
  private phase: 'header' | 'body' | 'padding' | 'stopped' | 'ended' = 'header'
  private readonly header = Buffer.alloc(BLOCK)
  private headerFill = 0
  // A first zero block was read: the next one ends the archive.
  private zeroBlock = false
  private body: Body = { kind: 'skip' }
  private left = 0
  private padding = 0
  private total = 0
  // What meta headers say of the next entry. A pax header replaces the one
  // before it, a GNU long name wins over a pax path, and a global header
  // drops both: Go's reader keeps them only until the entry they precede.
  private pax: PaxRecords = {}
  private longName?: string

  constructor(
    private readonly choose: (entry: TarEntry) => boolean,
    limits: Partial<TarLimits> = {},
    private readonly once = false
  ) {
    this.limits = { ...DEFAULT_TAR_LIMITS, ...limits }
  }

  /** `once`, and the chosen entry was read in full. */
  get stopped(): boolean {
    return this.phase === 'stopped'
  }

  /** Nothing more is worth pushing: stopped, or the archive ended. */
  get done(): boolean {
    return this.phase === 'stopped' || this.phase === 'ended'
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
      if (this.longName !== undefined || Object.keys(this.pax).length) {
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
      // A long link name or a pax global header: nothing this reader uses;
      // Go returns a global header as an entry, which ends what came before.
      if (type === 'g') this.clearMeta()
      this.startMeta({ kind: 'skip' }, headerSize(block))
      return
    }
    if (type === 'S') {
      // Old GNU sparse entries put more headers before their data.
      throw new TarError('the archive holds a GNU sparse file, not supported')
    }
    const entry = this.entryOf(block, type)
    this.clearMeta()
    if (entry.size > this.limits.maxEntryBytes) {
      throw new TarError(
        `an entry of ${entry.size} bytes is larger than the ` +
          `${this.limits.maxEntryBytes} bytes allowed`
      )
    }
    if (!this.choose(entry)) {
      this.startBody({ kind: 'skip' }, entry.size, events)
      return
    }
    events.push({ kind: 'start', size: entry.size })
    this.startBody({ kind: 'chosen' }, entry.size, events)
  }

  /** The entry a header describes, with the meta headers before it applied. */
  private entryOf(block: Buffer, flag: string): TarEntry {
    const { pax, longName } = this
    const name = pax.sparseName || longName || pax.path || headerName(block)
    // Go reads an old-style file ('\0') named with a trailing / as a folder.
    const type = flag === '\0' && name.endsWith('/') ? '5' : flag
    const size = HEADER_ONLY.has(type) ? 0 : (pax.size ?? headerSize(block))
    return { name, type, size, sparse: pax.sparse === true }
  }

  private clearMeta(): void {
    this.pax = {}
    this.longName = undefined
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
    if (this.body.kind === 'chosen') events.push({ kind: 'data', bytes })
    // Copied: unlike data events, used at once, a header outlives its chunk.
    else if (this.body.kind !== 'skip') this.body.parts.push(Buffer.from(bytes))
  }

  private endBody(events: TarEvent[]): void {
    const body = this.body
    if (body.kind === 'chosen') {
      events.push({ kind: 'end' })
      if (this.once) {
        this.phase = 'stopped'
        return
      }
    } else if (body.kind === 'longName') {
      this.longName = cString(Buffer.concat(body.parts))
    } else if (body.kind === 'pax') {
      this.pax = parsePax(Buffer.concat(body.parts))
    }
    this.phase = this.padding > 0 ? 'padding' : 'header'
  }
}

/**
 * Finds the first regular file named `wanted` (leading `./` and `/`
 * ignored) and hands out its data; a link, folder or sparse file of that
 * name is refused. It reads no further once the file is complete.
 */
export class TarFileFinder {
  private readonly reader: TarReader

  constructor(
    private readonly wanted: string,
    limits: Partial<TarLimits> = {}
  ) {
    this.reader = new TarReader(entry => this.isWanted(entry), limits, true)
  }

  /** The wanted file was read in full. */
  get found(): boolean {
    return this.reader.stopped
  }

  /** Nothing more is worth pushing: the file was found or the archive ended. */
  get done(): boolean {
    return this.reader.done
  }

  /** Reads the next bytes of the archive; throws TarError on what it refuses. */
  push(chunk: Buffer): TarEvent[] {
    return this.reader.push(chunk)
  }

  /** See TarReader.finish. */
  finish(): void {
    this.reader.finish()
  }

  private isWanted(entry: TarEntry): boolean {
    if (normalize(entry.name) !== this.wanted) return false
    if (!REGULAR.has(entry.type) || entry.sparse) {
      const what = entry.sparse
        ? 'a sparse file'
        : (TYPE_NAMES[entry.type] ??
          `an entry of type ${JSON.stringify(entry.type)}`)
      throw new TarError(`${this.wanted} is ${what}, not a regular file`)
    }
    return true
  }
}

/** `./a/b`, `/a/b` and `a/b/` all name `a/b`. */
function normalize(name: string): string {
  return name.replace(/^(?:\.?\/)+/, '').replace(/\/+$/, '')
}
