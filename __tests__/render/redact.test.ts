// Secret redaction decided by what a document holds: Secrets, Secrets in
// Lists, a Secret's annotations, and documents no strict parser reads.
import { describe, expect, test } from 'vitest'
import { mayBeSecret, redactOne, redactPair } from '../../src/render/redact.js'

const OLD = 'b2xkLXZhbHVl'
const NEW = 'bmV3LXZhbHVl'

const secret = (value: string, extra: string[] = []): string =>
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: creds',
    ...extra,
    'data:',
    `  password: ${value}`,
    ''
  ].join('\n')

const list = (kind: string, items: string[]): string =>
  [
    'apiVersion: v1',
    `kind: ${kind}`,
    'items:',
    ...items.flatMap(item =>
      item
        .trimEnd()
        .split('\n')
        .map((line, i) => `${i === 0 ? '  - ' : '    '}${line}`)
    ),
    ''
  ].join('\n')

const configMap = (value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  value: ${value}\n`

describe('redactPair', () => {
  test.each<[string, string, string, RegExp[]]>([
    [
      'a Secret: keys shown, values marked',
      secret(OLD),
      secret(NEW),
      [/^\s+password: <redacted, changed, new value>$/m]
    ],
    [
      "a Secret's annotations: keys shown, values marked",
      secret(OLD, [
        '  annotations:',
        `    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"${OLD}"}}'`
      ]),
      secret(OLD, [
        '  annotations:',
        `    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"${NEW}"}}'`,
        '    added: note'
      ]),
      [
        /^\s+kubectl\.kubernetes\.io\/last-applied-configuration: <redacted, changed, new value>$/m,
        /^\s+added: <redacted, added>$/m,
        /^\s+password: <redacted, unchanged>$/m
      ]
    ],
    [
      'a Secret in a List, matched by name',
      list('List', [configMap('one'), secret(OLD)]),
      list('List', [configMap('two'), secret(NEW)]),
      [/^\s+password: <redacted, changed, new value>$/m, /^\s+value: two$/m]
    ],
    [
      'a Secret in a *List',
      list('SecretList', [secret(OLD)]),
      list('SecretList', [secret(NEW)]),
      [/^\s+password: <redacted, changed, new value>$/m]
    ],
    [
      "a SecretList's item without a kind is a Secret",
      list('SecretList', [`metadata: {name: a}\ndata: {password: ${OLD}}`]),
      list('SecretList', [`metadata: {name: a}\ndata: {password: ${NEW}}`]),
      [/password: <redacted, changed, new value>/]
    ],
    [
      'a Secret added to a List: its keys marked added',
      list('List', [configMap('one')]),
      list('List', [configMap('one'), secret(NEW)]),
      [/^\s+password: <redacted, added>$/m]
    ],
    [
      'a Secret in a List in a List',
      list('List', [list('List', [secret(OLD)])]),
      list('List', [list('List', [secret(NEW)])]),
      [/password: <redacted, changed, new value>/]
    ],
    [
      'a Secret whose key repeats (Helm renders it; this parser refuses it)',
      secret(OLD, []).replace(
        `password: ${OLD}`,
        `password: ${OLD}\n  password: ${OLD}`
      ),
      secret(NEW, []).replace(
        `password: ${NEW}`,
        `password: ${NEW}\n  password: ${NEW}`
      ),
      [
        /may be a Secret: its whole text is redacted/,
        /<redacted, changed, new value>/
      ]
    ],
    [
      'a kind written with a tag the parser warns about',
      `apiVersion: v1\nkind: !!binary U2VjcmV0\nmetadata: {name: c}\ndata: {password: ${OLD}}\n`,
      `apiVersion: v1\nkind: !!binary U2VjcmV0\nmetadata: {name: c}\ndata: {password: ${NEW}}\n`,
      [/may be a Secret: its whole text is redacted/]
    ]
  ])('%s', (_what, before, after, expected) => {
    const { oldText, newText } = redactPair(before, after)
    for (const value of [OLD, NEW]) {
      expect(oldText).not.toContain(value)
      expect(newText).not.toContain(value)
    }
    for (const pattern of expected) expect(newText).toMatch(pattern)
  })

  test.each<[string, string, string, string, string]>([
    [
      'a changed value: the same form on both sides, each side named',
      secret(OLD),
      secret(NEW),
      '  password: <redacted, changed, old value>',
      '  password: <redacted, changed, new value>'
    ],
    [
      'an unchanged value: the same line on both sides',
      secret(OLD, ['  labels: {a: "1"}']),
      secret(OLD, ['  labels: {a: "2"}']),
      '  password: <redacted, unchanged>',
      '  password: <redacted, unchanged>'
    ],
    [
      'a key removed and one added',
      secret(OLD).replace('password', 'gone'),
      secret(NEW),
      '  gone: <redacted, removed>',
      '  password: <redacted, added>'
    ],
    [
      'a document no parser reads',
      `${secret(OLD)}data: {`,
      `${secret(NEW)}data: {`,
      '<redacted, changed, old value>',
      '<redacted, changed, new value>'
    ]
  ])('symmetric: %s', (_what, before, after, oldLine, newLine) => {
    const { oldText, newText } = redactPair(before, after)
    expect(oldText.split('\n')).toContain(oldLine)
    expect(newText.split('\n')).toContain(newLine)
    // No quoted marker on either side: YAML writes every marker the same way.
    expect(`${oldText}${newText}`).not.toMatch(/"<redacted/)
  })

  test('a document without a Secret is shown as written, byte for byte', () => {
    const before = `# comment\n${configMap('"one"')}`
    const after = `# comment\n${configMap('"two"')}`
    expect(redactPair(before, after)).toEqual({
      oldText: before,
      newText: after
    })
  })

  test('a List without a Secret is shown as written', () => {
    const before = list('List', [configMap('one')])
    const after = list('List', [configMap('two')])
    expect(redactPair(before, after).newText).toBe(after)
  })

  test('an unreadable document that cannot be a Secret is shown as written', () => {
    const before = 'kind: ConfigMap\ndata: {a: 1\n'
    const after = 'kind: ConfigMap\ndata: {a: 2\n'
    expect(redactPair(before, after)).toEqual({
      oldText: before,
      newText: after
    })
  })
})

