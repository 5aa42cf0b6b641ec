// Token answers, read without servers; the challenges and the token cache are
// tested against real token services in auth.int.test.ts.
import { describe, expect, test } from 'vitest'
import { parseToken } from '../../src/registry/auth.js'
import type { Answer } from '../../src/registry/answer.js'

function tokenAnswer(body: string, fields: Partial<Answer> = {}): Answer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body),
    tooLarge: false,
    url: new URL('https://auth.example/token?service=x'),
    attempts: 1,
    ...fields
  }
}

describe('parseToken', () => {
  test('`token` wins over `access_token`; expires_in gives the lifetime', () => {
    const token = parseToken(
      tokenAnswer('{"token":"a","access_token":"b","expires_in":300}')
    )
    expect(token).toEqual({ value: 'a', lifetimeMs: 300_000 })
  })

  test('`access_token` alone; no expires_in means 60 s', () => {
    expect(parseToken(tokenAnswer('{"access_token":"b"}'))).toEqual({
      value: 'b',
      lifetimeMs: 60_000
    })
  })

  test.each([
    ['empty', '', /answered an empty body/],
    ['not JSON', '<html>', /did not answer JSON \(application\/json\)/],
    ['no token', '{"expires_in":5}', /without a token or access_token/],
    [
      'a token that would split a header',
      '{"token":"a\\r\\nb"}',
      /malformed token/
    ]
  ])('%s: refused, naming the service', (_name, body, reason) => {
    expect(() => parseToken(tokenAnswer(body))).toThrow(reason)
    expect(() => parseToken(tokenAnswer(body))).toThrow(
      /^the token service https:\/\/auth\.example\/token /
    )
  })

  test('a body over the limit is refused', () => {
    expect(() => parseToken(tokenAnswer('', { tooLarge: true }))).toThrow(
      /answered more than 1 MiB/
    )
  })
})
