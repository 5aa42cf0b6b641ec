// Writers and OCI artifacts for the registry writer's integration tests
// (writer.int.test.ts, writer-auth.int.test.ts).
import { expect } from 'vitest'
import { UserError } from '../../src/errors.js'
import {
  OCI_EMPTY,
  OCI_EMPTY_DIGEST,
  OCI_EMPTY_SIZE,
  OCI_IMAGE_MANIFEST
} from '../../src/registry/oci-index.js'
import type { PushedBlob } from '../../src/registry/operations.js'
import { RegistryWriter } from '../../src/registry/writer.js'

const FAST_RETRY = { attempts: 4, baseDelayMs: 20, maxDelayMs: 200 }
export const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
export const REPO = 'org/sig'

/** A writer of a plain-HTTP registry, with fast retries. */
export function writer(
  registry: string,
  credentials: { username?: string; password?: string } = {}
): RegistryWriter {
  return new RegistryWriter({
    registry,
    plainHttp: true,
    insecureSkipTlsVerify: false,
    retry: FAST_RETRY,
    timeoutMs: 60_000,
    ...credentials
  })
}

/** The UserError a promise rejects with (fails the test otherwise). */
export async function userError(promise: Promise<unknown>): Promise<UserError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

export const json = (value: unknown): Buffer =>
  Buffer.from(JSON.stringify(value))

const EMPTY = {
  mediaType: OCI_EMPTY,
  digest: OCI_EMPTY_DIGEST,
  size: OCI_EMPTY_SIZE
}

/** An OCI image manifest: empty config, the given layers, and the rest. */
export function imageManifest(
  layers: PushedBlob[],
  extra: Record<string, unknown> = {}
): Buffer {
  return json({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: EMPTY,
    layers: layers.map(layer => ({ mediaType: BUNDLE, ...layer })),
    ...extra
  })
}
