// Chart.lock after a Chart.yaml dependency bump: what `helm dependency update`
// writes, or why the lock is left alone. Pure.
//
// Helm's Resolver (internal/resolver/resolver.go) locks each dependency in
// Chart.yaml's order as {name, repository, version}: an OCI dependency pinned
// to a version locks that string as written; a range resolves against the
// registry's tags (or an index), so the newest match, which only Helm can
// know, would be locked. The lock is therefore rewritten only when every
// dependency other than the bumped ones keeps its lock entry under Helm's
// rules without asking any server (see `keepsItsEntry`).
import { classifyVersion } from '../version-range.js'
import { lockDigest, type HelmDependency } from './helm-digest.js'
import { renderLock } from './lock-yaml.js'
import { readChartDependencies, readChartLock } from './read-dependencies.js'

export interface LockInput {
  /** Chart.yaml before the bump, and after it. */
  chartBefore: string
  chartAfter: string
  /** Chart.lock as committed. */
  lock: string
  /** When the lock is written (Helm: time.Now()). */
  now: Date
}

/** A dependency whose lock entry moves. */
export interface LockedMove {
  name: string
  from: string
  to: string
}

export type LockUpdate =
  { text: string; moved: LockedMove[] } | { leftAlone: string }

/** The new Chart.lock, or why it stays as it is. */
export function updateChartLock(input: LockInput): LockUpdate {
  const before = readChartDependencies(input.chartBefore)
  const after = readChartDependencies(input.chartAfter)
  const lock = readChartLock(input.lock)
  if ('reason' in before) return { leftAlone: before.reason }
  if ('reason' in after) return { leftAlone: after.reason }
  if ('reason' in lock) return { leftAlone: lock.reason }
  // Our reading of the lock must reproduce its digest, or we would hash differently from Helm.
  if (lockDigest(before.value, lock.value.dependencies) !== lock.value.digest)
    return {
      leftAlone:
        'Chart.lock was not in sync with Chart.yaml before the bump (its digest does not match)'
    }
  const locked = lockEntries(before.value, after.value, lock.value.dependencies)
  if ('leftAlone' in locked) return locked
  const digest = lockDigest(after.value, locked.entries)
  const text = renderLock(locked.entries, digest, input.now)
  if (text === undefined)
    return {
      leftAlone:
        'a Chart.lock value needs YAML quoting this action does not reproduce'
    }
  return { text, moved: locked.moved }
}

type Entries =
  { entries: HelmDependency[]; moved: LockedMove[] } | { leftAlone: string }

function lockEntries(
  before: readonly HelmDependency[],
  after: readonly HelmDependency[],
  lock: readonly HelmDependency[]
): Entries {
  if (before.length !== after.length || before.length !== lock.length)
    return {
      leftAlone: 'Chart.yaml and Chart.lock list different dependencies'
    }
  const entries: HelmDependency[] = []
  const moved: LockedMove[] = []
  for (let i = 0; i < after.length; i++) {
    const problem = sameExceptVersion(before[i], after[i])
    if (problem) return { leftAlone: problem }
    const entry = lock[i]
    if (
      entry.name !== after[i].name ||
      (entry.repository ?? '') !== (after[i].repository ?? '')
    )
      return {
        leftAlone: `Chart.lock entry ${i + 1} is not Chart.yaml's '${after[i].name}'`
      }
    if (before[i].version === after[i].version) {
      const keeps = keepsItsEntry(after[i], entry)
      if (keeps !== true) return { leftAlone: keeps }
      entries.push(entry)
      continue
    }
    const to = bumpedEntryVersion(after[i])
    if (to === undefined)
      return {
        leftAlone: `dependency '${after[i].name}' is now '${after[i].version ?? ''}', not an exact OCI version`
      }
    moved.push({ name: entry.name, from: entry.version ?? '', to })
    entries.push({
      name: entry.name,
      repository: entry.repository ?? '',
      version: to
    })
  }
  return { entries, moved }
}

/** The bump edits `version` only; anything else changing is not ours to lock. */
function sameExceptVersion(
  a: HelmDependency,
  b: HelmDependency
): string | undefined {
  const strip = (d: HelmDependency): HelmDependency => ({ ...d, version: '' })
  if (JSON.stringify(strip(a)) !== JSON.stringify(strip(b)))
    return `dependency '${b.name}' changed in more than its version`
  return undefined
}

function isOci(repository: string | undefined): boolean {
  return (repository ?? '').startsWith('oci://')
}

/** An OCI dependency pinned exactly is locked as written (Resolver: semver.NewVersion succeeds). */
function bumpedEntryVersion(dependency: HelmDependency): string | undefined {
  const version = dependency.version ?? ''
  if (!isOci(dependency.repository)) return undefined
  return classifyVersion(version).kind === 'exact' && version === version.trim()
    ? version
    : undefined
}

/**
 * Whether `helm dependency update` would write `entry` again for `dependency`
 * without asking a server: true, or why not. Kept: an exact version that the
 * entry records as written, from an OCI or HTTP(S) repository (an exact
 * constraint admits that version only) or from the chart's own charts/
 * folder (locked as the constraint string). Not kept: ranges (resolved
 * against the repository: a newer match may exist), file:// (locked at the
 * local chart's version, which this action does not read), and `@name` or
 * `alias:` repositories (Helm hashes them after replacing the name by the
 * URL from the runner's repositories.yaml).
 */
export function keepsItsEntry(
  dependency: HelmDependency,
  entry: HelmDependency
): true | string {
  const { name } = dependency
  const repository = dependency.repository ?? ''
  const version = dependency.version ?? ''
  if (repository === '')
    return (
      entry.version === version ||
      `dependency '${name}' (charts/) is locked at '${entry.version ?? ''}', not '${version}'`
    )
  if (repository.startsWith('file://'))
    return `dependency '${name}' comes from ${repository}: helm dependency update locks the local chart's version`
  if (repository.startsWith('@') || repository.startsWith('alias:'))
    return `dependency '${name}' names its repository '${repository}': Helm hashes the URL from the runner's repositories.yaml`
  const pinned = classifyVersion(version)
  if (
    pinned.kind !== 'exact' ||
    version !== version.trim() ||
    (!isOci(repository) && version.includes('+'))
  )
    return `dependency '${name}' is on '${version}', which helm dependency update may resolve to a newer version`
  return (
    entry.version === version ||
    `dependency '${name}' is locked at '${entry.version ?? ''}', not '${version}'`
  )
}
