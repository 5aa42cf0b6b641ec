// A classic repository's index.yaml: versions, URLs resolved as Helm does,
// digests, and hostile indexes refused.
import { describe, expect, test } from 'vitest'
import { parseIndex } from '../../src/mirror/classic-index.js'

const REPO = 'https://charts.example.com/stable'
const HEX = 'a'.repeat(64)

describe('parseIndex', () => {
  test('versions with relative and absolute URLs and digests', () => {
    const index = [
      'apiVersion: v1',
      'entries:',
      '  nginx:',
      '    - version: 1.2.0',
      '      urls: [nginx-1.2.0.tgz]',
      `      digest: ${HEX}`,
      '    - version: 1.3.0+build.1',
      '      urls: ["https://cdn.example.com/nginx-1.3.0.tgz"]',
      `      digest: sha256:${HEX.toUpperCase()}`,
      '    - version: not-semver',
      '      urls: [x.tgz]',
      '  other:',
      '    - version: 9.0.0',
      '      urls: [other.tgz]'
    ].join('\n')
    expect(parseIndex(index, REPO, 'nginx')).toEqual([
      {
        version: '1.2.0',
        url: `${REPO}/nginx-1.2.0.tgz`,
        digest: HEX
      },
      {
        version: '1.3.0+build.1',
        url: 'https://cdn.example.com/nginx-1.3.0.tgz',
        digest: HEX
      }
    ])
    expect(parseIndex(index, REPO, 'absent')).toEqual([])
    expect(parseIndex(index, REPO, 'constructor')).toEqual([])
  })

  test.each([
    ['not: [yaml', /is not valid YAML/],
    ['- a list', /has no `entries` map/],
    ['entries:\n  nginx: 7', /something other than a list/],
    [
      'entries:\n  nginx:\n    - version: 1.0.0',
      /no download URL for nginx 1\.0\.0/
    ],
    [
      'entries:\n  nginx:\n    - version: 1.0.0\n      urls: ["file:///etc/passwd"]',
      /unusable URL "file:\/\/\/etc\/passwd"/
    ],
    [
      'entries:\n  nginx:\n    - version: 1.0.0\n      urls: ["http://plain.example.com/x.tgz"]',
      /unusable URL/
    ],
    [
      'entries:\n  nginx:\n    - version: 1.0.0\n      urls: [x.tgz]\n      digest: md5:abc',
      /digest that is not sha256 hex/
    ]
  ])('refuses %j', (text, message) => {
    expect(() => parseIndex(text, REPO, 'nginx')).toThrow(message)
  })

  test('alias bombs are refused, not expanded', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 12; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [` +
          Array(10)
            .fill(`*${String.fromCharCode(96 + i)}`)
            .join(', ') +
          ']'
      )
    lines.push('entries: {}')
    expect(() => parseIndex(lines.join('\n'), REPO, 'nginx')).toThrow(
      /not valid YAML/
    )
  })
})
