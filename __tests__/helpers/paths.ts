import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
// @ts-expect-error: a plain .mjs script without type declarations
import { NODE_VERSION } from '../../scripts/fetch-node.mjs'

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..'
)

export const HELM3 = '3.17.3'
/** The first Helm 4 the project supported; still tested. */
export const HELM41 = '4.1.4'
/** The newest Helm the project tests, and the action's default. */
export const HELM4 = '4.2.3'
export const HELM_VERSIONS = [HELM3, HELM41, HELM4] as const

/** The real Helm binary that the global setup fetched for a version. */
export function realHelm(version: string): string {
  return path.join(repoRoot, '.cache', 'helm', version, 'helm')
}

/**
 * The Node 24 that setup fetched (scripts/fetch-node.mjs): the runtime
 * action.yml declares, so the bundle is run with it as a runner would.
 */
export function node24(): string {
  return path.join(repoRoot, '.cache', 'node', NODE_VERSION, 'bin', 'node')
}

/** A fresh temporary folder; the caller removes it (see `removeDir`). */
export function tempDir(prefix = 'hor-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}
