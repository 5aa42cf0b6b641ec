import { expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import { helmPlatform, type Platform } from '../../src/helm/platform.js'

test.each<[string, string, Platform]>([
  ['linux', 'x64', { os: 'linux', arch: 'amd64' }],
  ['linux', 'arm64', { os: 'linux', arch: 'arm64' }],
  ['darwin', 'x64', { os: 'darwin', arch: 'amd64' }],
  ['darwin', 'arm64', { os: 'darwin', arch: 'arm64' }],
  ['win32', 'x64', { os: 'windows', arch: 'amd64' }],
  ['win32', 'arm64', { os: 'windows', arch: 'arm64' }]
])('%s/%s -> %j', (nodePlatform, nodeArch, expected) => {
  expect(helmPlatform(nodePlatform, nodeArch)).toEqual(expected)
})

test.each([
  ['freebsd', 'x64'],
  ['aix', 'ppc64'],
  ['linux', 'ia32'],
  ['linux', 's390x'],
  ['win32', 'ia32']
])('refuses %s/%s with a way out', (nodePlatform, nodeArch) => {
  let error: unknown
  try {
    helmPlatform(nodePlatform, nodeArch)
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(UserError)
  const message = (error as Error).message
  expect(message).toContain(`${nodePlatform}/${nodeArch}`)
  expect(message).toContain('helm-version: system')
})

test('defaults to the machine running the tests', () => {
  expect(helmPlatform()).toEqual(helmPlatform(process.platform, process.arch))
})
