// The transport's pure parts; the requests themselves are tested against real
// servers in client.int.test.ts.
import { describe, expect, test } from 'vitest'
import { retryAfterMs } from '../../src/registry/transport.js'

describe('retry timing (pure parts)', () => {
  test.each([
    ['seconds', '3', 3000],
    ['zero', '0', 0],
    ['HTTP date 2 s ahead', new Date(1_000_000 + 2000).toUTCString(), 2000],
    ['HTTP date in the past', new Date(0).toUTCString(), 0],
    ['garbage', 'soon', undefined],
    ['missing', undefined, undefined]
  ])('Retry-After %s', (_name, header, expected) => {
    expect(retryAfterMs(header, 1_000_000)).toBe(expected)
  })
})
