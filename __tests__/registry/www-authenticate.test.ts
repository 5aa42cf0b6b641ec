import { describe, expect, test } from 'vitest'
import {
  challengeScopes,
  mergeScopes,
  parseWwwAuthenticate,
  type Challenge
} from '../../src/registry/www-authenticate.js'

const cases: [string, string | string[] | undefined, Challenge[]][] = [
  [
    'distribution Bearer challenge',
    'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:org/chart:pull"',
    [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token',
          service: 'registry.example',
          scope: 'repository:org/chart:pull'
        }
      }
    ]
  ],
  [
    'lowercase bearer and upper-case parameter names',
    'bearer Realm="https://ghcr.io/token",SERVICE="ghcr.io"',
    [
      {
        scheme: 'bearer',
        params: { realm: 'https://ghcr.io/token', service: 'ghcr.io' }
      }
    ]
  ],
  [
    'quoted scope with commas',
    'Bearer realm="https://r/token",service="r",scope="repository:a/b:pull,push"',
    [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://r/token',
          service: 'r',
          scope: 'repository:a/b:pull,push'
        }
      }
    ]
  ],
  [
    'two space-separated scopes in one quoted scope',
    'Bearer realm="https://r/token",scope="repository:a:pull repository:b:pull,push"',
    [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://r/token',
          scope: 'repository:a:pull repository:b:pull,push'
        }
      }
    ]
  ],
  [
    'escaped quotes and backslashes in a quoted value',
    'Basic realm="say \\"hi\\", c:\\\\dir"',
    [{ scheme: 'basic', params: { realm: 'say "hi", c:\\dir' } }]
  ],
  [
    'extra params such as error="insufficient_scope"',
    'Bearer realm="https://r/token",service="r",scope="repository:a:push",error="insufficient_scope"',
    [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://r/token',
          service: 'r',
          scope: 'repository:a:push',
          error: 'insufficient_scope'
        }
      }
    ]
  ],
  [
    'Basic realm only (ECR style)',
    'Basic realm="https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/",service="ecr.amazonaws.com"',
    [
      {
        scheme: 'basic',
        params: {
          realm: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/',
          service: 'ecr.amazonaws.com'
        }
      }
    ]
  ],
  [
    'missing service',
    'Bearer realm="https://r/token",scope="repository:a:pull"',
    [
      {
        scheme: 'bearer',
        params: { realm: 'https://r/token', scope: 'repository:a:pull' }
      }
    ]
  ],
  [
    'unquoted token values, spaces around "="',
    'Bearer realm = https://r/token , service=r',
    [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 'r' } }]
  ],
  [
    'an unknown scheme is kept with its params',
    'X-Custom-Auth foo="bar"',
    [{ scheme: 'x-custom-auth', params: { foo: 'bar' } }]
  ],
  [
    'a token68 scheme',
    'Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg==',
    [
      {
        scheme: 'negotiate',
        params: {},
        token68: 'YIIBhwYGKwYBBQUCoIIBezCCAXeg=='
      }
    ]
  ],
  [
    'several challenges in one header',
    'Basic realm="r1", Bearer realm="https://r/token",service="r",scope="repository:a:pull,push", Negotiate',
    [
      { scheme: 'basic', params: { realm: 'r1' } },
      {
        scheme: 'bearer',
        params: {
          realm: 'https://r/token',
          service: 'r',
          scope: 'repository:a:pull,push'
        }
      },
      { scheme: 'negotiate', params: {} }
    ]
  ],
  [
    'a scheme without params followed by another challenge',
    'Basic, Bearer realm="x"',
    [
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: { realm: 'x' } }
    ]
  ],
  [
    'several header lines',
    ['Basic realm="a"', 'Bearer realm="b"'],
    [
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: { realm: 'b' } }
    ]
  ],
  [
    'duplicate param: the first wins',
    'Bearer realm="first",realm="second"',
    [{ scheme: 'bearer', params: { realm: 'first' } }]
  ],
  [
    'unterminated quote keeps the rest',
    'Bearer realm="https://r/token',
    [{ scheme: 'bearer', params: { realm: 'https://r/token' } }]
  ],
  [
    'empty list elements',
    ' , ,Basic realm="a",, ',
    [{ scheme: 'basic', params: { realm: 'a' } }]
  ],
  ['empty header', '', []],
  ['no header', undefined, []]
]

describe('parseWwwAuthenticate', () => {
  test.each(cases)('%s', (_name, header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected)
  })
})

describe('challengeScopes', () => {
  test.each([
    ['repository:a:pull', ['repository:a:pull']],
    [
      'repository:a:pull  repository:b:pull,push',
      ['repository:a:pull', 'repository:b:pull,push']
    ],
    [undefined, []]
  ])('%s', (scope, expected) => {
    const params: Record<string, string> = scope === undefined ? {} : { scope }
    expect(challengeScopes({ scheme: 'bearer', params })).toEqual(expected)
  })
})

describe('mergeScopes', () => {
  test.each([
    [
      'a HEAD challenge (pull) and a push: one pull,push scope',
      ['repository:org/sig:pull', 'repository:org/sig:pull,push'],
      ['repository:org/sig:pull,push']
    ],
    [
      'the same scope twice: once',
      ['repository:a:pull', 'repository:a:pull'],
      ['repository:a:pull']
    ],
    [
      'actions in first-seen order',
      ['repository:a:push', 'repository:a:pull,push'],
      ['repository:a:push,pull']
    ],
    [
      'other repositories stay apart (a cross-repository mount)',
      ['repository:a:pull', 'repository:b:pull,push'],
      ['repository:a:pull', 'repository:b:pull,push']
    ],
    [
      'a wildcard and the catalog',
      ['registry:catalog:*', 'repository:a:*'],
      ['registry:catalog:*', 'repository:a:*']
    ],
    [
      'scopes that are not type:name:actions are kept verbatim',
      ['openid', 'offline:access', 'openid'],
      ['openid', 'offline:access']
    ]
  ])('%s', (_name, scopes, expected) => {
    expect(mergeScopes(scopes)).toEqual(expected)
  })
})
