// The mirror's outputs and summary rows: pure functions of the results.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { expect, test } from 'vitest'
import { countResults, mirroredJson } from '../../src/mirror/outputs.js'
import {
  mirrorSummaryRows,
  mirrorSummaryTitle,
  refusalLines,
  writeMirrorSummary
} from '../../src/mirror/summary.js'
import type { MirrorResult } from '../../src/mirror/types.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`
const C = `sha256:${'c'.repeat(64)}`

const copied: MirrorResult = {
  chart: 'podinfo',
  version: '6.7.0',
  source: 'oci://ghcr.io/stefanprodan/charts/podinfo:6.7.0',
  destination: 'oci://ghcr.io/acme/charts/podinfo:6.7.0',
  status: 'copied',
  digest: A,
  related: [
    {
      kind: 'signature',
      reference: 'sha256-a.sig',
      status: 'copied',
      digest: B
    },
    { kind: 'referrer', reference: B, status: 'copied', digest: B },
    { kind: 'referrer', reference: C, status: 'skipped', digest: C }
  ]
}
const skipped: MirrorResult = {
  ...copied,
  version: '6.6.0',
  status: 'skipped',
  related: []
}
const refused: MirrorResult = {
  ...copied,
  version: '6.5.0',
  status: 'refused',
  digest: B,
  destinationDigest: A,
  reason: 'the destination tag holds another digest',
  related: []
}

test('mirrored: the results as the engine made them', () => {
  const parsed = JSON.parse(mirroredJson([copied, refused])) as unknown
  expect(parsed).toEqual([copied, refused])
  expect(mirroredJson([])).toBe('[]')
})

test('counts per status', () => {
  expect(countResults([copied, skipped, refused, refused])).toEqual({
    copied: 1,
    skipped: 1,
    refused: 2,
    'would-copy': 0
  })
})

test('one summary row per chart version: chart, version, status, source, destination, digest', () => {
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
})

test('the title counts what happened', () => {
  expect(mirrorSummaryTitle([copied, skipped], false)).toBe(
    'Mirror: 1 copied, 1 already there'
  )
  expect(mirrorSummaryTitle([copied, refused], false)).toBe(
    'Mirror: 1 copied, 0 already there, 1 refused'
  )
  expect(mirrorSummaryTitle([{ ...copied, status: 'would-copy' }], true)).toBe(
    'Mirror: 1 to copy (dry run), 0 already there'
  )
  expect(mirrorSummaryTitle([copied], false, true)).toBe(
    'Mirror stopped by an error: 1 copied, 0 already there'
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
        digest: undefined,
        destinationDigest: undefined,
        reason: undefined
      }
    ])[0]
  ).toMatch(/: refused$/)
})

test('a refused signature of a copied chart is a refusal too', () => {
  const lines = refusalLines([
    {
      ...copied,
      related: [
        {
          kind: 'signature',
          reference: 'sha256-a.sig',
          status: 'refused',
          digest: B,
          destinationDigest: C,
          reason: 'the tag holds another signature'
        }
      ]
    }
  ])
  expect(lines).toEqual([
    `podinfo 6.7.0 (${copied.source} → ${copied.destination}), signature sha256-a.sig: the tag holds another signature [source ${B}, destination ${C}]`
  ])
})

test('the summary shows outside text as text: no tag, no mention, names in code', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mirror-summary-'))
  const file = path.join(dir, 'summary.md')
  fs.writeFileSync(file, '')
  process.env.GITHUB_STEP_SUMMARY = file
  try {
    const refused: MirrorResult = {
      ...copied,
      status: 'refused',
      reason: 'the registry said <img src=x> to @octo-team about `a<b>@v1`',
      related: []
    }
    await writeMirrorSummary([refused], false, {
      notes: ['see #12 and @admins']
    })
    const html = fs.readFileSync(file, 'utf8')
    expect(html).toContain(
      'the registry said &#60;img src=x&#62; to @&#8203;octo-team about <code>a&#60;b&#62;@v1</code>'
    )
    expect(html).toContain('see #&#8203;12 and @&#8203;admins')
    expect(html).not.toContain('<img')
  } finally {
    core.summary.emptyBuffer()
    delete process.env.GITHUB_STEP_SUMMARY
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
