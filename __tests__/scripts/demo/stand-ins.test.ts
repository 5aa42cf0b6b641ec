// What the demo says when its stand-ins do not start: the registry binary
// missing names the fix; anything else says what failed.
import { expect, test } from 'vitest'
import { explainStartFailure } from '../../../scripts/demo/stand-ins.js'

const missing = Object.assign(new Error('spawn docker-registry ENOENT'), {
  code: 'ENOENT'
})

test.each<[string, unknown, RegExp]>([
  [
    'no registry binary: how to install one, or REGISTRY_BIN',
    missing,
    /is not installed\. .*apt-get install docker-registry.*npm run setup.*REGISTRY_BIN/
  ],
  [
    'anything else: what failed',
    new Error('listen EADDRINUSE'),
    /^the local stand-ins did not start: listen EADDRINUSE$/
  ],
  [
    'a throw that is no Error: its text',
    'timed out',
    /^the local stand-ins did not start: timed out$/
  ]
])('%s', (_name, error, said) => {
  expect(explainStartFailure(error)).toMatch(said)
})
