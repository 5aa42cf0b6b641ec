// Pins that hold the chart's digest next to its version: Flux `spec.ref.tag`
// with `spec.ref.digest`, or one scalar `1.2.3@sha256:…`. The tool pulls by
// the digest, so moving the version alone would deploy nothing new (or the
// old chart under a new name): the digest moves with it, to the one the
// registry serves for the new version. Pure: no I/O.
import type { Pin } from './scan/types.js'

/** What the pins are bumped to: the version, and the digest the registry serves for it. */
export interface ReleaseTarget {
  version: string
  /** `sha256:…`, or '' when unknown (a dry run that pushed nothing). */
  digest: string
}

/** A digest that moved with its version. */
export interface DigestMove {
  from: string
  to: string
}

// The digests registries serve: an algorithm and lowercase hex (OCI image spec).
const DIGEST = String.raw`sha(?:256|384|512):[0-9a-f]+`
const DIGEST_RE = new RegExp(`^${DIGEST}$`, 'i')
const DIGEST_SUFFIX_RE = new RegExp(`^(.+)@(${DIGEST})$`, 'i')

/** The pin's version, and the digest written with it (undefined when none). */
export function pinnedValue(pin: Pin): { version: string; digest?: string } {
  if (pin.digest?.form === 'field') {
    return { version: pin.current, digest: pin.digest.field.current }
  }
  const suffix =
    pin.digest?.form === 'suffix'
      ? DIGEST_SUFFIX_RE.exec(pin.current.trim())
      : null
  return suffix
    ? { version: suffix[1], digest: suffix[2] }
    : { version: pin.current }
}

/** `1.2.3@sha256:…` without its digest: the version a reader compares. */
export function withoutDigest(value: string): string {
  return DIGEST_SUFFIX_RE.exec(value.trim())?.[1] ?? value
}

/**
 * Why a pin whose digest would move with its version is left alone:
 * its digest is not a digest, or no digest is known for the release.
 */
export function digestBlocker(
  pin: Pin,
  digest: string,
  target: ReleaseTarget
): string | undefined {
  const where = pin.digest?.form === 'field' ? pin.digest.field.path : pin.path
  if (!DIGEST_RE.test(digest.trim())) {
    return `${where} is '${digest}', not a digest; the tag and digest are left alone`
  }
  if (!target.digest) {
    return (
      `the pin moves a digest with the version, and no digest is known for ${target.version} ` +
      '(nothing was pushed: dry run); it is left alone'
    )
  }
  return undefined
}

/**
 * Why a pin already at the version is not current: its digest is not the
 * one the registry serves for it. That digest is left as it is: a digest
 * pin exists so that a changed chart under the same tag is not deployed.
 */
export function digestMismatch(
  digest: string | undefined,
  target: ReleaseTarget
): string | undefined {
  if (digest === undefined || !target.digest) return undefined
  if (digest.trim().toLowerCase() === target.digest.toLowerCase())
    return undefined
  return (
    `already ${target.version}, but with digest ${digest}, while the registry serves ` +
    `${target.digest} for it; check which is right: it is left alone`
  )
}
