// What a registry failure means, without servers: which ones are retried and
// what the user is told. The same messages are met end to end in
// client.int.test.ts.
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import {
  describeTransportError,
  Failure,
  isRetryableStatus,
  isTransientError,
  registryErrorMessage,
  statusFailure,
  tokenFailure,
  toUserError
} from '../../src/registry/failures.js'
import type { Answer } from '../../src/registry/answer.js'

const REGISTRY = new URL(
  'https://registry.example:5000/v2/charts/app/manifests/1.0.0'
)

function answer(status: number, fields: Partial<Answer> = {}): Answer {
  return {
    status,
    headers: {},
    body: Buffer.alloc(0),
    tooLarge: false,
    url: REGISTRY,
    attempts: 1,
    ...fields
  }
}

function withCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code })
}

describe('what is worth another try', () => {
  test.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [501, false],
    [505, false],
    [404, false],
    [401, false]
  ])('status %i: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable)
  })

  test.each([
    ['ECONNRESET', true],
    ['ETIMEDOUT', true],
    ['EPROXY', true],
    ['ENOTFOUND', false],
    ['CERT_HAS_EXPIRED', false]
  ])('error code %s: %s', (code, transient) => {
    expect(isTransientError(withCode(code))).toBe(transient)
  })
})

describe("the registry's words", () => {
  test('Distribution errors and OAuth2 fields, on one bounded line', () => {
    const body = Buffer.from(
      JSON.stringify({
        errors: [{ code: 'DENIED', message: 'no\naccess' }, 'junk'],
        error_description: 'bad grant'
      })
    )
    expect(registryErrorMessage(body)).toBe('DENIED: no access; bad grant')
    const long = Buffer.from(JSON.stringify({ message: 'x'.repeat(500) }))
    expect(registryErrorMessage(long)).toHaveLength(300)
  })

  test('no JSON, or nothing to say: undefined', () => {
    expect(registryErrorMessage(Buffer.from('<html>'))).toBeUndefined()
    expect(registryErrorMessage(Buffer.from('{}'))).toBeUndefined()
    expect(registryErrorMessage(Buffer.from('null'))).toBeUndefined()
  })
})

describe('failed tries', () => {
  test('an untrusted certificate names ca-file', () => {
    const failure = describeTransportError(
      withCode('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in chain'),
      REGISTRY,
      1
    )
    expect(failure.reason).toBe(
      'the TLS certificate of registry.example:5000 is not trusted ' +
        '(SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in chain)'
    )
    expect(failure.fix).toMatch(/'ca-file'/)
  })

  test('a TLS handshake failure suggests plain-http', () => {
    const failure = describeTransportError(
      withCode(
        'ERR_SSL_WRONG_VERSION_NUMBER',
        'C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:x'
      ),
      REGISTRY,
      1
    )
    expect(failure.reason).toBe(
      'the TLS handshake with registry.example:5000 failed ' +
        '(ERR_SSL_WRONG_VERSION_NUMBER: wrong version number)'
    )
    expect(failure.fix).toMatch(/'plain-http: true'/)
  })

  test('the tries are counted in the reason', () => {
    const failure = describeTransportError(withCode('ECONNRESET'), REGISTRY, 4)
    expect(failure.reason).toBe(
      'the connection to registry.example:5000 was reset (after 4 attempts)'
    )
    expect(failure.fix).toMatch(/HTTPS_PROXY/)
  })
})

describe('unexpected answers', () => {
  test('403 without credentials: pull access and the inputs to set', () => {
    const failure = statusFailure({
      answer: answer(403),
      repository: 'charts/app',
      body: Buffer.from('{"errors":[{"code":"DENIED","message":"no"}]}'),
      withCredentials: false
    })
    expect(failure.reason).toBe(
      'the registry denied pull access to charts/app (403 DENIED: no)'
    )
    expect(failure.fix).toMatch(/anonymous user.*'username' and 'password'/)
  })

  test('401 with credentials: the credentials were refused', () => {
    const failure = statusFailure({
      answer: answer(401),
      repository: 'charts/app',
      body: Buffer.alloc(0),
      withCredentials: true
    })
    expect(failure.reason).toBe('the registry refused the credentials (401)')
  })

  test('503 after retries: the tries are named', () => {
    const failure = statusFailure({
      answer: answer(503, { attempts: 4 }),
      repository: 'charts/app',
      body: Buffer.alloc(0),
      withCredentials: false
    })
    expect(failure.reason).toBe(
      'the registry kept failing (503) after 4 attempts'
    )
  })

  test("a token service's refusal depends on whether credentials were sent", () => {
    const url = new URL('https://auth.example/token?scope=secret')
    expect(tokenFailure(answer(401, { url }), true).reason).toBe(
      'the token service https://auth.example/token refused the credentials (401)'
    )
    expect(tokenFailure(answer(401, { url }), false).reason).toMatch(
      /requires credentials \(401\) and none were given/
    )
    expect(tokenFailure(answer(502, { url }), false).fix).toMatch(/retry later/)
  })
})

test('a Failure becomes a UserError with what failed, why and the fix', () => {
  const error = toUserError(
    'Could not read x',
    new Failure('it broke', 'Fix it.')
  )
  expect(error).toBeInstanceOf(UserError)
  expect(error.message).toBe('Could not read x: it broke. Fix it.')
  const same = new UserError('already said')
  expect(toUserError('Could not read x', same)).toBe(same)
})
