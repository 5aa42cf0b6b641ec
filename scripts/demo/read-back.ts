// "Digest read back": after a step pushed or copied a chart, the demo asks
// the registry itself (not the action) which digest the tag serves, and
// says whether it is the one the action reported.
import { RegistryClient } from '../../src/registry/client.js'
import type { Demo } from './run.js'

/** A reading client of the demo's registry (anonymous, plain HTTP). */
export function registryClient(demo: Demo): RegistryClient {
  return new RegistryClient({
    registry: demo.standIns.registry.host,
    username: '',
    password: '',
    plainHttp: true,
    insecureSkipTlsVerify: false
  })
}

/**
 * Reads `repository:tag`'s digest from the registry and says it; throws
 * when the tag is missing or serves another digest than `expected`.
 */
export async function readBack(
  demo: Demo,
  repository: string,
  tag: string,
  expected: string
): Promise<void> {
  const manifest = await registryClient(demo).getManifest(repository, tag)
  const where = `oci://${demo.standIns.registry.host}/${repository}:${tag}`
  if (!manifest) throw new Error(`${where} is not in the registry`)
  if (manifest.digest !== expected)
    throw new Error(
      `${where} serves ${manifest.digest}, not ${expected} as the action said`
    )
  demo.show.say(
    `read back from the registry: ${where} is ${manifest.digest}, ` +
      'the digest the action reported'
  )
}
