// sha256 as the action uses it: of bytes in memory (manifests), and of a file
// streamed (Helm archives, chart packages), in hex; `sha256:` in front makes
// an OCI digest.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

export async function fileSha256Hex(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(fs.createReadStream(file), hash)
  return hash.digest('hex')
}
