// Symbolic links that lead out of the workspace. Helm follows them when it
// packages a chart (it only warns), so a link to ~/.aws/credentials would be
// published inside the .tgz, and `chart: charts/link` would publish whatever
// folder the link points at. Checked before Helm is installed or anything sent.
import fs from 'node:fs'
import path from 'node:path'
import type { ChartDependency } from './metadata.js'
import { readChartMetadata } from './read.js'
import { UserError } from '../errors.js'
import { showable } from '../relay.js'

/** Files and folders looked at per chart, at most: a chart is small. */
export const MAX_CHART_ENTRIES = 20_000

/** True when `target` is `root` or lies under it (both absolute, resolved). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return (
    relative === '' ||
    (relative !== '..' &&
      !relative.startsWith(`..${path.sep}`) &&
      !path.isAbsolute(relative))
  )
}

/**
 * The folder a `file://` dependency names, as Helm computes it: joined to
 * the chart folder as written (lexically), absolute paths as they are.
 */
export function fileDependencyPath(
  chartDir: string,
  repository: string
): string | undefined {
  const match = /^file:\/\/(.*)$/i.exec(repository.trim())
  return match ? path.resolve(chartDir, match[1]) : undefined
}

interface Walk {
  /** The workspace's real path. */
  root: string
  workspace: string
  /** Real paths of the folders already walked (links may loop). */
  seen: Set<string>
  entries: number
}

function startWalk(workspace: string): Walk {
  const root = fs.realpathSync(workspace)
  return { root, workspace, seen: new Set(), entries: 0 }
}

/**
 * Refuses a chart folder, or anything in it, that resolves outside the
 * workspace, naming the link and where it points. Before Chart.yaml is read.
 */
export function checkChartLinks(chartDir: string, workspace: string): void {
  checkFolder(startWalk(workspace), chartDir, "Input 'chart'")
}

/** Refuses a `file://` dependency (or a link in it) that leads out of the workspace. */
export function checkFileDependencies(
  chartDir: string,
  workspace: string,
  dependencies: readonly ChartDependency[],
  chartFile: string
): void {
  const walk = startWalk(workspace)
  walk.seen.add(fs.realpathSync(chartDir))
  checkDependencies(walk, chartDir, dependencies, chartFile)
}

/** A chart folder: itself inside the workspace, then everything in it. */
function checkFolder(walk: Walk, dir: string, what: string): void {
  const real = fs.realpathSync(dir)
  if (!isInside(walk.root, real)) {
    throw new UserError(
      `${what} names ${shown(walk, dir)}, which resolves to ${showable(real)}, outside the workspace: ` +
        'the action publishes only what the workspace holds. Point it at the chart folder itself, or copy the chart into the workspace.'
    )
  }
  if (walk.seen.has(real)) return
  walk.seen.add(real)
  walkFolder(walk, dir)
}

function walkFolder(walk: Walk, dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (++walk.entries > MAX_CHART_ENTRIES) throw tooBig(walk, dir)
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walkFolder(walk, full)
    else if (entry.isSymbolicLink()) checkLink(walk, full)
  }
}

/** A link: its target must be in the workspace; a linked folder is walked too. */
function checkLink(walk: Walk, link: string): void {
  const target = linkTarget(link)
  if (!isInside(walk.root, target)) {
    throw new UserError(
      `${shown(walk, link)} is a symbolic link to ${showable(target)}, outside the workspace: ` +
        'Helm would pack what it points at into the published chart. ' +
        'Replace the link with a copy of what it should hold, or remove it.',
      { file: path.relative(walk.workspace, link) }
    )
  }
  if (!fs.existsSync(target) || !fs.statSync(target).isDirectory()) return
  if (walk.seen.has(target)) return
  walk.seen.add(target)
  walkFolder(walk, link)
}

/** Where a link leads: its real path, or for a dangling one, its text resolved. */
function linkTarget(link: string): string {
  try {
    return fs.realpathSync(link)
  } catch {
    const parent = fs.realpathSync(path.dirname(link))
    return path.resolve(parent, fs.readlinkSync(link))
  }
}

/** `file://` dependencies: inside the workspace, and walked like the chart. */
function checkDependencies(
  walk: Walk,
  chartDir: string,
  dependencies: readonly ChartDependency[],
  chartFile: string
): void {
  for (const dependency of dependencies) {
    const dir = fileDependencyPath(chartDir, dependency.repository ?? '')
    if (!dir) continue
    const real = fs.existsSync(dir) ? fs.realpathSync(dir) : dir
    if (!isInside(walk.root, real)) {
      throw new UserError(
        `${chartFile}: dependency '${showable(dependency.name)}' comes from ${showable(dependency.repository ?? '')}, ` +
          `which resolves to ${showable(real)}, outside the workspace: Helm would pack that folder into the published chart. ` +
          'Keep the dependency in the workspace (check it out there), or pull it from a chart repository.',
        { file: chartFile }
      )
    }
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue
    if (walk.seen.has(real)) continue
    checkFolder(walk, dir, `${chartFile}: dependency '${dependency.name}'`)
    checkDependencies(walk, dir, nestedDependencies(dir), chartFile)
  }
}

/** A `file://` dependency's own dependencies; none when its Chart.yaml is unreadable (Helm reports that). */
function nestedDependencies(dir: string): ChartDependency[] {
  try {
    return readChartMetadata(dir, 'Chart.yaml').dependencies
  } catch {
    return []
  }
}

function shown(walk: Walk, file: string): string {
  return showable(path.relative(walk.workspace, file) || '.')
}

function tooBig(walk: Walk, dir: string): UserError {
  return new UserError(
    `The chart holds more than ${MAX_CHART_ENTRIES} files and folders (counting under ${shown(walk, dir)}): ` +
      'each is checked for symbolic links out of the workspace before anything is sent. ' +
      'Keep build output and vendored trees out of the chart folder.'
  )
}