describe('redactOne: an added or removed resource shown whole', () => {
  test.each<[string, string, 'added' | 'removed', RegExp[]]>([
    [
      'an added Secret',
      secret(NEW, ['  annotations: {note: hi}']),
      'added',
      [/^ {2}password: <redacted, added>$/m, /^ {4}note: <redacted, added>$/m]
    ],
    [
      'a removed Secret',
      secret(OLD),
      'removed',
      [/^ {2}password: <redacted, removed>$/m, /^ {2}name: creds$/m]
    ],
    [
      'a Secret in a List',
      list('List', [configMap('one'), secret(NEW)]),
      'added',
      [/password: <redacted, added>/, /value: one/]
    ],
    [
      'a document no parser reads that may be a Secret',
      `${secret(NEW)}data: {`,
      'added',
      [/^# not readable as YAML and may be a Secret/]
    ]
  ])('%s: no value, the keys kept', (_what, text, side, expected) => {
    const shown = redactOne(text, side)
    expect(shown).not.toContain(OLD)
    expect(shown).not.toContain(NEW)
    for (const pattern of expected) expect(shown).toMatch(pattern)
  })

  test('a resource without a Secret is shown as written', () => {
    const text = `# comment\n${configMap('"one"')}`
    expect(redactOne(text, 'added')).toBe(text)
  })
})

describe('mayBeSecret: a text scan of a document no parser read', () => {
  test.each<[string, boolean]>([
    ['kind: ConfigMap\ndata: {a: 1', false],
    ['kind: Secret\ndata: {a: 1', true],
    ['  - kind:   "Secret"', true],
    ["{'kind': 'secret'}", true],
    ['kind: SECRET', true],
    ['kind: "Secr\\x65t"', true],
    ['kind: "\\u0053ecret"', true],
    ['kind: !!binary U2VjcmV0', true],
    ['kind: Sec\n  ret', false]
  ])('%j: %s', (text, expected) => {
    expect(mayBeSecret(text)).toBe(expected)
  })
})
