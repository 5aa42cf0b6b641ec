// The redirect rules the registry transport and the mirror's classic
// repositories share: where a Location may lead, and which hops may carry
// the credentials (scheme, host and port all the same).
import { describe, expect, test } from 'vitest'
import { redirectTarget, sameOrigin } from '../../src/registry/redirects.js'

const FROM = new URL('https://charts.example.com/repo/index.yaml')

describe('redirectTarget', () => {
  test.each([
    ['/moved/index.yaml', 'https://charts.example.com/moved/index.yaml'],
    ['other.yaml', 'https://charts.example.com/repo/other.yaml'],
    ['//cdn.example.net/x.tgz', 'https://cdn.example.net/x.tgz'],
    ['https://cdn.example.net:8443/a?b=c', 'https://cdn.example.net:8443/a?b=c']
  ])('%s leads to %s', (location, expected) => {
    const target = redirectTarget(FROM, location)
    expect(target.ok && target.url.href).toBe(expected)
  })

  test.each([
    ['http://charts.example.com/repo/index.yaml', 'downgrade'],
    ['file:///etc/passwd', 'not-http'],
    ['ftp://charts.example.com/x', 'not-http'],
    ['https://[::1', 'invalid']
  ])('%s is refused: %s', (location, problem) => {
    expect(redirectTarget(FROM, location)).toMatchObject({
      ok: false,
      problem
    })
  })

  test('http to https is an upgrade, followed', () => {
    const from = new URL('http://charts.example.com/index.yaml')
    expect(redirectTarget(from, 'https://charts.example.com/i')).toMatchObject({
      ok: true
    })
  })
})

describe('sameOrigin', () => {
  const origin = 'https://charts.example.com'
  test.each([
    ['https://charts.example.com/any/path', true],
    ['https://charts.example.com:443/x', true],
    ['https://CHARTS.example.com/x', true],
    ['https://charts.example.com:8443/x', false],
    ['http://charts.example.com/x', false],
    ['https://cdn.charts.example.com/x', false],
    ['https://charts.example.com.evil.net/x', false]
  ])('%s: %s', (url, same) => {
    expect(sameOrigin(new URL(url), origin)).toBe(same)
  })

  test('an origin given with its default port is the same origin', () => {
    expect(
      sameOrigin(new URL('http://127.0.0.1/x'), 'http://127.0.0.1:80')
    ).toBe(true)
    expect(
      sameOrigin(new URL('http://127.0.0.1:8080/x'), 'http://127.0.0.1')
    ).toBe(false)
  })
})
