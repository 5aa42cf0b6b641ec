// The one pass over a download (sha256 + gunzip + tar -> one file), fed from
// memory: what it hashes, what it writes, and which failures it returns
// (the archive's) or throws (the source's, the disk's).
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { extractFromTarGz } from '../../src/helm/archive.js'
import { TarError } from '../../src/helm/tar-stream.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const WANTED = 'linux-amd64/helm'
// Random, so gzip cannot shrink it: several MB reach the reader in many chunks.
const BINARY = randomBytes(3 * 1024 * 1024)
const work = tempDir('hor-archive-')
let out: string

afterAll(() => removeDir(work))
beforeEach(() => {
  out = fs.mkdtempSync(path.join(work, 'out-'))
})

/** A .tar.gz made by GNU tar from `files` (name -> content or link target). */
function tarGz(files: Record<string, Buffer | string | { symlink: string }>) {
  const stage = fs.mkdtempSync(path.join(work, 'stage-'))
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(stage, name)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    if (typeof content === 'object' && 'symlink' in content) {
      fs.symlinkSync(content.symlink, file)
    } else fs.writeFileSync(file, content)
  }
  const tarball = path.join(stage, 'a.tar.gz')
  execFileSync('tar', ['-czf', tarball, '-C', stage, ...Object.keys(files)])
  return fs.readFileSync(tarball)
}

/** `bytes` as a download would arrive: in 64 KiB chunks. */
function source(bytes: Buffer): Readable {
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += 65536) {
    chunks.push(bytes.subarray(at, at + 65536))
  }
  return Readable.from(chunks)
}

const sha256 = (bytes: Buffer): string =>
  createHash('sha256').update(bytes).digest('hex')

const release = tarGz({
  'linux-amd64/LICENSE': 'Apache License\n',
  'linux-amd64/helm': BINARY,
  'linux-amd64/README.md': '# Helm\n',
  // After the binary: only hashed, never unpacked.
  'linux-amd64/zz-after': randomBytes(512 * 1024)
})

describe('one pass', () => {
  test('writes the binary alone, 0755 whatever the umask, hashes everything', async () => {
    const dest = path.join(out, 'helm')
    const umask = process.umask(0o077)
    try {
      const outcome = await extractFromTarGz(source(release), WANTED, dest)
      expect(outcome).toEqual({ sha256: sha256(release), written: true })
    } finally {
      process.umask(umask)
    }
    expect(fs.readFileSync(dest).equals(BINARY)).toBe(true)
    expect(fs.statSync(dest).mode & 0o777).toBe(0o755)
    expect(fs.readdirSync(out)).toEqual(['helm'])
  })

  test('bytes after the gzip stream are hashed too', async () => {
    const longer = Buffer.concat([release, Buffer.from('appended')])
    const dest = path.join(out, 'helm')
    const outcome = await extractFromTarGz(source(longer), WANTED, dest)
    expect(outcome.sha256).toBe(sha256(longer))
    expect(outcome.written).toBe(true)
  })

  test('a flipped byte inside the binary: only the checksum tells', async () => {
    const altered = flip(release, Math.floor(release.length / 3))
    const dest = path.join(out, 'helm')
    const outcome = await extractFromTarGz(source(altered), WANTED, dest)
    expect(outcome).toEqual({ sha256: sha256(altered), written: true })
    expect(outcome.sha256).not.toBe(sha256(release))
  })

  test('an archive without the binary: not written, no problem', async () => {
    const other = tarGz({ 'linux-amd64/LICENSE': 'x' })
    const dest = path.join(out, 'helm')
    const outcome = await extractFromTarGz(source(other), WANTED, dest)
    expect(outcome).toEqual({ sha256: sha256(other), written: false })
    expect(fs.existsSync(dest)).toBe(false)
  })
})

describe('the archive failing is returned, after hashing it all', () => {
  test.each([
    ['a flipped byte before the binary', flip(release, 40), /.+/],
    ['not gzip at all', Buffer.from('<html>not found</html>\n'), /header/],
    [
      'cut in half',
      release.subarray(0, release.length / 2),
      /unexpected end of file/
    ],
    ['gzip of a non-tar', gzipSync(Buffer.alloc(2048, 0x41)), /checksum/]
  ])('%s', async (_, bytes, reason) => {
    const dest = path.join(out, 'helm')
    const outcome = await extractFromTarGz(source(bytes), WANTED, dest)
    expect(outcome.sha256).toBe(sha256(bytes))
    expect(outcome.written).toBe(false)
    expect(outcome.problem?.message).toMatch(reason)
  })

  test('a symbolic link named like the binary: refused, not followed', async () => {
    fs.writeFileSync(path.join(out, 'target'), 'not helm')
    const linked = tarGz({
      'linux-amd64/helm': { symlink: path.join(out, 'target') }
    })
    const dest = path.join(out, 'helm')
    const outcome = await extractFromTarGz(source(linked), WANTED, dest)
    expect(outcome.problem).toBeInstanceOf(TarError)
    expect(outcome.problem?.message).toBe(
      'linux-amd64/helm is a symbolic link, not a regular file'
    )
    expect(fs.existsSync(dest)).toBe(false)
  })
})

describe('failures that are thrown', () => {
  test("the source's, mid-stream (a cut connection)", async () => {
    let sent = 0
    const broken = new Readable({
      read() {
        if (sent < 4) this.push(release.subarray(sent * 65536, ++sent * 65536))
        else
          this.destroy(
            Object.assign(new Error('aborted'), { code: 'ECONNRESET' })
          )
      }
    })
    const dest = path.join(out, 'helm')
    await expect(extractFromTarGz(broken, WANTED, dest)).rejects.toThrow(
      'aborted'
    )
  })

  test('a download larger than allowed', async () => {
    const dest = path.join(out, 'helm')
    await expect(
      extractFromTarGz(source(release), WANTED, dest, {
        maxArchiveBytes: 100_000
      })
    ).rejects.toThrow('the download is larger than 100000 bytes')
  })

  test('writing the binary (here: a file already there)', async () => {
    const dest = path.join(out, 'helm')
    fs.writeFileSync(dest, 'someone else')
    await expect(
      extractFromTarGz(source(release), WANTED, dest)
    ).rejects.toThrow(/EEXIST/)
    expect(fs.readFileSync(dest, 'utf8')).toBe('someone else')
  })
})

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[at] ^= 0xff
  return copy
}
