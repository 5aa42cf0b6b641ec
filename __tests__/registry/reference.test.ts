import { describe, expect, test } from 'vitest'
import {
  chartRef,
  isDigest,
  isLoopbackRegistry,
  isRegistryHost,
  isRepositoryPath,
  isTag,
  normalizeRegistry,
  normalizeRepository,
  ociTag
} from '../../src/registry/reference.js'

describe('normalizeRegistry', () => {
  test.each([
    ['ghcr.io', 'ghcr.io'],
    ['GHCR.io', 'ghcr.io'],
    ['oci://ghcr.io', 'ghcr.io'],
    ['https://registry.example.com:5000/', 'registry.example.com:5000'],
    ['localhost:5000', 'localhost:5000'],
    ['127.0.0.1:45123', '127.0.0.1:45123'],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    ]
  ])('%s -> %s', (input, host) => {
    expect(normalizeRegistry(input)).toBe(host)
  })

  test.each([
    [
      'oci://ghcr.io/acme/charts',
      /has a path \('acme\/charts'\).*'registry: ghcr.io'.*'repository'/
    ],
    ['http://localhost:5000', /'plain-http: true'/],
    ['', /'registry' is empty/],
    ['not a host!', /not a host\[:port\]/]
  ])('refuses %j', (input, message) => {
    expect(() => normalizeRegistry(input)).toThrow(message)
  })
})

describe('normalizeRepository', () => {
  test.each([
    ['Acme-Corp/charts', 'ghcr.io', 'acme-corp/charts'],
    ['/acme/charts/', 'registry.example.com', 'acme/charts'],
    ['a/b.c/d_e/f__g', 'localhost:5000', 'a/b.c/d_e/f__g']
  ])('%s on %s -> %s', (input, registry, expected) => {
    expect(normalizeRepository(input, registry)).toBe(expected)
  })

  test.each([
    ['Acme/charts', 'registry.example.com', /lowercase: use 'acme\/charts'/],
    ['acme//charts', 'registry.example.com', /not a valid OCI repository path/],
    ['', 'ghcr.io', /'repository' is empty/]
  ])('refuses %j on %s', (input, registry, message) => {
    expect(() => normalizeRepository(input, registry)).toThrow(message)
  })
})

test('chartRef and ociTag', () => {
  expect(chartRef('ghcr.io', 'acme/charts', 'hello')).toBe(
    'oci://ghcr.io/acme/charts/hello'
  )
  expect(ociTag('1.2.3+build.1')).toBe('1.2.3_build.1')
  expect(ociTag('1.2.3-rc.1')).toBe('1.2.3-rc.1')
})

test.each([
  ['localhost:5000', true],
  ['127.0.0.1:5000', true],
  ['127.1.2.3', true],
  ['[::1]:5000', true],
  ['ghcr.io', false],
  ['localhost.example.com', false],
  ['10.0.0.1:5000', false]
])('isLoopbackRegistry(%s) = %s', (registry, loopback) => {
  expect(isLoopbackRegistry(registry)).toBe(loopback)
})

describe('the one copy of the name rules', () => {
  test.each([
    ['ghcr.io', true],
    ['Registry.Example.com:5000', true],
    ['127.0.0.1:5000', true],
    ['[::1]:5000', true],
    ['', false],
    ['ghcr.io/org', false],
    ['https://ghcr.io', false],
    ['user@ghcr.io', false],
    ['my_host', false]
  ])('registry host %j: %s', (registry, valid) => {
    expect(isRegistryHost(registry)).toBe(valid)
  })

  test.each([
    ['charts/app', true],
    ['a/b__c/d-e.f', true],
    ['Charts/app', false],
    ['charts//app', false],
    ['/charts', false]
  ])('repository path %j: %s', (path, valid) => {
    expect(isRepositoryPath(path)).toBe(valid)
  })

  test('tags and digests', () => {
    expect(isTag('1.2.3_build.1')).toBe(true)
    expect(isTag('1.2.3+build')).toBe(false)
    expect(isTag('x'.repeat(129))).toBe(false)
    expect(isDigest(`sha256:${'a'.repeat(64)}`)).toBe(true)
    expect(isDigest('1.2.3')).toBe(false)
  })
})
