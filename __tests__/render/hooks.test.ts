import { describe, expect, test } from 'vitest'
import {
  applicableResources,
  hookEvents,
  leftOut
} from '../../src/render/hooks.js'
import type { Resource } from '../../src/render/manifests.js'

describe('hookEvents', () => {
  test.each([
    ['test', ['test']],
    [' test , test-success ', ['test', 'test-success']],
    ['Pre-Install,,post-upgrade', ['pre-install', 'post-upgrade']],
    ['', []]
  ])('%j -> %j', (annotation, events) => {
    expect(hookEvents(annotation)).toEqual(events)
  })
})

describe('leftOut', () => {
  test.each<[string | undefined, 'tests' | 'skip-tests' | 'no-hooks', boolean]>(
    [
      [undefined, 'tests', false],
      [undefined, 'no-hooks', false],
      ['test', 'tests', true],
      ['test-success', 'tests', true],
      ['test-failure', 'tests', true],
      [' TEST , test-success ', 'tests', true],
      ['pre-upgrade', 'tests', false],
      // Also bound to pre-install: the tool applies it there.
      ['test,pre-install', 'tests', false],
      // helm template --skip-tests leaves out a hook with any test event.
      ['test,pre-install', 'skip-tests', true],
      ['post-install', 'skip-tests', false],
      ['', 'tests', false],
      ['post-install', 'no-hooks', true],
      ['test', 'no-hooks', true]
    ]
  )('%j under %s: %s', (hook, filter, expected) => {
    expect(leftOut(hook, filter)).toBe(expected)
  })
})

describe('applicableResources', () => {
  const resource = (name: string, hook?: string): Resource => ({
    kind: 'Pod',
    namespace: 'shop',
    name,
    text: `name: ${name}\n`,
    ...(hook === undefined ? {} : { hook })
  })
  const rendered = [
    resource('web'),
    resource('web-test-x1z9q', 'test-success'),
    resource('web-migrate', 'pre-upgrade')
  ]

  test('without a filter every resource stays, without a note', () => {
    expect(applicableResources(rendered, undefined)).toEqual({
      resources: rendered,
      notes: []
    })
  })

  test('test hooks are left out and the note says why; other hooks stay', () => {
    const applied = applicableResources(rendered, {
      which: 'tests',
      why: 'Argo CD does not run them'
    })
    expect(applied.resources.map(r => r.name)).toEqual(['web', 'web-migrate'])
    expect(applied.notes).toEqual([
      'Helm test hooks not shown: Argo CD does not run them'
    ])
  })

  test('no note when there was no test hook to leave out', () => {
    const applied = applicableResources(rendered.slice(0, 1), {
      which: 'tests',
      why: 'x'
    })
    expect(applied.notes).toEqual([])
  })

  test('no-hooks leaves every hook out', () => {
    const applied = applicableResources(rendered, {
      which: 'no-hooks',
      why: 'skipHooks: true (helm --no-hooks)'
    })
    expect(applied.resources.map(r => r.name)).toEqual(['web'])
    expect(applied.notes).toEqual([
      'Helm hooks not shown: skipHooks: true (helm --no-hooks)'
    ])
  })
})
