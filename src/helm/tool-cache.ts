// The runner's tool cache as @actions/tool-cache lays it out, so `tc.find`
// finds what the installer puts there: `$RUNNER_TOOL_CACHE/<tool>/<version>/
// <arch>`, complete once `<arch>.complete` exists beside it. A download is
// staged next to its final folder, on the same file system, and moved in by
// one rename; the marker is written last, so an interrupted run never leaves
// an entry that looks complete.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import * as io from '@actions/io'
// semver's functions one by one: its index loads all of semver on every run.
import semverClean from 'semver/functions/clean.js'

export interface ToolCacheEntry {
  /** The folder tc.find returns. */
  folder: string
  /** The file whose presence makes the entry complete. */
  marker: string
}

/** Where an entry lives, named as tc.cacheDir names it (semver-cleaned). */
export function toolCacheEntry(
  root: string,
  tool: string,
  version: string,
  arch: string
): ToolCacheEntry {
  const folder = path.join(root, tool, semverClean(version) ?? version, arch)
  return { folder, marker: `${folder}.complete` }
}

/**
 * The folder of a complete entry, or undefined: what `tc.find` answers for an
 * exact version, without loading @actions/tool-cache (and its HTTP client)
 * on every release.
 */
export function findInToolCache(
  tool: string,
  version: string,
  arch: string
): string | undefined {
  const root = process.env.RUNNER_TOOL_CACHE
  if (!root) return undefined
  const entry = toolCacheEntry(root, tool, version, arch)
  // The line tc.find wrote, for runs with debug logging on.
  core.debug(`checking cache: ${entry.folder}`)
  return fs.existsSync(entry.marker) && fs.existsSync(entry.folder)
    ? entry.folder
    : undefined
}

/** A fresh staging folder's path beside the entry, e.g. `x64.staging-<uuid>`. */
export function stagingFolder(entry: ToolCacheEntry, id: string): string {
  return `${entry.folder}.staging-${id}`
}

/** `$RUNNER_TOOL_CACHE`, which tc.find reads too. */
export function toolCacheRoot(): string {
  const dir = process.env.RUNNER_TOOL_CACHE
  if (!dir) {
    throw new Error('RUNNER_TOOL_CACHE is not set; is this a GitHub runner?')
  }
  return dir
}

/** Creates an empty staging folder for `entry`; returns its path. */
export async function createStaging(entry: ToolCacheEntry): Promise<string> {
  const staging = stagingFolder(entry, randomUUID())
  await fs.promises.mkdir(staging, { recursive: true })
  return staging
}

/**
 * Moves a checked staging folder into place and marks the entry complete. A
 * leftover of an earlier run (a folder without marker, or a marker without
 * folder) is replaced, as tc.cacheDir does.
 */
export async function commitStaging(
  staging: string,
  entry: ToolCacheEntry
): Promise<void> {
  await io.rmRF(entry.marker)
  await io.rmRF(entry.folder)
  await fs.promises.rename(staging, entry.folder)
  await fs.promises.writeFile(entry.marker, '')
}

/**
 * What is wrong with a cached binary, cheaply (no process started), or
 * undefined when it is a file the runner can execute.
 */
export function cachedBinaryProblem(binary: string): string | undefined {
  let stat: fs.Stats
  try {
    stat = fs.statSync(binary)
  } catch {
    return `it has no ${path.basename(binary)}`
  }
  if (!stat.isFile()) return `its ${path.basename(binary)} is not a file`
  // Windows has no execute bit to check.
  if (process.platform === 'win32') return undefined
  try {
    fs.accessSync(binary, fs.constants.X_OK)
  } catch {
    return `its ${path.basename(binary)} is not executable`
  }
  return undefined
}
