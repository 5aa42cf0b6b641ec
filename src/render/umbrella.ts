// An umbrella chart rendered with one dependency at a given version: a copy of
// the chart folder with that dependency's package in its `charts/`.
import fs from 'node:fs'
import path from 'node:path'

/**
 * Copies `chartDir` to `destination` and puts `packagePath` in its `charts/`,
 * in place of any package or folder of `dependency` committed there. A
 * symlink in the chart is refused: it could point out of the clone.
 */
export function prepareUmbrella(
  chartDir: string,
  dependency: string,
  packagePath: string,
  destination: string
): { path: string } | { error: string } {
  const symlinks: string[] = []
  fs.cpSync(chartDir, destination, {
    recursive: true,
    filter: source => {
      if (!fs.lstatSync(source).isSymbolicLink()) return true
      symlinks.push(path.relative(chartDir, source))
      return false
    }
  })
  if (symlinks.length > 0) {
    return {
      error: `the umbrella chart holds a symlink (${symlinks[0]}): not rendered`
    }
  }
  const charts = path.join(destination, 'charts')
  fs.mkdirSync(charts, { recursive: true })
  for (const entry of fs.readdirSync(charts)) {
    if (isDependencyEntry(entry, dependency)) {
      fs.rmSync(path.join(charts, entry), { recursive: true, force: true })
    }
  }
  fs.copyFileSync(packagePath, path.join(charts, path.basename(packagePath)))
  return { path: destination }
}

/** `charts/<dependency>/` or `charts/<dependency>-<version>.tgz`. */
function isDependencyEntry(entry: string, dependency: string): boolean {
  if (entry === dependency) return true
  if (!entry.startsWith(`${dependency}-`) || !entry.endsWith('.tgz'))
    return false
  return /^\d/.test(entry.slice(dependency.length + 1))
}
