import { expect, test } from 'vitest'
import { childEnv } from '../src/process-env.js'

test('childEnv drops INPUT_* (they carry secrets) and applies overrides', () => {
  const env = childEnv(
    { HELM_CONFIG_HOME: '/tmp/x' },
    { PATH: '/bin', INPUT_PASSWORD: 's3cret', input_other: 'x', HOME: '/root' }
  )
  expect(env).toEqual({
    PATH: '/bin',
    HOME: '/root',
    HELM_CONFIG_HOME: '/tmp/x'
  })
})
