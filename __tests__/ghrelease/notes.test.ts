import { expect, test } from 'vitest'
import {
  assetDecision,
  packageAssetName,
  releaseTagFor,
  releaseText
} from '../../src/ghrelease/notes.js'
import type { ChartRelease } from '../../src/record/chart-release.js'

const chart = {
  name: 'web',
  version: '1.2.0',
  ref: 'oci://ghcr.io/o/web',
  tag: '1.2.0',
  digest: 'sha256:abc'
} as ChartRelease

test('the tag: the run tag when it releases the chart, else the pattern', () => {
  expect(releaseTagFor(chart, 'v1.2.0', 'v{version}')).toBe('v1.2.0')
  expect(releaseTagFor(chart, '1.2.0', 'v{version}')).toBe('1.2.0')
  expect(releaseTagFor(chart, undefined, '{name}-v{version}')).toBe(
    'web-v1.2.0'
  )
  expect(releaseTagFor(chart, 'api-v2.0.0', '{name}-v{version}')).toBe(
    'web-v1.2.0'
  )
})

test('the body: install command, digest, changes escaped', () => {
  const { name, body } = releaseText(chart, {
    appVersion: '<b>2</b>',
    changes: '- kind: fixed\n  description: "@team see #12 <script>"\n- plain'
  })
  expect(name).toBe('web 1.2.0')
  expect(body).toContain('helm install web oci://ghcr.io/o/web --version 1.2.0')
  expect(body).toContain('`sha256:abc`')
  expect(body).toContain('&lt;b&gt;2&lt;/b&gt;')
  expect(body).not.toContain('<script>')
  expect(body).toContain('@&#8203;team')
  expect(body).toContain('- plain')
  expect(body).not.toContain('### Verify')
})

test('assets: new uploaded, identical kept, different a conflict', () => {
  const a = Buffer.from('a')
  expect(assetDecision(undefined, a)).toBe('upload')
  expect(assetDecision(Buffer.from('a'), a)).toBe('keep')
  expect(assetDecision(Buffer.from('b'), a)).toBe('conflict')
  expect(packageAssetName(chart)).toBe('web-1.2.0.tgz')
})
