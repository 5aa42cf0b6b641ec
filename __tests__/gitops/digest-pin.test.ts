// Pins that hold the chart's digest next to their version: planned and
// edited with it (two spans, or one longer scalar), or left alone with why.
import { describe, expect, test } from 'vitest'
import { withoutDigest } from '../../src/gitops/digest-pin.js'
import { editsFor, planBump } from '../../src/gitops/edit.js'
import type { Pin } from '../../src/gitops/scan/types.js'

function pin(current: string, extra: Partial<Pin> = {}): Pin {
  return {
    file: 'app.yaml',
    line: 1,
    column: 1,
    kind: 'argocd-application',
    path: 'spec.source.targetRevision',
    current,
    start: 0,
    end: current.length,
    quote: 'plain',
    ...extra
  }
}

test.each([
  ['1.2.3@sha256:' + 'a'.repeat(64), '1.2.3'],
  ['v1.2.3@SHA512:' + 'A'.repeat(128), 'v1.2.3'],
  ['1.2.3', '1.2.3'],
  ['sha256:' + 'a'.repeat(64), 'sha256:' + 'a'.repeat(64)],
  ['1.2.3@latest', '1.2.3@latest']
])('withoutDigest(%j) = %j', (value, version) => {
  expect(withoutDigest(value)).toBe(version)
})

describe('digest pins', () => {
  const OLD = 'sha256:' + 'a'.repeat(64)
  const NEW = 'sha256:' + 'b'.repeat(64)
  const target = { version: '1.3.0', digest: NEW }
  // `tag: "1.2.0"` at 0-7, `digest: '<OLD>'` at 20-93 of a made-up text.
  const field = {
    path: 'spec.ref.digest',
    line: 2,
    column: 13,
    current: OLD,
    start: 20,
    end: 20 + OLD.length + 2,
    quote: 'single' as const
  }
  const tagged = (current: string, extra: Partial<Pin> = {}): Pin =>
    pin(current, {
      kind: 'flux-ocirepository',
      path: 'spec.ref.tag',
      quote: 'double',
      end: current.length + 2,
      ...extra
    })

  test('a tag with a digest field: both scalars, each in its own quotes', () => {
    const [plan] = planBump(
      [tagged('1.2.0', { digest: { form: 'field', field } })],
      target
    )
    expect(plan).toMatchObject({
      action: 'bump',
      to: '1.3.0',
      digest: { from: OLD, to: NEW },
      reason: `1.2.0 -> 1.3.0, digest ${OLD} -> ${NEW}`
    })
    expect(editsFor(plan)).toEqual([
      { start: 0, end: 7, text: '"1.3.0"' },
      { start: 20, end: field.end, text: `'${NEW}'` }
    ])
  })

  test.each([
    ['1.2.0@' + OLD, '"1.3.0@' + NEW + '"', { from: OLD, to: NEW }],
    ['v1.2.0@' + OLD, '"v1.3.0@' + NEW + '"', { from: OLD, to: NEW }],
    // The tool reads a digest here, but none is written: the version alone moves.
    ['1.2.0', '"1.3.0"', undefined]
  ])('one scalar %s becomes %s', (current, text, digest) => {
    const [plan] = planBump(
      [tagged(current, { digest: { form: 'suffix' } })],
      target
    )
    expect(plan.action).toBe('bump')
    expect(plan.digest).toEqual(digest)
    expect(editsFor(plan)).toEqual([
      { start: 0, end: current.length + 2, text }
    ])
  })

  test.each<[string, Pin, string | typeof target, RegExp]>([
    [
      'no digest known (dry run)',
      tagged('1.2.0', { digest: { form: 'field', field } }),
      '1.3.0',
      /no digest is known for 1\.3\.0 \(nothing was pushed: dry run\)/
    ],
    [
      'no digest known, one scalar',
      tagged('1.2.0@' + OLD, { digest: { form: 'suffix' } }),
      { version: '1.3.0', digest: '' },
      /no digest is known for 1\.3\.0/
    ],
    [
      'a digest field that is not a digest',
      tagged('1.2.0', {
        digest: { form: 'field', field: { ...field, current: '${D}' } }
      }),
      target,
      /^spec\.ref\.digest is '\$\{D\}', not a digest/
    ],
    [
      'the version already there, with another digest',
      tagged('1.3.0', { digest: { form: 'field', field } }),
      target,
      /^already 1\.3\.0, but with digest sha256:a+, while the registry serves sha256:b+/
    ],
    [
      'a newer version with a digest',
      tagged('1.4.0@' + OLD, { digest: { form: 'suffix' } }),
      target,
      /is newer than 1\.3\.0/
    ],
    [
      'a tool that reads no digest there (Helm-style Argo CD)',
      pin('1.2.0@' + OLD),
      target,
      /digest/
    ],
    [
      'a digest alone',
      tagged(OLD, { digest: { form: 'suffix' } }),
      target,
      /digest/
    ]
  ])('left alone: %s', (_name, pinned, bumpTo, reason) => {
    const [plan] = planBump([pinned], bumpTo)
    expect(plan.action).toBe('skip')
    expect(plan.reason).toMatch(reason)
    expect(editsFor(plan)).toEqual([])
  })

  test('the version already there with the served digest is current', () => {
    const served = { ...field, current: NEW }
    const plans = planBump(
      [
        tagged('1.3.0', { digest: { form: 'field', field: served } }),
        tagged(`1.3.0@${NEW}`, { digest: { form: 'suffix' } })
      ],
      target
    )
    expect(plans.map(p => p.action)).toEqual(['current', 'current'])
    // Nothing to compare with in a dry run: the version says it.
    const [dryRun] = planBump(
      [tagged('1.3.0', { digest: { form: 'field', field } })],
      '1.3.0'
    )
    expect(dryRun.action).toBe('current')
  })
})
