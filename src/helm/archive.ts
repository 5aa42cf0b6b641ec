// Extracts a downloaded Helm archive without streaming anything to the log.
import fs from 'node:fs'
import path from 'node:path'
import { getExecOutput } from '@actions/exec'
import * as tc from '@actions/tool-cache'
import { UserError } from '../errors.js'
import type { Platform } from './platform.js'
import { childEnv } from '../process-env.js'

/** Extracts `archive` (zip on Windows, tar.gz elsewhere) into `dest`; returns `dest`. */
export async function extractArchive(
  archive: string,
  platform: Platform,
  dest: string
): Promise<string> {
  // tc.extractZip runs its extractor silently on Windows.
  return platform.os === 'windows'
    ? tc.extractZip(archive, dest)
    : extractTar(archive, dest)
}

/**
 * `tar -xzf` with its output kept out of the log: tc.extractTar streams it,
 * and with debug logging on lists every name in the archive, names that come
 * from the download mirror (one could read as a workflow command). A failure
 * is reported through the error, whose text @actions/core escapes.
 */
async function extractTar(archive: string, dest: string): Promise<string> {
  fs.mkdirSync(dest, { recursive: true })
  const out = await getExecOutput('tar', ['-xzf', archive, '-C', dest], {
    silent: true,
    ignoreReturnCode: true,
    env: childEnv()
  })
  if (out.exitCode !== 0) {
    throw new UserError(
      `Could not extract the Helm archive ${path.basename(archive)} (tar exit code ${out.exitCode}): ` +
        `${(out.stderr || out.stdout).trim()}. The mirror at helm-download-url serves a damaged archive.`
    )
  }
  return dest
}
