// Where a blob upload is completed: the Location of the registry's 202,
// resolved and checked, with `digest=` appended. Pure; the uploads themselves
// run against a real registry in writer.int.test.ts.
import { describe, expect, test } from 'vitest'
import { Failure } from '../../src/registry/failures.js'
import { uploadUrl } from '../../src/registry/upload.js'

const DIGEST = 'sha256:' + 'b'.repeat(64)
const ENCODED = `digest=sha256%3A${'b'.repeat(64)}`
const POST = new URL('https://registry.example/v2/org/sig/blobs/uploads/')
const PLAIN_POST = new URL('http://127.0.0.1:5000/v2/org/sig/blobs/uploads/')

describe('uploadUrl', () => {
  test.each([
    [
      'distribution 2.8: absolute, with its _state query (kept as sent)',
      PLAIN_POST,
      'http://127.0.0.1:5000/v2/org/sig/blobs/uploads/0b1d?_state=AU6Q-tt5B%3D%3D',
      `http://127.0.0.1:5000/v2/org/sig/blobs/uploads/0b1d?_state=AU6Q-tt5B%3D%3D&${ENCODED}`
    ],
    [
      'relative path without a query',
      POST,
      '/v2/org/sig/blobs/uploads/5a7c',
      `https://registry.example/v2/org/sig/blobs/uploads/5a7c?${ENCODED}`
    ],
    [
      'relative to the POST URL (no leading slash)',
      POST,
      'session-1?x=1',
      `https://registry.example/v2/org/sig/blobs/uploads/session-1?x=1&${ENCODED}`
    ],
    [
      'a bare "?" and a fragment',
      POST,
      '/v2/org/sig/blobs/uploads/9?#frag',
      `https://registry.example/v2/org/sig/blobs/uploads/9?${ENCODED}`
    ],
    [
      'several query parameters, one signed',
      POST,
      'https://storage.example/upload?id=1&sig=a%2Bb%2F',
      `https://storage.example/upload?id=1&sig=a%2Bb%2F&${ENCODED}`
    ],
    [
      'surrounding white space',
      POST,
      '  /v2/org/sig/blobs/uploads/7  ',
      `https://registry.example/v2/org/sig/blobs/uploads/7?${ENCODED}`
    ],
    [
      'the first of repeated headers',
      POST,
      ['/first', '/second'],
      `https://registry.example/first?${ENCODED}`
    ]
  ])('%s', (_name, from, location, expected) => {
    expect(uploadUrl(from, location, DIGEST).href).toBe(expected)
  })

  test('another origin is allowed (the transport withholds credentials there)', () => {
    expect(uploadUrl(POST, 'https://blobs.example/u/1', DIGEST).origin).toBe(
      'https://blobs.example'
    )
  })

  test.each([
    ['no Location', undefined, /without a Location/],
    ['an empty Location', ' ', /without a Location/],
    [
      'a non-HTTP scheme',
      'ftp://registry.example/u',
      /non-HTTP upload Location \(ftp:\)/
    ],
    ['a javascript: URL', 'javascript:alert(1)', /non-HTTP/],
    [
      'a downgrade to http',
      'http://registry.example/v2/org/sig/blobs/uploads/1?_state=secret',
      /from https to plain http \(http:\/\/registry\.example\/v2\/org\/sig\/blobs\/uploads\/1\); refusing/
    ],
    ['an invalid URL', 'http://[::1', /invalid upload Location/]
  ])('refuses %s', (_name, location, reason) => {
    let failure: unknown
    try {
      uploadUrl(POST, location, DIGEST)
    } catch (error) {
      failure = error
    }
    expect(failure).toBeInstanceOf(Failure)
    expect((failure as Failure).reason).toMatch(reason)
    // The query (a signed URL, distribution's _state) never shows.
    expect((failure as Failure).reason).not.toContain('secret')
  })

  test('a plain-http registry may keep plain http', () => {
    expect(
      uploadUrl(PLAIN_POST, '/v2/x/blobs/uploads/1', DIGEST).protocol
    ).toBe('http:')
  })
})
