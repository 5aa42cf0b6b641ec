// The mirror's outputs and summary rows: pure functions of the outcomes.
import { expect, test } from 'vitest'
import { countResults, mirroredJson } from '../../src/mirror/outputs.js'
import {
  mirrorSummaryRows,
  mirrorSummaryTitle,
  refusalLines
} from '../../src/mirror/summary.js'
import type { MirrorOutcome } from '../../src/mirror/types.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`

const copied: MirrorOutcome = {
  chart: 'podinfo',
  version: '6.7.0',
  source: 'oci://ghcr.io/stefanprodan/charts/podinfo:6.7.0',
  destination: 'oci://ghcr.io/acme/charts/podinfo:6.7.0',
  result: 'copied',
  sourceDigest: A,
  destinationDigest: A,
  signatures: 1,
  referrers: 2
}
const skipped: MirrorOutcome = {
  ...copied,
  version: '6.6.0',
  result: 'skipped',
  signatures: 0,
  referrers: 0,
  reason: 'already mirrored'
}
const refused: MirrorOutcome = {
  ...copied,
  version: '6.5.0',
  result: 'refused',
  sourceDigest: B,
  destinationDigest: A,
  signatures: 0,
  referrers: 0,
  reason: 'the destination tag holds another digest'
}

test('mirrored: every outcome with every key, absent ones empty', () => {
  const parsed = JSON.parse(
    mirroredJson([
      copied,
      { ...copied, result: 'would-copy', destinationDigest: undefined }
    ])
  ) as Record<string, unknown>[]
  expect(parsed[0]).toEqual({
    chart: 'podinfo',
    version: '6.7.0',
    source: 'oci://ghcr.io/stefanprodan/charts/podinfo:6.7.0',
    destination: 'oci://ghcr.io/acme/charts/podinfo:6.7.0',
    result: 'copied',
    sourceDigest: A,
    destinationDigest: A,
    signatures: 1,
    referrers: 2,
    reason: ''
  })
  expect(Object.keys(parsed[1])).toEqual(Object.keys(parsed[0]))
  expect(parsed[1].destinationDigest).toBe('')
  expect(mirroredJson([])).toBe('[]')
})

test('counts per result', () => {
  expect(countResults([copied, skipped, refused, refused])).toEqual({
    copied: 1,
    skipped: 1,
    refused: 2,
    'would-copy': 0
  })
})

test('one summary row per chart version: chart, version, result, source, destination, digest', () => {
  expect(mirrorSummaryRows([copied, skipped])).toEqual([
    [
      'podinfo',
      '6.7.0',
      'copied (1 signature(s), 2 referrer(s))',
      copied.source,
      copied.destination,
      A
    ],
    ['podinfo', '6.6.0', 'skipped', skipped.source, skipped.destination, A]
  ])
  // A dry run has no destination digest yet: the source's is what will land.
  expect(
    mirrorSummaryRows([
      { ...copied, result: 'would-copy', destinationDigest: undefined }
    ])[0][5]
  ).toBe(A)
})

test('the title counts what happened', () => {
  expect(mirrorSummaryTitle([copied, skipped], false)).toBe(
    'Mirror: 1 copied, 1 already there'
  )
  expect(mirrorSummaryTitle([copied, refused], false)).toBe(
    'Mirror: 1 copied, 0 already there, 1 refused'
  )
  expect(mirrorSummaryTitle([{ ...copied, result: 'would-copy' }], true)).toBe(
    'Mirror: 1 to copy (dry run), 0 already there'
  )
})

test('a refusal names the chart, both places, the reason and both digests', () => {
  expect(refusalLines([copied, refused])).toEqual([
    `podinfo 6.5.0 (${refused.source} → ${refused.destination}): the destination tag holds another digest [source ${B}, destination ${A}]`
  ])
  expect(
    refusalLines([
      {
        ...refused,
        sourceDigest: undefined,
        destinationDigest: undefined,
        reason: undefined
      }
    ])[0]
  ).toMatch(/: refused$/)
})
