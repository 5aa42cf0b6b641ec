// The fields of one tar header block, read as Go's archive/tar reads them
// (Helm is a Go program: what it unpacks is what Go's reader sees). Pure.
// https://github.com/golang/go/blob/master/src/archive/tar/reader.go
// https://github.com/golang/go/blob/master/src/archive/tar/format.go

/** An archive this reader will not read; the text names no archive entry. */
export class TarError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TarError'
  }
}

/** Tar's unit: every header, and every entry's data padded to whole blocks. */
export const BLOCK = 512

/** The text of a NUL-terminated field. */
export function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0)
  return bytes.toString('utf8', 0, end === -1 ? bytes.length : end)
}

/**
 * The entry's name: the prefix field joined to the name field. Only POSIX
 * ustar has a prefix (old GNU headers keep times there); star, whose block
 * ends in "tar\0", has a shorter one (131 bytes), as Go reads them.
 */
export function headerName(block: Buffer): string {
  const name = cString(block.subarray(0, 100))
  if (block.toString('latin1', 257, 263) !== 'ustar\0') return name
  const star = block.toString('latin1', 508, 512) === 'tar\0'
  const prefix = cString(block.subarray(345, star ? 476 : 500))
  return prefix ? `${prefix}/${name}` : name
}

/** The size field: how many bytes of data follow the header. */
export function headerSize(block: Buffer): number {
  return parseNumber(block.subarray(124, 136), 'size')
}

/** Octal text, or GNU's base-256 for large values (first byte 0x80). */
export function parseNumber(field: Buffer, what: string): number {
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
export function checkHeaderChecksum(block: Buffer): void {
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

/** The pax records a reader uses: `path`, `size` and GNU sparse ones. */
export interface PaxRecords {
  path?: string
  size?: number
  sparse?: boolean
  /** GNU.sparse.name: the sparse file's real name, which wins over `path`. */
  sparseName?: string
}

/** Parses a pax extended header's records. */
export function parsePax(data: Buffer): PaxRecords {
  const found: PaxRecords = {}
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
    readRecord(found, record.slice(0, equals), record.slice(equals + 1))
  }
  return found
}

/** One record into `found`; an empty value keeps the header's (as Go). */
function readRecord(found: PaxRecords, key: string, value: string): void {
  if (key === 'path' && value !== '') found.path = value
  else if (key === 'size' && value !== '') {
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new TarError('a pax header has an unreadable size')
    }
    found.size = Number(value)
  } else if (key.startsWith('GNU.sparse.')) {
    found.sparse = true
    if (key === 'GNU.sparse.name') found.sparseName = value
  }
}
