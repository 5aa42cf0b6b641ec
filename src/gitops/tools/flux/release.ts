// How helm-controller runs the upgrade of a HelmRelease, beyond its chart
// and values: the release name (shortened past Helm's 53 characters), the
// CRD policy, schema validation, and what its post-renderers change on
// every object. The preview is an upgrade: the old version rendered first.
import { createHash } from 'node:crypto'
import type {
  CommonMetadata,
  CrdUpgradePolicy,
  RenderPlace
} from '../../../render/place.js'
import type { ManifestDocument } from '../../places/documents.js'
import { booleanAt, isPlainMap, mapAt, stringAt } from '../../places/plain.js'
import { postRender } from './post-render.js'
import { readPostRenderers } from './post-renderers.js'
import { setOwn } from '../../../own-keys.js'

/** Helm's limit on a release name. */
const MAX_RELEASE_NAME = 53
const SHORT_HASH_LENGTH = 12

/**
 * helm-controller internal/release/name.go `ShortenName` (v0.37.0): a name
 * over 53 bytes becomes its first 40 bytes, `-`, and the first 12 hex
 * digits of its SHA-256.
 */
export function shortenName(name: string): string {
  const bytes = Buffer.from(name, 'utf8')
  if (bytes.length <= MAX_RELEASE_NAME) return name
  const sum = createHash('sha256').update(bytes).digest('hex')
  const kept = MAX_RELEASE_NAME - (SHORT_HASH_LENGTH + 1)
  return `${bytes.subarray(0, kept).toString('utf8')}-${sum.slice(0, SHORT_HASH_LENGTH)}`
}

/**
 * `HelmRelease.GetReleaseName` (api/v2/helmrelease_types.go): `releaseName`,
 * else `[targetNamespace-]name`; then shortened as the install and upgrade
 * actions do.
 */
export function releaseName(
  spec: unknown,
  name: string
): { name: string; note?: string } {
  const targetNamespace = stringAt(spec, 'targetNamespace')
  const written =
    stringAt(spec, 'releaseName') ??
    (targetNamespace ? `${targetNamespace}-${name}` : name)
  const short = shortenName(written)
  if (short === written) return { name: written }
  return {
    name: short,
    note: `release name ${written} is longer than ${MAX_RELEASE_NAME} characters: Flux names the release ${short}, rendered with that name`
  }
}

const CRD_POLICIES: readonly CrdUpgradePolicy[] = [
  'Skip',
  'Create',
  'CreateReplace'
]

/**
 * The upgrade's settings. `upgrade.crds` (internal/action/crds.go
 * `crdPolicyOrDefault`): Create when unset, in the code of every version
 * since v0.37.0 (the API documentation says Skip); another value fails the
 * upgrade. `upgrade.disableSchemaValidation` (internal/action/upgrade.go
 * `newUpgrade`, v1.1.0).
 */
export function applyUpgrade(spec: unknown, place: RenderPlace): void {
  const upgrade = mapAt(spec, 'upgrade')
  const written = stringAt(upgrade, 'crds') ?? 'Create'
  const policy = CRD_POLICIES.find(known => known === written)
  if (policy) place.crdsOnUpgrade = policy
  else
    place.skipped = `not rendered: Flux refuses spec.upgrade.crds ${written}: invalid CRD upgrade policy, valid values are 'Skip', 'Create' or 'CreateReplace'`
  place.skipSchemaValidation =
    booleanAt(upgrade, 'disableSchemaValidation') === true
}

/**
 * `spec.postRenderers` (post-render.ts), then `spec.commonMetadata`
 * (helm-controller v1.4.0), in internal/postrender/build.go
 * `BuildPostRenderers`' order. `namespace` is where Helm puts the objects
 * that say none (a target selector reads the object's own).
 */
export function applyPostRenderers(
  release: ManifestDocument,
  place: RenderPlace
): void {
  const spec = mapAt(release.value, 'spec')
  const apiVersion = stringAt(release.value, 'apiVersion') ?? ''
  const plan = readPostRenderers(apiVersion, spec)
  place.notes.push(...plan.notes)
  const run = postRender(plan, place.namespace ?? 'default')
  if (run) place.postRenderers = run
  const common = mapAt(spec, 'commonMetadata')
  if (common) place.commonMetadata = commonMetadata(common)
}

function commonMetadata(common: unknown): CommonMetadata {
  return {
    labels: stringMap(mapAt(common, 'labels')),
    annotations: stringMap(mapAt(common, 'annotations'))
  }
}

function stringMap(value: unknown): Record<string, string> {
  if (!isPlainMap(value)) return {}
  const out: Record<string, string> = {}
  for (const key of Object.keys(value)) {
    const text = stringAt(value, key)
    if (text !== undefined) setOwn(out, key, text)
  }
  return out
}
