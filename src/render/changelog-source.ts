// Reads a bump's changelog from the registry: the tags, then the config blob
// of each version in the range (a few kilobytes each: no package is pulled).
// Nothing here fails the release: what cannot be read becomes a note.
import semver from 'semver'
import { mapLimit } from '../concurrency.js'
import { errorMessage } from '../errors.js'
import { HELM_CHART_CONFIG, type ConfigBlob } from '../registry/oci-manifest.js'
import {
  changelogEntry,
  versionsBetween,
  type Changelog,
  type TaggedVersion
} from './changelog.js'
import type { ChangelogEntry } from './changelog.js'

/** What the changelog needs of the registry (RegistryClient has it). */
export interface ChangelogRegistry {
  listTags(repository: string): Promise<string[]>
  getConfig(
    repository: string,
    reference: string
  ): Promise<ConfigBlob | undefined>
}

// Config reads in flight at once: small requests, and the registry's rate
// limits are shared with the rest of the run.
const CONFIG_READS_IN_FLIGHT = 4

/**
 * The changelog of `repositoryPath` (e.g. `charts/app`) from `oldVersion`
 * (exclusive) to `newVersion` (inclusive), newest first. Never throws.
 */
export async function readChangelog(
  registry: ChangelogRegistry,
  repositoryPath: string,
  oldVersion: string,
  newVersion: string
): Promise<Changelog> {
  const changelog: Changelog = {
    from: oldVersion,
    to: newVersion,
    entries: [],
    omitted: 0,
    notes: []
  }
  if (!semver.valid(oldVersion) || !semver.valid(newVersion))
    return { ...changelog, notes: ['the versions are not both SemVer'] }
  let tags: string[]
  try {
    tags = await registry.listTags(repositoryPath)
  } catch (error) {
    const note = `the registry's tags could not be listed: ${errorMessage(error)}`
    return { ...changelog, notes: [note] }
  }
  const range = versionsBetween(tags, oldVersion, newVersion)
  const entries = await mapLimit(
    range.versions,
    CONFIG_READS_IN_FLIGHT,
    tagged => readEntry(registry, repositoryPath, tagged)
  )
  return { ...changelog, entries, omitted: range.omitted }
}

/** One version's entry from its config blob; a note when it cannot be read. */
async function readEntry(
  registry: ChangelogRegistry,
  repository: string,
  { version, tag }: TaggedVersion
): Promise<ChangelogEntry> {
  const unread = (note: string): ChangelogEntry => ({
    version,
    deprecated: false,
    changes: [],
    notes: [note]
  })
  try {
    const config = await registry.getConfig(repository, tag)
    if (!config) return unread('not found in the registry')
    if (config.mediaType !== HELM_CHART_CONFIG)
      return unread(`its config is ${config.mediaType}, not a Helm chart's`)
    return changelogEntry(version, config.body)
  } catch (error) {
    return unread(`its config could not be read: ${errorMessage(error)}`)
  }
}
