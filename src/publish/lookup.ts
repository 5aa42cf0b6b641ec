// Before anything is pushed: is each version already in the registry?
import * as core from '@actions/core'
import { mapLimit } from '../concurrency.js'
import { UserError } from '../errors.js'
import type { IfExists } from '../inputs.js'
import type { Manifest } from '../registry/client.js'
import type { ChartRelease } from './result.js'

/** What the publish steps read from the registry (the registry client). */
export interface RegistryReader {
  /** The digest the registry serves for the tag; undefined when it is absent. */
  manifestDigest(repository: string, tag: string): Promise<string | undefined>
  getManifest(repository: string, tag: string): Promise<Manifest | undefined>
}

const LOOKUP_CONCURRENCY = 4

/**
 * Looks every release up before anything is pushed. With `if-exists: fail`,
 * any published one stops the run (all of them named); with `skip`, their
 * record gets the served digest, and they come back to be left out.
 */
export async function lookUpAll(
  registry: RegistryReader,
  ifExists: IfExists,
  releases: ChartRelease[]
): Promise<Set<ChartRelease>> {
  const errors: UserError[] = []
  const found = await mapLimit(releases, LOOKUP_CONCURRENCY, release =>
    findPublished(registry, ifExists, release).catch((error: unknown) => {
      if (!(error instanceof UserError) || releases.length === 1) throw error
      errors.push(error)
      return undefined
    })
  )
  if (errors.length) {
    throw new UserError(errors.map(e => e.message).join('\n'), {
      file: errors[0].file,
      line: errors[0].line
    })
  }
  const published = new Set<ChartRelease>()
  releases.forEach((release, i) => {
    const digest = found[i]
    if (!digest) return
    release.digest = digest
    published.add(release)
  })
  return published
}

/**
 * Looks the version up in the registry. Absent: undefined. Present: with
 * `if-exists: fail` an error naming the digest (annotated on `version:`), with
 * `skip` the existing digest. Any doubt fails closed inside the client.
 */
async function findPublished(
  registry: RegistryReader,
  ifExists: IfExists,
  release: ChartRelease
): Promise<string | undefined> {
  const where = `${release.ref}:${release.tag}`
  const existing = await registry.manifestDigest(
    release.repositoryPath,
    release.tag
  )
  if (!existing) {
    core.info(`${where} is not published yet.`)
    return undefined
  }
  if (ifExists === 'skip') {
    core.notice(
      `${where} is already published (${existing}); 'if-exists: skip': nothing pushed.`
    )
    return existing
  }
  throw new UserError(
    `${where} is already published (digest ${existing}). ` +
      `Published versions are never overwritten: bump 'version' in ${release.file} and tag again, ` +
      "or set 'if-exists: skip' to succeed without pushing.",
    { file: release.file, line: release.versionLine }
  )
}
