// Reads a chart package (.tgz) the way Helm's loader does before `helm push`
// names the tag it writes: every entry's path with its first folder taken
// off (any folder: Helm merges them all into one chart), and the files that
// end up as Chart.yaml and requirements.yaml. One streamed pass, bounded;
// nothing is written to disk. chart-identity.ts decides from their texts.
// https://github.com/helm/helm/blob/main/pkg/chart/loader/archive/archive.go
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import {
  TarError,
  TarReader,
  type TarEntry,
  type TarEvent
} from '../helm/tar-stream.js'
import { Refused } from './artifact.js'
import { chartIdentity, shown, type ChartIdentity } from './chart-identity.js'

/** Unpacked bytes read at most (Helm 4 stops at 100 MiB of files). */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024
/** A Chart.yaml or requirements.yaml larger than this is no real chart's. */
export const MAX_METADATA_BYTES = 1024 * 1024

const METADATA = new Set(['Chart.yaml', 'requirements.yaml'])

/**
 * Where Helm puts an archive entry: its first folder (`top`) and its path
 * in the chart. A name with a backslash is split on backslashes (Windows
 * archives), then cleaned as Go's path.Clean does.
 */
export function helmArchivePath(name: string): { top: string; path: string } {
  const parts = name.split(name.includes('\\') ? '\\' : '/')
  return { top: parts[0], path: goClean(parts.slice(1).join('/')) }
}

/** Go's path.Clean: `a//b/./c/` → `a/b/c`, `` → `.`. */
function goClean(p: string): string {
  if (p === '') return '.'
  const n = path.posix.normalize(p)
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n
}

/**
 * The name and version `helm push` will read from the package at
 * `packagePath`; a Refused when it cannot be read or could be read two ways.
 */
export async function readPackageIdentity(
  packagePath: string
): Promise<ChartIdentity> {
  const files = new MetadataFiles()
  const reader = new TarReader(entry => files.choose(entry), {
    maxEntryBytes: MAX_UNPACKED_BYTES,
    maxTotalBytes: MAX_UNPACKED_BYTES
  })
  try {
    await pipeline(
      fs.createReadStream(packagePath),
      createGunzip(),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source)
          for (const event of reader.push(chunk)) files.take(event)
        reader.finish()
      }
    )
  } catch (error) {
    throw unreadable(error)
  }
  const chart = files.get('Chart.yaml')
  if (!chart) throw new Refused('it holds no Chart.yaml in its top folder')
  return chartIdentity(chart, files.get('requirements.yaml'))
}

/** What a failure to read the archive means, without its entries' names. */
function unreadable(error: unknown): Refused {
  if (error instanceof Refused) return error
  if (error instanceof TarError)
    return new Refused(
      `it is not a tar archive Helm can read (${error.message})`
    )
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new Refused('it is not a gzip archive')
  throw error
}

/** The entries Helm reads as the chart's metadata, and the folders seen. */
class MetadataFiles {
  private top?: string
  // Chosen while a chunk's headers are read; their events come after.
  private readonly chosen: string[] = []
  private current?: { path: string; parts: Buffer[] }
  private readonly texts = new Map<string, Buffer>()
  private readonly seen = new Set<string>()

  /** Keeps a metadata file's data; refuses what Helm would read otherwise. */
  choose(entry: TarEntry): boolean {
    if (entry.type === '5') return false
    const where = helmArchivePath(entry.name)
    if (this.top !== undefined && where.top !== this.top)
      throw new Refused(
        `it holds more than one top folder (${shown(this.top)}, ${shown(where.top)}), which Helm merges into one chart`
      )
    this.top = where.top
    if (!METADATA.has(where.path)) return false
    if (this.seen.has(where.path))
      throw new Refused(`it holds ${where.path} twice`)
    this.seen.add(where.path)
    if (entry.sparse) throw new Refused(`its ${where.path} is a sparse file`)
    if (entry.size > MAX_METADATA_BYTES)
      throw new Refused(
        `its ${where.path} is larger than ${MAX_METADATA_BYTES / 1024 / 1024} MiB`
      )
    this.chosen.push(where.path)
    return true
  }

  /** The data of the entry chosen last. */
  take(event: TarEvent): void {
    if (event.kind === 'start')
      this.current = { path: this.chosen.shift() ?? '', parts: [] }
    else if (!this.current) return
    else if (event.kind === 'data')
      this.current.parts.push(Buffer.from(event.bytes))
    else if (event.kind === 'end') {
      this.texts.set(this.current.path, Buffer.concat(this.current.parts))
      this.current = undefined
    }
  }

  /** A metadata file's bytes, when the package holds it. */
  get(file: string): Buffer | undefined {
    return this.texts.get(file)
  }
}
