import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import {
  archiveFolder,
  archiveName,
  archiveUrl,
  binaryName,
  binaryPathInArchive,
  checksumUrl,
  latestVersionFile,
  parseChecksumFile,
  parseDownloadBaseUrl,
  parseHelmVersionSpec,
  parseLatestVersion,
  unsupportedVersionProblem,
  type HelmChannel,
  type HelmVersionSpec
} from '../../src/helm/download-site.js'
import type { Platform } from '../../src/helm/platform.js'

const LINUX: Platform = { os: 'linux', arch: 'amd64' }
const MAC_ARM: Platform = { os: 'darwin', arch: 'arm64' }
const WINDOWS: Platform = { os: 'windows', arch: 'amd64' }
const HASH = 'a'.repeat(42) + '0123456789abcdefABCDEF'
const NAME = 'helm-v3.17.3-linux-amd64.tar.gz'

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('parseHelmVersionSpec', () => {
  test.each<[string, HelmVersionSpec]>([
    ['3.17.3', { kind: 'exact', version: '3.17.3' }],
    ['v3.17.3', { kind: 'exact', version: '3.17.3' }],
    ['4.1.4', { kind: 'exact', version: '4.1.4' }],
    ['v4.0.0-rc.1', { kind: 'exact', version: '4.0.0-rc.1' }],
    [
      '4.0.0-alpha.1.beta-2',
      { kind: 'exact', version: '4.0.0-alpha.1.beta-2' }
    ],
    ['3.8.0', { kind: 'exact', version: '3.8.0' }],
    [' 3.17.3\n', { kind: 'exact', version: '3.17.3' }],
    ['latest', { kind: 'channel', channel: 'latest' }],
    ['3', { kind: 'channel', channel: '3' }],
    ['4', { kind: 'channel', channel: '4' }],
    ['system', { kind: 'system' }]
  ])('%j -> %j', (input, expected) => {
    expect(parseHelmVersionSpec(input)).toEqual(expected)
  })

  test.each([
    ['', 'not a Helm version'],
    ['3.17', 'not a Helm version'],
    ['v3', 'not a Helm version'],
    ['3.x', 'not a Helm version'],
    ['^3.17.0', 'not a Helm version'],
    ['>=3.8.0', 'not a Helm version'],
    ['03.17.3', 'not a Helm version'],
    ['3.017.3', 'not a Helm version'],
    ['3.17.3+build.1', 'not a Helm version'],
    ['3.17.3-', 'not a Helm version'],
    ['3.17.3-rc.01', 'not a Helm version'],
    ['V3.17.3', 'not a Helm version'],
    ['vv3.17.3', 'not a Helm version'],
    ['Latest', 'not a Helm version'],
    ['stable', 'not a Helm version'],
    ['2.17.0', 'Helm 2 cannot push charts to OCI registries'],
    ['v2.17.0', 'Helm 2 cannot push charts to OCI registries'],
    ['3.7.2', 'Helm 3.7.2 has no stable OCI support'],
    ['5.0.0', 'Helm 5 is not supported'],
    ['2', 'not a Helm version'],
    ['5', 'not a Helm version']
  ])('refuses %j (%s)', (input, reason) => {
    const error = thrown(() => parseHelmVersionSpec(input))
    expect(error).toBeInstanceOf(UserError)
    const message = (error as Error).message
    expect(message).toContain("Input 'helm-version'")
    expect(message).toContain(JSON.stringify(input))
    expect(message).toContain(reason)
    expect(message).toContain("'latest', '3' or '4'")
    expect(message).toContain("'system'")
  })
})

describe('unsupportedVersionProblem', () => {
  test.each([
    ['3.8.0', undefined],
    ['3.17.3', undefined],
    ['4.1.4', undefined],
    ['4.0.0-rc.1', undefined],
    ['3.7.0', 'needs Helm 3.8.0 or newer'],
    ['1.0.0', 'Helm 1 cannot push'],
    ['6.1.0', 'Helm 6 is not supported']
  ])('%s -> %s', (version, problem) => {
    const result = unsupportedVersionProblem(version)
    if (problem === undefined) expect(result).toBeUndefined()
    else expect(result).toContain(problem)
  })
})

describe('latestVersionFile', () => {
  test.each<[HelmChannel, string]>([
    ['latest', 'helm-latest-version'],
    ['3', 'helm3-latest-version'],
    ['4', 'helm4-latest-version']
  ])('%s -> %s', (channel, file) => {
    expect(latestVersionFile(channel)).toBe(file)
  })
})

