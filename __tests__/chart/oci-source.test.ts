// What Helm writes as org.opencontainers.image.source, read from Chart.yaml's
// data: sources[0] unless blank, an annotation of that name over it. The
// same rule is checked against real Helm pushes in
// __tests__/publish/ghcr-link.int.test.ts.
import { expect, test } from 'vitest'
import { parse } from 'yaml'
import { ociSource, type OciSource } from '../../src/chart/oci-source.js'

test.each<[string, string, OciSource]>([
  ['no sources', 'name: a', { from: 'none', hasSources: false }],
  ['an empty list', 'sources: []', { from: 'none', hasSources: true }],
  ['a blank first item', 'sources: ["  "]', { from: 'none', hasSources: true }],
  [
    'sources[0]',
    'sources: [https://github.com/a/b, https://x.example]',
    { value: 'https://github.com/a/b', from: 'sources', hasSources: true }
  ],
  [
    'the annotation over sources[0]',
    [
      'sources: [https://github.com/a/b]',
      'annotations:',
      '  org.opencontainers.image.source: https://github.com/c/d'
    ].join('\n'),
    { value: 'https://github.com/c/d', from: 'annotation', hasSources: true }
  ],
  [
    'an empty annotation, which Helm copies all the same',
    [
      'sources: [https://github.com/a/b]',
      'annotations:',
      '  org.opencontainers.image.source: ""'
    ].join('\n'),
    { value: '', from: 'annotation', hasSources: true }
  ],
  [
    'other annotations only',
    'annotations:\n  artifacthub.io/license: MIT',
    { from: 'none', hasSources: false }
  ]
])('%s', (_name, yaml, expected) => {
  expect(ociSource(parse(yaml) as Record<string, unknown>)).toEqual(expected)
})
