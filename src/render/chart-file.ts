// One file out of a chart package (.tgz), read in memory: a values file the
// consumer names inside the chart (`valueFiles: values-prod.yaml`). Nothing is
// written to disk, so no name in the archive can point outside a folder.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

/** Chart packages are small; a larger archive is not read. */
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024
const BLOCK = 512

/**
 * A path inside a chart, normalized; undefined when it leaves the chart
 * (`../x`, an absolute path).
 */
export function chartRelativePath(relative: string): string | undefined {
  const normalized = path.posix.normalize(relative.replace(/\\/g, '/'))
  if (path.posix.isAbsolute(normalized)) return undefined
  if (normalized === '..' || normalized.startsWith('../')) return undefined
  if (normalized === '.' || normalized === '') return undefined
  return normalized
}

/**
 * The text of `relative` inside the package's chart (its top folder), or
 * undefined when the package has no such regular file.
 */
export function readChartPackageFile(
  packagePath: string,
  relative: string
): string | undefined {
  const wanted = chartRelativePath(relative)
  if (!wanted) return undefined
  for (const entry of packageEntries(fs.readFileSync(packagePath))) {
    const inside = entry.name.split('/').slice(1).join('/')
    if (entry.regular && inside === wanted) return entry.body.toString('utf8')
  }
  return undefined
}

/** The regular files of the package's chart, relative to the chart. */
export function listChartPackageFiles(packagePath: string): string[] {
  const files: string[] = []
  for (const entry of packageEntries(fs.readFileSync(packagePath))) {
    const inside = chartRelativePath(entry.name.split('/').slice(1).join('/'))
    if (entry.regular && inside) files.push(inside)
  }
  return files
}

/** The regular files under `dir` (no symlink followed), relative to it. */
export function listFolderFiles(dir: string, below = ''): string[] {
  const files: string[] = []
  const entries = fs.readdirSync(path.join(dir, below), { withFileTypes: true })
  for (const entry of entries) {
    const relative = below ? `${below}/${entry.name}` : entry.name
    if (entry.isDirectory()) files.push(...listFolderFiles(dir, relative))
    else if (entry.isFile()) files.push(relative)
  }
  return files
}

export interface TarEntry {
  name: string
  regular: boolean
  /** A folder entry: Helm skips those, and reads every other one as a file. */
  directory: boolean
  body: Buffer
}

/** The entries of a chart package (gzip, then tar), unpacked in memory within a bound. */
export function packageEntries(bytes: Uint8Array): Generator<TarEntry> {
  const tar = zlib.gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES })
  return tarEntries(tar)
}

/**
 * ustar entries, with PAX `path` records (Go's archive/tar writes them for
 * long names) and GNU long names (`L` entries), as Go's archive/tar reads them.
 */
function* tarEntries(tar: Buffer): Generator<TarEntry> {
  let offset = 0
  let longName: string | undefined
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK)
    if (header.every(byte => byte === 0)) return
    const size = parseInt(field(header, 124, 12).trim() || '0', 8)
    const type = field(header, 156, 1)
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size)
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK
    if (type === 'x' || type === 'L') {
      longName = type === 'L' ? cString(body) : (paxPath(body) ?? longName)
      continue
    }
    if (type === 'g') continue
    const prefix = field(header, 345, 155)
    const name = field(header, 0, 100)
    const fullName = longName ?? (prefix ? `${prefix}/${name}` : name)
    longName = undefined
    const regular = type === '0' || type === ''
    const directory = type === '5' || (type !== '0' && fullName.endsWith('/'))
    yield { name: fullName, regular, directory, body }
  }
}

function paxPath(body: Buffer): string | undefined {
  return /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1]
}

function cString(body: Buffer): string {
  const end = body.indexOf(0)
  return body.subarray(0, end === -1 ? body.length : end).toString('utf8')
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end === -1 ? length : end).toString('utf8')
}