describe('parseDownloadBaseUrl', () => {
  test.each([
    ['https://get.helm.sh', 'https://get.helm.sh'],
    ['https://get.helm.sh/', 'https://get.helm.sh'],
    ['http://127.0.0.1:8080/mirror//', 'http://127.0.0.1:8080/mirror'],
    [' https://mirror.example.com/helm \n', 'https://mirror.example.com/helm']
  ])('%j -> %j', (input, expected) => {
    expect(parseDownloadBaseUrl(input)).toBe(expected)
  })

  test.each([
    ['', 'is not a URL', ''],
    ['get.helm.sh', 'is not a URL', 'get.helm.sh'],
    ['ftp://get.helm.sh', 'http:// or https://', 'ftp://get.helm.sh'],
    ['https://get.helm.sh/?x=1', 'query or fragment', '?x=1'],
    ['https://get.helm.sh/#top', 'query or fragment', '#top'],
    ['https://me:s3cret@mirror.example.com', 'credentials', '(hidden)']
  ])('refuses %j', (input, reason, shown) => {
    const error = thrown(() => parseDownloadBaseUrl(input))
    expect(error).toBeInstanceOf(UserError)
    const message = (error as Error).message
    expect(message).toContain("Input 'helm-download-url'")
    expect(message).toContain(reason)
    expect(message).toContain(shown)
    expect(message).not.toContain('s3cret')
  })
})

describe('download names', () => {
  test.each<[string, Platform, string, string, string]>([
    ['3.17.3', LINUX, NAME, 'linux-amd64/helm', 'linux-amd64'],
    [
      '4.1.4',
      MAC_ARM,
      'helm-v4.1.4-darwin-arm64.tar.gz',
      'darwin-arm64/helm',
      'darwin-arm64'
    ],
    [
      '4.1.4',
      WINDOWS,
      'helm-v4.1.4-windows-amd64.zip',
      'windows-amd64/helm.exe',
      'windows-amd64'
    ],
    [
      '4.0.0-rc.1',
      LINUX,
      'helm-v4.0.0-rc.1-linux-amd64.tar.gz',
      'linux-amd64/helm',
      'linux-amd64'
    ]
  ])('%s on %j', (version, platform, name, inArchive, folder) => {
    expect(archiveName(version, platform)).toBe(name)
    expect(binaryPathInArchive(platform)).toBe(inArchive)
    expect(archiveFolder(platform)).toBe(folder)
    expect(binaryName(platform)).toBe(inArchive.split('/')[1])
  })

  test.each([
    ['https://get.helm.sh', `https://get.helm.sh/${NAME}`],
    ['https://get.helm.sh/', `https://get.helm.sh/${NAME}`],
    ['http://127.0.0.1:9/m/', `http://127.0.0.1:9/m/${NAME}`]
  ])('urls under %j', (base, url) => {
    expect(archiveUrl(base, '3.17.3', LINUX)).toBe(url)
    expect(checksumUrl(base, '3.17.3', LINUX)).toBe(`${url}.sha256sum`)
  })
})

describe('parseChecksumFile', () => {
  test.each([
    [`${HASH}  ${NAME}\n`, HASH.toLowerCase()],
    [`${HASH} *${NAME}`, HASH.toLowerCase()],
    [`${HASH}\t${NAME}\r\n`, HASH.toLowerCase()],
    [`${HASH}\n`, HASH.toLowerCase()],
    [`  ${HASH}  `, HASH.toLowerCase()]
  ])('reads %j', (text, hash) => {
    expect(parseChecksumFile(text, NAME)).toBe(hash)
  })

  test.each([
    ['', 'an empty file'],
    ['not found\n', 'expected one line'],
    [`${HASH.slice(1)}  ${NAME}`, 'expected one line'],
    [`${HASH}0  ${NAME}`, 'expected one line'],
    [`${HASH.slice(1)}g  ${NAME}`, 'expected one line'],
    [`${HASH}  ${NAME}\n${HASH}  other.tar.gz\n`, 'expected one line'],
    [`${HASH}  ${NAME} extra`, 'expected one line'],
    [`sha256:${HASH}`, 'expected one line'],
    [`${HASH}  helm-v3.17.2-linux-amd64.tar.gz`, 'not "helm-v3.17.3-linux']
  ])('refuses %j', (text, reason) => {
    expect(() => parseChecksumFile(text, NAME)).toThrow(reason)
  })
})

describe('parseLatestVersion', () => {
  test.each<[string, HelmChannel | undefined, string]>([
    ['v4.1.4\n', undefined, '4.1.4'],
    ['v4.1.4', 'latest', '4.1.4'],
    ['v3.17.3\n', '3', '3.17.3'],
    ['  v4.1.4\r\n', '4', '4.1.4'],
    ['v4.0.0-rc.1\n', '4', '4.0.0-rc.1']
  ])('%j (%s) -> %s', (text, channel, version) => {
    expect(parseLatestVersion(text, channel)).toBe(version)
  })

  test.each<[string, HelmChannel | undefined, string]>([
    ['', undefined, 'an empty file'],
    ['4.1.4\n', undefined, 'expected a Helm version like "v4.1.4"'],
    ['v4.1\n', undefined, 'expected a Helm version'],
    ['<html>not found</html>', undefined, '"<html>not found</html>"'],
    ['v4.1.4\nv3.17.3\n', undefined, 'expected a Helm version'],
    ['v4.1.4', '3', 'not a Helm 3 release'],
    ['v3.17.3', '4', 'not a Helm 4 release']
  ])('refuses %j (%s)', (text, channel, reason) => {
    expect(() => parseLatestVersion(text, channel)).toThrow(reason)
  })

  test('cuts long garbage short in the message', () => {
    const error = thrown(() => parseLatestVersion('x'.repeat(5000)))
    expect((error as Error).message.length).toBeLessThan(200)
  })
})
