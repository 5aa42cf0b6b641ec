// The environment that preloads skip-wait.mjs into the bundled action: one
// wait of exactly `seconds` passes at once, and is recorded in `logFile`.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const PRELOAD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'skip-wait.mjs'
)

/** NODE_OPTIONS and the two variables skip-wait.mjs reads. */
export function skipWaitEnv(
  seconds: number,
  logFile: string
): Record<string, string> {
  return {
    NODE_OPTIONS: `--import=${pathToFileURL(PRELOAD).href}`,
    SKIP_WAIT_MS: String(seconds * 1000),
    SKIP_WAIT_LOG: logFile
  }
}

/** The waits (in milliseconds) the preload skipped, in order. */
export function skippedWaits(logFile: string): number[] {
  if (!fs.existsSync(logFile)) return []
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(Number)
}
