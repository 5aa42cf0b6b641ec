// Before anything is pushed: is each version already in the registry?
import * as core from '@actions/core'
import { mapLimit } from '../concurrency.js'
import { UserError } from '../errors.js'
import type { IfExists } from '../inputs/release.js'
import type { RegistryReads } from '../registry/operations.js'
import type { ChartRelease } from '../record/chart-release.js'

/** What the publish steps read from the registry (the registry client). */
export type RegistryReader = Pick<
  RegistryReads,
  'manifestDigest' | 'getManifest'
>

const LOOKUP_CONCURRENCY = 4

/** Where the lookup's messages go: the log (`core`), or held for later. */
export interface LookupLog {
  info(message: string): void
  notice(message: string): void
}

/** A lookup started early, to be reported later; see `startLookUp`. */
export interface PendingLookUp {
  /** Prints the lookup's messages, then returns its answer or throws its refusal. */
  result(): Promise<Set<ChartRelease>>
}

/**
 * Starts `lookUpAll` now, holding its messages back: the lookup is plain HTTP
 * (no Helm), so it runs while Helm is installed, and its messages still appear
 * in its own log group, printed by `result`. Its failure waits for `result`
 * too: never an unhandled rejection when an earlier step fails first.
 */
export function startLookUp(
  registry: RegistryReader,
  ifExists: IfExists,
  releases: ChartRelease[]
): PendingLookUp {
  const held: (() => void)[] = []
  const log: LookupLog = {
    info: message => held.push(() => core.info(message)),
    notice: message => held.push(() => core.notice(message))
  }
  const outcome = lookUpAll(registry, ifExists, releases, log).then(
    published => ({ published }),
    (error: unknown) => ({ error })
  )
  return {
    async result() {
      const settled = await outcome
      for (const print of held.splice(0)) print()
      if ('error' in settled) throw settled.error
      return settled.published
    }
  }
}

/**
 * Looks every release up before anything is pushed. With `if-exists: fail`,
 * any published one stops the run (all of them named); with `skip`, their
 * record gets the served digest, and they come back to be left out.
 */
export async function lookUpAll(
  registry: RegistryReader,
  ifExists: IfExists,
  releases: ChartRelease[],
  log: LookupLog = core
): Promise<Set<ChartRelease>> {
  const errors: UserError[] = []
  const found = await mapLimit(releases, LOOKUP_CONCURRENCY, release =>
    findPublished(registry, ifExists, release, log).catch((error: unknown) => {
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

/** The summary's note for each release left out as already published. */
export function publishedNotes(published: Set<ChartRelease>): string[] {
  return [...published].map(
    r => `${r.name} ${r.version}: already published, 'if-exists: skip'`
  )
}

/**
 * Looks the version up in the registry. Absent: undefined. Present: with
 * `if-exists: fail` an error naming the digest (annotated on `version:`), with
 * `skip` the existing digest. Any doubt fails closed inside the client.
 */
async function findPublished(
  registry: RegistryReader,
  ifExists: IfExists,
  release: ChartRelease,
  log: LookupLog
): Promise<string | undefined> {
  const where = `${release.ref}:${release.tag}`
  const existing = await registry.manifestDigest(
    release.repositoryPath,
    release.tag
  )
  if (!existing) {
    log.info(`${where} is not published yet.`)
    return undefined
  }
  if (ifExists === 'skip') {
    log.notice(
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
