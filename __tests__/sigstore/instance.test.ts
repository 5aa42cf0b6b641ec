import { describe, expect, it } from 'vitest'
import {
  GITHUB_INSTANCE,
  parseServiceUrl,
  PUBLIC_GOOD,
  sigstoreEndpoints
} from '../../src/sigstore/instance.js'

describe('sigstoreEndpoints', () => {
  it('auto: public repositories use public-good, others GitHub’s instance', () => {
    expect(sigstoreEndpoints('auto', 'public', {})).toBe(PUBLIC_GOOD)
    expect(sigstoreEndpoints('auto', 'private', {})).toBe(GITHUB_INSTANCE)
    expect(sigstoreEndpoints('auto', 'internal', {})).toBe(GITHUB_INSTANCE)
    // Unknown visibility never lands in the public log.
    expect(sigstoreEndpoints('auto', undefined, {})).toBe(GITHUB_INSTANCE)
  })
  it('an explicit choice wins over visibility', () => {
    expect(sigstoreEndpoints('public-good', 'private', {})).toBe(PUBLIC_GOOD)
    expect(sigstoreEndpoints('github', 'public', {})).toBe(GITHUB_INSTANCE)
  })
  it('URLs make a custom instance, which needs Fulcio and a witness', () => {
    expect(
      sigstoreEndpoints('auto', 'public', {
        fulcioUrl: 'http://f',
        tsaUrl: 'http://t'
      })
    ).toEqual({ name: 'custom', fulcioUrl: 'http://f', tsaUrl: 'http://t' })
    expect(() =>
      sigstoreEndpoints('auto', 'public', { fulcioUrl: 'http://f' })
    ).toThrow(/sigstore-rekor-url/)
    expect(() =>
      sigstoreEndpoints('auto', 'public', { rekorUrl: 'http://r' })
    ).toThrow(/sigstore-fulcio-url/)
  })
})

describe('parseServiceUrl', () => {
  it('keeps an http(s) base URL without a trailing slash', () => {
    expect(parseServiceUrl('x', 'https://fulcio.example.com/')).toBe(
      'https://fulcio.example.com'
    )
    expect(parseServiceUrl('x', '')).toBeUndefined()
  })
  it.each(['ftp://x', 'fulcio', 'https://u:p@x'])(
    'refuses %s naming the input',
    value => {
      expect(() => parseServiceUrl('sigstore-fulcio-url', value)).toThrow(
        /Input 'sigstore-fulcio-url'/
      )
    }
  )
})
