// GitOps files are edited as text but must come back byte for byte, whatever
// their encoding: only the version scalar changes. UTF-8 round-trips exactly;
// a file that is not valid UTF-8 but keeps ASCII for ASCII (Latin-1,
// Windows-1252, EUC…: old repositories have such comments) is read one byte
// per character, so YAML's ASCII syntax and offsets stay as they are and the
// other bytes are written back untouched. Files where ASCII characters are not
// single bytes (UTF-16/32) or that hold NUL bytes are not edited at all.

/** How a file's bytes were turned into text, to turn them back the same way. */
export type FileEncoding = 'utf8' | 'latin1'

export type Decoded =
  { text: string; encoding: FileEncoding } | { refused: string }

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

// Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
const BYTE_ORDER_MARKS: [number[], string][] = [
  [[0x00, 0x00, 0xfe, 0xff], 'UTF-32'],
  [[0xff, 0xfe, 0x00, 0x00], 'UTF-32'],
  [[0xfe, 0xff], 'UTF-16'],
  [[0xff, 0xfe], 'UTF-16']
]

/** The file as text, or why it cannot be edited safely. */
export function decodeFile(bytes: Uint8Array): Decoded {
  const bom = BYTE_ORDER_MARKS.find(([mark]) =>
    mark.every((byte, i) => bytes[i] === byte)
  )
  if (bom)
    return { refused: `it is ${bom[1]} (it starts with a byte-order mark)` }
  if (bytes.includes(0)) {
    return {
      refused:
        'it holds NUL bytes (a binary file, or UTF-16/32 without a byte-order mark)'
    }
  }
  try {
    return { text: UTF8.decode(bytes), encoding: 'utf8' }
  } catch {
    return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' }
  }
}

/**
 * The bytes of `text` in the encoding it was read with.
 * @throws Error when the text cannot be written back in a one-byte encoding (a bug: edits only insert ASCII).
 */
export function encodeFile(text: string, encoding: FileEncoding): Buffer {
  // eslint-disable-next-line no-control-regex
  if (encoding === 'latin1' && /[^\u0000-\u00ff]/.test(text)) {
    throw new Error('An edit put a non-Latin-1 character in a one-byte file.')
  }
  return Buffer.from(text, encoding)
}

/** Each file's new text as bytes, in the encoding it was read with (UTF-8 when unknown). */
export function encodeFiles(
  texts: ReadonlyMap<string, string>,
  encodings: ReadonlyMap<string, FileEncoding>
): Map<string, Buffer> {
  const bytes = new Map<string, Buffer>()
  for (const [file, text] of texts) {
    bytes.set(file, encodeFile(text, encodings.get(file) ?? 'utf8'))
  }
  return bytes
}
