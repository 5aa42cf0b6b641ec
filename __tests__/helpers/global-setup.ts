// Runs once before the test files: makes sure the real parts the integration tests
// need are present, and says exactly what to do when one is missing.
import { execFileSync } from 'node:child_process'
// @ts-expect-error: a plain .mjs script without type declarations
import { fetchHelm } from '../../scripts/fetch-helm.mjs'
// @ts-expect-error: a plain .mjs script without type declarations
import { fetchNode, NODE_VERSION } from '../../scripts/fetch-node.mjs'
import { registryBinary } from './registry.js'

export default function setup(): void {
  // The action runs on Node 24 (action.yml); so do the tests, or they prove
  // nothing about it. `npm test` puts setup's Node 24 first on PATH.
  if (process.versions.node !== NODE_VERSION) {
    throw new Error(
      `The tests run on Node ${NODE_VERSION}, this is Node ${process.versions.node}. ` +
        "Run them with 'npm test' or 'npm run all' (after 'npm run setup'), " +
        'which put .cache/node first on PATH.'
    )
  }
  fetchNode()
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
