import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..'
)

export const HELM3 = '3.17.3'
export const HELM4 = '4.1.4'
export const HELM_VERSIONS = [HELM3, HELM4] as const

/** The real Helm binary that the global setup fetched for a version. */
export function realHelm(version: string): string {
  return path.join(repoRoot, '.cache', 'helm', version, 'helm')
}

/** A fresh temporary folder; the caller removes it (see `removeDir`). */
export function tempDir(prefix = 'hor-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}
