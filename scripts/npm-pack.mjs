// Fetches one pinned npm package tarball into the git-ignored .cache/npm and
// checks it against the integrity pinned here (not only the one the registry
// serves today), so a re-published or tampered package fails setup.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..'
)

/**
 * `npm pack` of `spec` (name@exact-version) into .cache/npm; returns the
 * tarball's path after checking its sha512 against `integrity`.
 * The caller removes the tarball once it has taken what it needs.
 */
export function packPinned(spec, integrity) {
  const npmDir = path.join(root, '.cache', 'npm')
  fs.mkdirSync(npmDir, { recursive: true })
  const out = execFileSync(
    'npm',
    ['pack', spec, '--pack-destination', npmDir, '--silent'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const tgz = path.join(npmDir, out.trim().split('\n').pop())
  const actual = `sha512-${createHash('sha512').update(fs.readFileSync(tgz)).digest('base64')}`
  if (actual !== integrity) {
    fs.rmSync(tgz, { force: true })
    throw new Error(
      `${spec}: the tarball's integrity is ${actual}, expected ${integrity} ` +
        '(pinned in scripts/). Refusing to use it.'
    )
  }
  return tgz
}

/** Extracts one member of a .tgz into a fresh folder under .cache/npm. */
export function extractMember(tgz, member) {
  const unpack = fs.mkdtempSync(path.join(path.dirname(tgz), 'unpack-'))
  execFileSync('tar', ['-xzf', tgz, '-C', unpack, member])
  return { dir: unpack, file: path.join(unpack, member) }
}

/** Moves a file into place atomically, executable. */
export function installExecutable(source, target) {
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.copyFileSync(source, `${target}.tmp`)
  fs.chmodSync(`${target}.tmp`, 0o755)
  fs.renameSync(`${target}.tmp`, target)
}
