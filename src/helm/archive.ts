// Unpacks a Helm .tar.gz while it downloads: one pass over the response, its
// bytes hashed and, at the same time, gunzipped and read as tar until the one
// file wanted is written. No temporary tarball, no extracted tree to copy, and
// no name from the archive reaches the log (a name could read as a workflow
// command).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { TarError, TarFileFinder, type TarLimits } from './tar-stream.js'

export interface ArchiveLimits extends TarLimits {
  /** Most bytes of the download itself, so an endless answer is cut short. */
  maxArchiveBytes: number
}

export interface TarGzOutcome {
  /** sha256 of every byte of the download, in hex. */
  sha256: string
  /** The wanted file was found and written in full. */
  written: boolean
  /**
   * Why the archive could not be read (gzip or tar), if it could not. Only
   * worth telling once the checksum matched: else the checksum is the news.
   */
  problem?: Error
}

const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
// Larger than zlib's 16 KiB default: fewer, larger writes of a ~60 MB binary.
const GUNZIP_CHUNK_BYTES = 256 * 1024

/**
 * Reads `source` to its end, hashing every byte, and writes the file that the
 * tar inside names `wanted` to `dest` (created, mode 0755). Decompression
 * stops once that file is written; the hashing does not, so the checksum is
 * always of the whole download. A failure to read the archive is returned as
 * `problem`; a failure of `source` (the network) or of writing is thrown, and
 * `dest` may then hold part of the file.
 */
export async function extractFromTarGz(
  source: Readable,
  wanted: string,
  dest: string,
  limits: Partial<ArchiveLimits> = {}
): Promise<TarGzOutcome> {
  const maxArchiveBytes = limits.maxArchiveBytes ?? MAX_ARCHIVE_BYTES
  const hash = createHash('sha256')
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES })
  const unpacking = unpack(gunzip, new TarFileFinder(wanted, limits), dest)
  let failed: unknown
  void unpacking.then(result => (failed = result.fatal))
  let bytes = 0
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (failed) throw failed
      hash.update(chunk)
      bytes += chunk.length
      if (bytes > maxArchiveBytes) {
        throw new Error(`the download is larger than ${maxArchiveBytes} bytes`)
      }
      // Destroyed once the file is written, or the archive is unreadable.
      if (!gunzip.destroyed && !gunzip.write(chunk)) await drained(gunzip)
    }
    if (!gunzip.destroyed) gunzip.end()
    const result = await unpacking
    if (result.fatal) throw result.fatal
    return { sha256: hash.digest('hex'), ...result }
  } catch (error) {
    gunzip.destroy()
    await unpacking
    throw error
  }
}

interface Unpacked {
  written: boolean
  problem?: Error
  /** A failure that is not the archive's (writing `dest`). */
  fatal?: unknown
}

/** Gunzipped bytes -> tar reader -> `dest`; never rejects. */
async function unpack(
  gunzip: Readable,
  finder: TarFileFinder,
  dest: string
): Promise<Unpacked> {
  let file: fs.promises.FileHandle | undefined
  try {
    for await (const piece of gunzip as AsyncIterable<Buffer>) {
      for (const event of finder.push(piece)) {
        if (event.kind === 'start') {
          // 'wx': a file already there means another run shares the folder.
          file = await fs.promises.open(dest, 'wx', 0o755)
          // Set outright: the umask must not make it unexecutable.
          await file.chmod(0o755)
        } else if (event.kind === 'data') {
          // A view into gunzip's output, which zlib never writes over.
          await file?.write(event.bytes)
        }
      }
      // Leaving the loop destroys gunzip: the rest is only hashed.
      if (finder.done) break
    }
    if (!finder.done) finder.finish()
    return { written: finder.found }
  } catch (error) {
    return isArchiveProblem(error)
      ? { written: false, problem: error }
      : { written: false, fatal: error }
  } finally {
    await file?.close()
  }
}

/** A tar the reader refuses, or gzip data that zlib cannot inflate. */
function isArchiveProblem(error: unknown): error is Error {
  if (error instanceof TarError) return true
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' && code.startsWith('Z_')
}

/** Resolves when `stream` takes writes again, or is gone. */
function drained(stream: NodeJS.WritableStream & Readable): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
  })
}
