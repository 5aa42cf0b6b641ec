// A source's values at the old and at the new version of its pin. Argo CD
// substitutes its build environment (env.ts) in them, and two of its
// variables follow the version: `$ARGOCD_APP_REVISION` (`_SHORT`,
// `_SHORT_8`), what the repo server resolved the source to (a Helm chart's
// version: reposerver/repository/repository.go, runRepoOperation and
// newHelmClientResolveRevision; a native OCI source's digest), and
// `$ARGOCD_APP_SOURCE_TARGET_REVISION`, the `targetRevision` written. When
// the values use neither, they are the same at both versions. What the
// preview cannot know is said in a note.
import type { VersionValues } from '../../../render/place.js'
import { mapAt, stringAt, type PlainMap } from '../../places/plain.js'
import {
  MAX_SUBSTITUTED,
  argoEnvironment,
  type ArgoEnvironment
} from './env.js'

/** The versions a pin moves between. */
export interface PinVersions {
  from: string
  to: string
}

/** A source of an Application, and its pin's versions when known. */
export interface VersionedSource {
  application: PlainMap
  source: PlainMap
  versions?: PinVersions
}

export type SourceValues = VersionValues & { notes: string[] }

/** The variables that follow the version. */
const BY_VERSION = new Set([
  'ARGOCD_APP_REVISION',
  'ARGOCD_APP_REVISION_SHORT',
  'ARGOCD_APP_REVISION_SHORT_8',
  'ARGOCD_APP_SOURCE_TARGET_REVISION'
])

/**
 * `build`'s values at the new version (or as written, without versions),
 * and, when they use the version, at both in `atVersion`.
 */
export function valuesAtVersions(
  at: VersionedSource,
  build: (env: ArgoEnvironment) => SourceValues
): SourceValues & { atVersion?: Record<string, VersionValues> } {
  const written = stringAt(at.source, 'targetRevision') ?? ''
  const { versions } = at
  const env = environment(at, versions?.to ?? written)
  const after = build(env)
  const notes = [...after.notes, ...assumptions(at, env.used)]
  if (env.tooLong.length)
    notes.push(
      `${env.tooLong
        .slice(0, 3)
        .map(text => JSON.stringify(text))
        .join(
          ', '
        )}${env.tooLong.length > 3 ? '…' : ''}: longer than ${MAX_SUBSTITUTED} characters once substituted, so left as written`
    )
  const byVersion = [...env.used].some(name => BY_VERSION.has(name))
  if (!versions || !byVersion) return { ...after, notes }
  const before = build(environment(at, versions.from))
  return {
    valueFiles: after.valueFiles,
    setValues: after.setValues,
    notes,
    atVersion: {
      [versions.from]: valuesOf(before),
      [versions.to]: valuesOf(after)
    }
  }
}

function valuesOf(values: SourceValues): VersionValues {
  return { valueFiles: values.valueFiles, setValues: values.setValues }
}

/** The variables at `version`: the old one keeps `targetRevision` as written. */
function environment(at: VersionedSource, version: string): ArgoEnvironment {
  const written = stringAt(at.source, 'targetRevision') ?? ''
  const from = at.versions?.from
  let targetRevision = version
  if (from === undefined || version === from) targetRevision = written
  else if (!written.includes('@') && written.includes(from))
    targetRevision = written.replace(from, version)
  return argoEnvironment({ ...at, revision: version, targetRevision })
}

/** What the preview took for a variable it cannot know, for the names used. */
function assumptions(at: VersionedSource, used: ReadonlySet<string>): string[] {
  const notes: string[] = []
  const native = stringAt(at.source, 'chart') === undefined
  const revision = [...used].filter(name => name.startsWith('ARGOCD_APP_REV'))
  if (native && revision.length)
    notes.push(
      `${named(revision)}: Argo CD gives the chart's digest at that version; the preview put the version in its place`
    )
  const written = stringAt(at.source, 'targetRevision') ?? ''
  if (used.has('ARGOCD_APP_SOURCE_TARGET_REVISION') && written.includes('@'))
    notes.push(
      '$ARGOCD_APP_SOURCE_TARGET_REVISION: the digest written with the new version is not known here; the preview took the version alone'
    )
  const metadata = mapAt(at.application, 'metadata')
  const namespace = stringAt(metadata, 'namespace')
  if (used.has('ARGOCD_APP_NAME') && namespace && namespace !== 'argocd')
    notes.push(
      `$ARGOCD_APP_NAME taken as ${stringAt(metadata, 'name') ?? ''}: Argo CD gives ${namespace}_${stringAt(metadata, 'name') ?? ''} when the Application is not in its own namespace`
    )
  const unknown = [...used].filter(name => !KNOWN.has(name))
  if (unknown.length)
    notes.push(
      `${named(unknown)}: not in Argo CD's build environment, so substituted by nothing, as Argo CD does`
    )
  return notes
}

/** Names for a note: a few, each cut short (a `${…}` may hold anything). */
function named(names: readonly string[]): string {
  const shown = names
    .slice(0, 5)
    .map(name => `$${name.length > 40 ? `${name.slice(0, 40)}…` : name}`)
  return names.length > 5 ? `${shown.join(', ')}…` : shown.join(', ')
}

/** The names `newEnv` sets (v3.0.0). */
const KNOWN = new Set([
  ...BY_VERSION,
  'ARGOCD_APP_NAME',
  'ARGOCD_APP_NAMESPACE',
  'ARGOCD_APP_PROJECT_NAME',
  'ARGOCD_APP_SOURCE_REPO_URL',
  'ARGOCD_APP_SOURCE_PATH'
])
