// Tar archives built byte by byte for the reader's tests: every header field
// is written here, so a test can get exactly one of them wrong.

export interface HeaderOptions {
  type?: string
  size?: number
  prefix?: string
  /** GNU's magic ("ustar  \0") instead of POSIX ustar's. */
  gnu?: boolean
  /** Raw bytes of the size field (e.g. base-256). */
  sizeField?: Buffer
  linkName?: string
  /** star's trailer ("tar\0" ending the block), whose prefix is 131 bytes. */
  star?: boolean
}

/** One 512-byte header with a correct checksum. */
export function header(name: string, options: HeaderOptions = {}): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 100, 'utf8')
  block.write('0000755\0', 100, 'latin1')
  block.write('0000000\0', 108, 'latin1')
  block.write('0000000\0', 116, 'latin1')
  if (options.sizeField) options.sizeField.copy(block, 124)
  else
    block.write(
      `${(options.size ?? 0).toString(8).padStart(11, '0')}\0`,
      124,
      'latin1'
    )
  block.write('00000000000\0', 136, 'latin1')
  block.write(options.type ?? '0', 156, 'latin1')
  if (options.linkName) block.write(options.linkName, 157, 100, 'utf8')
  block.write(options.gnu ? 'ustar  \0' : 'ustar\u000000', 257, 'latin1')
  if (options.prefix) block.write(options.prefix, 345, 155, 'utf8')
  if (options.star) block.write('tar\0', 508, 'latin1')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return block
}

export function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)])
}

/** A header and its data, padded to whole blocks. */
export function entry(
  name: string,
  data: Buffer | string = '',
  options: HeaderOptions = {}
): Buffer {
  const bytes = Buffer.from(data)
  return Buffer.concat([
    header(name, { size: bytes.length, ...options }),
    padded(bytes)
  ])
}

/** A pax extended header ('x', or 'g' for global) holding `records`. */
export function pax(records: Record<string, string>, type = 'x'): Buffer {
  const lines = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`
    let length = body.length + 1
    while (`${length}${body}`.length !== length) length++
    return `${length}${body}`
  })
  return entry('PaxHeaders/x', lines.join(''), { type })
}

export const END = Buffer.alloc(1024)

export const archive = (...parts: Buffer[]): Buffer => Buffer.concat(parts)
