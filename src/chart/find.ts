// Finding the charts of a workspace (`charts`: a folder or globs), each read
// and checked before anything is published.
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { Minimatch } from 'minimatch'
import { loadChart, type LoadedChart } from './load.js'
import { UserError } from '../errors.js'

const GLOB_CHARS = /[*?[\]{}!]/
const SKIPPED_DIRS = new Set(['.git', 'node_modules'])

/**
 * The charts the `chart` input names: each line a folder or a glob of folders
 * (`charts/*`), relative to the workspace. A named folder must hold a chart; a
 * folder a glob matches without Chart.yaml is ignored with a notice.
 */
export function findCharts(
  patterns: readonly string[],
  workspace: string
): LoadedChart[] {
  const dirs = new Set<string>()
  for (const pattern of patterns) {
    if (!GLOB_CHARS.test(pattern)) {
      dirs.add(path.resolve(workspace, pattern))
      continue
    }
    const matched = matchFolders(pattern, workspace)
    for (const dir of matched) {
      if (fs.existsSync(path.join(dir, 'Chart.yaml'))) dirs.add(dir)
      else
        core.notice(
          `${path.relative(workspace, dir)} has no Chart.yaml: not a chart, ignored.`
        )
    }
    if (matched.length === 0) {
      throw new UserError(
        `Input 'chart' has '${pattern}', which matches no folder in the workspace.`
      )
    }
  }
  const charts = [...dirs].map(dir => loadChart(dir, workspace))
  refuseDuplicateNames(charts)
  return charts
}

/** Folders under the glob's fixed prefix whose workspace path matches it. */
function matchFolders(pattern: string, workspace: string): string[] {
  const normalized = pattern.replace(/\/+$/, '')
  const segments = normalized.split('/')
  const fixed = segments.slice(
    0,
    segments.findIndex(s => GLOB_CHARS.test(s))
  )
  const start = path.resolve(workspace, ...fixed)
  if (!fs.existsSync(start)) return []
  // Compiled once, not once per folder (what minimatch() does each call).
  const glob = new Minimatch(normalized, { dot: false })
  // Sorted: readdir's order differs between file systems, the release order must not.
  return walkFolders(start)
    .sort()
    .filter(dir =>
      glob.match(path.relative(workspace, dir).split(path.sep).join('/'))
    )
}

function walkFolders(dir: string): string[] {
  const found: string[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIPPED_DIRS.has(entry.name)) continue
    const child = path.join(dir, entry.name)
    found.push(child, ...walkFolders(child))
  }
  return found
}

function refuseDuplicateNames(charts: LoadedChart[]): void {
  const seen = new Map<string, LoadedChart>()
  for (const chart of charts) {
    const other = seen.get(chart.name)
    if (other) {
      throw new UserError(
        `Two charts are named '${chart.name}' (${other.file} and ${chart.file}): they would be pushed to the same reference. Rename one, or narrow 'chart'.`,
        { file: chart.file }
      )
    }
    seen.set(chart.name, chart)
  }
}
