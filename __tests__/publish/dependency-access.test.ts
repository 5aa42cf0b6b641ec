import { describe, expect, test } from 'vitest'
import type { ChartDependency } from '../../src/chart/metadata.js'
import {
  credentialHint,
  dependencyAccess,
  ociRegistryOf
} from '../../src/publish/dependency-access.js'
import { UserError } from '../../src/errors.js'
import type { Connection } from '../../src/helm/cli.js'

const FILE = 'charts/app/Chart.yaml'
const HOME = 'registry.example.com:5000'
const plain: Connection = { plainHttp: true, insecureSkipTlsVerify: false }
const ca: Connection = {
  plainHttp: false,
  insecureSkipTlsVerify: false,
  caFile: '/w/ca.pem'
}
const insecure: Connection = { plainHttp: false, insecureSkipTlsVerify: true }
const tls: Connection = { plainHttp: false, insecureSkipTlsVerify: false }

const dep = (name: string, repository?: string): ChartDependency => ({
  name,
  version: '1.0.0',
  repository
})
const here = dep('lib', `oci://${HOME}/charts`)
const ghcr = dep('extra', 'oci://ghcr.io/acme/charts')
const https = dep('redis', 'https://charts.example.com')
const local = dep('common', 'file://../common')

describe('ociRegistryOf', () => {
  test.each([
    ['oci://ghcr.io/acme/charts', 'ghcr.io'],
    ['OCI://GHCR.io/acme', 'ghcr.io'],
    ['oci://ghcr.io:443/acme', 'ghcr.io'],
    ['oci://localhost:5000/x', 'localhost:5000'],
    [' oci://h/x ', 'h'],
    ['https://charts.example.com', undefined],
    ['file://../common', undefined],
    ['@stable', undefined],
    [undefined, undefined]
  ])('%s -> %s', (repository, registry) => {
    expect(ociRegistryOf(repository)).toBe(registry)
  })
})

describe('dependencyAccess', () => {
  test.each<[string, ChartDependency[], Connection, string[], boolean]>([
    ['no dependencies', [], plain, [], false],
    [
      'only other sources: Helm defaults',
      [ghcr, https, local],
      plain,
      [],
      false
    ],
    [
      'plain HTTP, same registry',
      [here, https, local],
      plain,
      ['--plain-http'],
      false
    ],
    [
      'insecure, same registry',
      [here],
      insecure,
      ['--insecure-skip-tls-verify'],
      false
    ],
    [
      'ca-file, same registry only',
      [here, local],
      ca,
      ['--ca-file', '/w/ca.pem'],
      false
    ],
    [
      'ca-file with a public OCI source',
      [here, ghcr],
      ca,
      ['--ca-file', '/w/ca.pem'],
      true
    ],
    [
      'ca-file with an https repository',
      [here, https],
      ca,
      ['--ca-file', '/w/ca.pem'],
      true
    ],
    ['default TLS', [here, ghcr], tls, [], false],
    [
      'the registry matched without :443 and case',
      [dep('lib', 'oci://Registry.Example.com:5000/x')],
      plain,
      ['--plain-http'],
      false
    ]
  ])('%s', (_, deps, connection, flags, withRoots) => {
    const access = dependencyAccess(FILE, deps, HOME, connection)
    expect(access.flags).toEqual(flags)
    expect(access.caWithPublicRoots).toBe(withRoots)
  })

  test('lists the OCI dependencies from other registries', () => {
    expect(
      dependencyAccess(FILE, [here, ghcr, https], HOME, tls).elsewhere
    ).toEqual([{ name: 'extra', version: '1.0.0', registry: 'ghcr.io' }])
  })

  test.each([
    [plain, "'plain-http: true'"],
    [insecure, "'insecure-skip-tls-verify: true'"]
  ])(
    'refuses a blanket setting that would also hit another registry',
    (connection, setting) => {
      const refuse = () =>
        dependencyAccess(FILE, [here, ghcr], HOME, connection)
      expect(refuse).toThrow(UserError)
      expect(refuse).toThrow(
        `${FILE} depends on 'lib' (${HOME}) in the release registry, which needs ${setting}, and on 'extra' (ghcr.io) in another registry.`
      )
      expect(refuse).toThrow(`Publish those dependencies to ${HOME} too`)
    }
  )
})

describe('credentialHint', () => {
  const access = dependencyAccess(FILE, [here, ghcr], HOME, tls)
  test('names a dependency from a registry the action did not log in to', () => {
    expect(
      credentialHint(
        'GET "https://ghcr.io/v2/acme/charts/extra/manifests/1.0.0": response status code 401: unauthorized',
        access,
        HOME
      )
    ).toBe(
      `Dependency 'extra' comes from ghcr.io, and the action logs in to ${HOME} only. Make it pullable without credentials, publish it to ${HOME}, or commit it as a package under charts/ and remove it from dependencies (see docs/registries.md, "Known limits").`
    )
  })
  test('an auth failure on the release registry points at the credentials', () => {
    expect(
      credentialHint(
        `GET "https://${HOME}/v2/charts/lib/manifests/1.0.0": denied`,
        access,
        HOME
      )
    ).toMatch(
      /refused the credentials the action logged in with \('username', 'password'\): they must be allowed to pull/
    )
  })
  test('other failures get no hint', () => {
    expect(
      credentialHint(
        'x509: certificate signed by unknown authority',
        access,
        HOME
      )
    ).toBeUndefined()
  })
})
