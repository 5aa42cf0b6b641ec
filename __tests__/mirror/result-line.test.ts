// Each chart version's line in its log group: the status, where from and to,
// the digest (both when they differ), and why a refusal was refused.
import { expect, test } from 'vitest'
import {
  digestPair,
  resultLine,
  statusText
} from '../../src/mirror/result-line.js'
import type { MirrorResult } from '../../src/mirror/types.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`
const SRC = 'oci://up.example.com/charts/widget:1.1.0'
const DEST = 'oci://ghcr.io/acme/charts/widget:1.1.0'

const base: MirrorResult = {
  chart: 'widget',
  version: '1.1.0',
  source: SRC,
  destination: DEST,
  status: 'copied',
  digest: A,
  related: []
}

test.each<[string, Partial<MirrorResult>, string]>([
  ['copied', {}, `widget 1.1.0 copied: ${SRC} → ${DEST} (${A})`],
  [
    'skipped',
    { status: 'skipped' },
    `widget 1.1.0 skipped: ${DEST} already holds ${SRC} (${A})`
  ],
  [
    'would-copy',
    { status: 'would-copy' },
    `widget 1.1.0 would-copy: ${SRC} → ${DEST} (${A}) (dry run)`
  ],
  [
    'refused, both digests',
    {
      status: 'refused',
      digest: B,
      destinationDigest: A,
      reason: 'the upstream tag moved'
    },
    `widget 1.1.0 refused: the upstream tag moved [source ${B}, destination ${A}]`
  ],
  [
    'refused, no digest known',
    { status: 'refused', digest: undefined, reason: 'no such tag' },
    'widget 1.1.0 refused: no such tag'
  ],
  [
    'a classic package: its sha256',
    {
      source: 'https://charts.example.com widget@1.1.0',
      digest: A
    },
    `widget 1.1.0 copied: https://charts.example.com widget@1.1.0 → ${DEST} (package ${A})`
  ],
  [
    'copied with a signature and a refused referrer',
    {
      related: [
        { kind: 'signature', reference: 'sha256-a.sig', status: 'copied' },
        { kind: 'referrer', reference: B, status: 'refused' }
      ],
      reason: `referrer ${B}: held differently`
    },
    `widget 1.1.0 copied (1 signature(s)): ${SRC} → ${DEST} (${A}); not copied beside it: referrer ${B}: held differently`
  ]
])('%s', (_what, change, line) => {
  expect(resultLine({ ...base, ...change })).toBe(line)
})

test.each<[string, Partial<MirrorResult>, string]>([
  ['nothing beside', {}, 'copied'],
  [
    'signatures and referrers, refused ones not counted',
    {
      status: 'skipped',
      related: [
        { kind: 'signature', reference: 's', status: 'skipped' },
        { kind: 'referrer', reference: 'r', status: 'copied' },
        { kind: 'referrer', reference: 'x', status: 'refused' }
      ]
    },
    'skipped (1 signature(s), 1 referrer(s))'
  ]
])('the status: %s', (_what, change, text) => {
  expect(statusText({ ...base, ...change })).toBe(text)
})

test.each([
  [A, B, ` [source ${A}, destination ${B}]`],
  [A, undefined, ` [source ${A}]`],
  [undefined, undefined, '']
])('digestPair(%s, %s)', (source, destination, text) => {
  expect(digestPair(source, destination)).toBe(text)
})
