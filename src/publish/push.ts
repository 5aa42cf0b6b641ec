// Pushing a package to its target (a chart of the release, or a package the
// mirror copies), and proving what the registry then serves.
import * as core from '@actions/core'
import { fileSha256Hex } from '../digest.js'
import { errorMessage, UserError } from '../errors.js'
import type { Connection, PushResult } from '../helm/cli.js'
import {
  chartLayerDigest,
  isImmutableTagError,
  isTransientPushError
} from '../registry/oci-manifest.js'
import { pushTarget, type Target } from '../registry/reference.js'
import { withRetry, type RetryPolicy } from '../retry.js'
import type { RegistryReader } from './lookup.js'

/** What the push needs of Helm. */
export interface HelmPusher {
  push(
    packagePath: string,
    target: string,
    connection: Connection
  ): Promise<PushResult>
}

/** `helm push` is tried again: Helm 3 does not retry a failed upload by itself. */
const PUSH_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 2_000,
  maxDelayMs: 4_000,
  backoff: 'linear'
}

/**
 * Pushes the package to `target` and returns the digest the registry serves
 * for it. A
 * transient failure is retried, but only after reading the tag back: if it is
 * there now, it must be this very package (its chart layer is the .tgz's
 * sha256), else another push won a race and nothing is pushed over it.
 */
export async function pushPackage(
  helm: HelmPusher,
  registry: RegistryReader,
  target: Target,
  packagePath: string,
  connection: Connection,
  retryDelayMs = PUSH_RETRY.baseDelayMs,
  say: (line: string) => void = core.info
): Promise<string> {
  // Hashed while Helm pushes (both only read the file): the read-back and a
  // retry are the first to need it. Awaited on every path, so a failed read
  // is never an unhandled rejection.
  const hashed = fileSha256Hex(packagePath).then(
    hex => ({ digest: `sha256:${hex}` }),
    (error: unknown) => ({ error })
  )
  const packageDigest = async (): Promise<string> => {
    const result = await hashed
    if ('error' in result) throw result.error
    return result.digest
  }
  const destination = pushTarget(target.registry, target.repository)
  const pushOnce = async (attempt: number): Promise<string> => {
    const landed =
      attempt > 1
        ? await servedPackage(registry, target, await packageDigest(), say)
        : undefined
    if (landed) return landed
    try {
      const pushed = await helm.push(packagePath, destination, connection)
      say(`Pushed ${pushed.pushedRef} (${pushed.digest}).`)
      return await verifyPushed(
        registry,
        target,
        pushed.digest,
        await packageDigest(),
        say
      )
    } catch (error) {
      if (isImmutableTagError(errorMessage(error)))
        throw immutableError(target, error)
      throw error
    }
  }
  const policy = {
    ...PUSH_RETRY,
    baseDelayMs: retryDelayMs,
    maxDelayMs: retryDelayMs * 2
  }
  return withRetry(
    policy,
    // Only Helm's own failures: a refusal of ours (a race, an immutable tag)
    // is final.
    error =>
      !(error instanceof RefusedPush) &&
      isTransientPushError(errorMessage(error)),
    pushOnce,
    ({ error, attempt, attempts }) =>
      core.warning(
        `helm push failed (${errorMessage(error)}); trying again (${attempt + 1} of ${attempts}).`
      )
  )
}

/** The push must not be tried again: the tag cannot take this package. */
class RefusedPush extends UserError {}

/**
 * After a failed push: the served digest when the tag now holds this package,
 * undefined when the tag is still absent; an error when it holds another chart.
 */
async function servedPackage(
  registry: RegistryReader,
  target: Target,
  packageDigest: string,
  say: (line: string) => void
): Promise<string | undefined> {
  const manifest = await registry.getManifest(target.repositoryPath, target.tag)
  if (!manifest) return undefined
  if (chartLayerDigest(manifest.body) === packageDigest) {
    say(
      `The failed push had landed: ${target.ref}:${target.tag} holds this package.`
    )
    return manifest.digest
  }
  throw raceError(target, manifest.digest)
}

/** The registry will not overwrite the tag, whatever the action does. */
function immutableError(target: Target, error: unknown): UserError {
  return new RefusedPush(
    `The registry refused to overwrite ${target.ref}:${target.tag}: the tag is immutable in the registry ` +
      `(${errorMessage(error)}). Nothing was replaced, and a published version cannot be: ` +
      "bump 'version' in Chart.yaml and release again.",
    { cause: error }
  )
}

function raceError(target: Target, served: string): UserError {
  return new RefusedPush(
    `${target.ref}:${target.tag} appeared in the registry during this release with other content (${served}): ` +
      'another job published this version at the same time, and nothing was pushed over it. ' +
      "Serialize releases with a workflow 'concurrency:' group and turn on tag immutability in the registry."
  )
}

/**
 * Reads the pushed manifest back: the `digest` output is what the registry
 * serves, and the chart it holds is this package, not just what Helm said.
 */
export async function verifyPushed(
  registry: RegistryReader,
  target: Target,
  helmDigest: string,
  packageDigest: string,
  say: (line: string) => void = core.info
): Promise<string> {
  const where = `${target.ref}:${target.tag}`
  const manifest = await registry.getManifest(target.repositoryPath, target.tag)
  if (!manifest || chartLayerDigest(manifest.body) !== packageDigest) {
    throw raceError(target, manifest?.digest ?? '(nothing)')
  }
  if (manifest.digest !== helmDigest) {
    core.warning(
      `Helm reported ${helmDigest}, but the registry serves ${where} as ${manifest.digest} (with this package): the output is the served digest.`
    )
  }
  say(`The registry serves ${where} as ${manifest.digest}.`)
  return manifest.digest
}
