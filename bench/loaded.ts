// Which files of dist/ a node process loaded: a module hook, passed with
// `--import` (or in NODE_OPTIONS), prints at exit every URL node loaded, so
// a run's share of the bundle is counted, import() included.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { repoRoot } from '../__tests__/helpers/paths.js'

export const DIST = path.join(repoRoot, 'dist')

/** The hook, as a data: URL for `--import`; it writes `LOADED [urls…]` to stderr at exit. */
export const LOADED_HOOK = `data:text/javascript,${encodeURIComponent(
  [
    "import { registerHooks } from 'node:module'",
    "import { writeSync } from 'node:fs'",
    'const urls = new Set()',
    'registerHooks({ load(url, context, next) { urls.add(url); return next(url, context) } })',
    "process.on('exit', () => writeSync(2, '\\nLOADED ' + JSON.stringify([...urls])))"
  ].join('\n')
)}`

/** The environment that makes a node process load the hook. */
export function loadedHookEnv(): Record<string, string> {
  return { NODE_OPTIONS: `--import ${LOADED_HOOK}` }
}

/** The files of dist/ that the hook's report (in `stderr`) names. */
export function loadedDistFiles(stderr: string): string[] {
  const line = /^LOADED (.*)$/m.exec(stderr)
  if (!line) throw new Error(`no list of loaded files:\n${stderr}`)
  return (JSON.parse(line[1]) as string[])
    .filter(url => url.startsWith('file:'))
    .map(url => fileURLToPath(url))
    .filter(file => file.startsWith(DIST + path.sep))
}

/** Bytes of the files, summed. */
export function totalBytes(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + fs.statSync(file).size, 0)
}

/** `123 KiB`. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`
}
