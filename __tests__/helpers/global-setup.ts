// Runs once before the test files: makes sure the real parts the integration tests
// need are present, and says exactly what to do when one is missing.
import { execFileSync } from 'node:child_process'
// @ts-expect-error: a plain .mjs script without type declarations
import { fetchHelm } from '../../scripts/fetch-helm.mjs'
import { registryBinary } from './registry.js'

export default function setup(): void {
  fetchHelm()
  const bin = registryBinary()
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' })
  } catch {
    throw new Error(
      `The tests need the CNCF distribution registry ('${bin}'). ` +
        'Install it with: sudo apt-get install docker-registry ' +
        '(or set REGISTRY_BIN to a registry binary).'
    )
  }
}
